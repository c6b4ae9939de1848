"""rmsprop: torch.optim.RMSprop (not centered), η divided by the root of a running
average of g²."""

from __future__ import annotations

import math
from collections.abc import Mapping

from solvers.optim.knobs import ALPHA, RMS_MOMENTUM, WEIGHT_DECAY, eps
from solvers.optim.spec import Knobs, OptimizerSpec, knob_number


def step(
    knobs: Knobs, t: int, eta: float, theta: float, grad: float, state: Mapping[str, float]
) -> float | None:
    """−η·v with momentum, else −η·g / (√v2 + ε), g with λθ added."""
    g = grad + knob_number(knobs, "weight-decay") * theta
    if knob_number(knobs, "momentum") > 0:
        v = state.get("v")
        return None if v is None else -eta * v
    v2 = state.get("v2")
    return None if v2 is None else -eta * g / (math.sqrt(v2) + knob_number(knobs, "eps"))


SPEC = OptimizerSpec(
    name="rmsprop",
    summary="torch.optim.RMSprop: η divided by the root of a running average of g²",
    knobs=(ALPHA, eps(1e-8), WEIGHT_DECAY, RMS_MOMENTUM),
    rule="solvers.optim.rules.rmsprop",
    formula=(
        ("g ← g + λ·θ   (weight decay λ ≠ 0)", "weight-decay"),
        ("v2 ← α·v2 + (1 − α)·g²   [v2]", None),
        ("θ ← θ − η·g / (√v2 + ε)   [step]", None),
        ("with momentum μ > 0: v ← μ·v + g / (√v2 + ε), θ ← θ − η·v   [v]", "momentum"),
    ),
    step=step,
    torch_class="RMSprop",
    adaptive=True,
    instead=(
        "RMSprop divides steps by √(mean of g²)",
        "per coordinate, η·g / (√(mean g²) + ε): a step's size does not scale with g's "
        "while |g| ≫ ε",
    ),
)
