"""adagrad: torch.optim.Adagrad, η divided by the root of the sum of past g²."""

from __future__ import annotations

import math
from collections.abc import Mapping

from solvers.optim.knobs import WEIGHT_DECAY, eps
from solvers.optim.spec import Knobs, OptimizerSpec, knob_number


def step(
    knobs: Knobs, t: int, eta: float, theta: float, grad: float, state: Mapping[str, float]
) -> float | None:
    """−η·g / (√G + ε), g with λθ added."""
    g = grad + knob_number(knobs, "weight-decay") * theta
    total = state.get("sum")
    return None if total is None else -eta * g / (math.sqrt(total) + knob_number(knobs, "eps"))


SPEC = OptimizerSpec(
    name="adagrad",
    summary="torch.optim.Adagrad: η divided by the root of the sum of past g²",
    knobs=(eps(1e-10), WEIGHT_DECAY),
    rule="solvers.optim.rules.adagrad",
    formula=(
        ("g ← g + λ·θ   (weight decay λ ≠ 0)", "weight-decay"),
        ("G ← G + g²   [sum]", None),
        ("θ ← θ − η·g / (√G + ε)   [step]", None),
    ),
    step=step,
    torch_class="Adagrad",
    adaptive=True,
    instead=(
        "Adagrad divides η by √(Σ past g²), which only grows",
        "per coordinate, η / (√(Σ g²) + ε)",
    ),
)
