"""momentum: torch.optim.SGD with momentum, a velocity of past gradients.

torch.optim.SGD's momentum defaults to 0, which is no momentum at all; gdlab's
defaults to 0.9. ``--momentum 0`` is torch.optim.SGD without momentum.
"""

from __future__ import annotations

from collections.abc import Mapping

from solvers.optim.knobs import DAMPENING, MOMENTUM, WEIGHT_DECAY
from solvers.optim.spec import Knobs, OptimizerSpec, knob_number


def step(
    knobs: Knobs, t: int, eta: float, theta: float, grad: float, state: Mapping[str, float]
) -> float | None:
    """−η·v (−η·(g + λθ) without momentum)."""
    g = grad + knob_number(knobs, "weight-decay") * theta
    if knob_number(knobs, "momentum") == 0:
        return -eta * g
    v = state.get("v")
    return None if v is None else -eta * v


def keeps_state(knobs: Knobs) -> bool:
    """SGD without momentum keeps no velocity."""
    return knob_number(knobs, "momentum") != 0


SPEC = OptimizerSpec(
    name="momentum",
    summary="torch.optim.SGD with momentum: a velocity of past gradients",
    knobs=(MOMENTUM, DAMPENING, WEIGHT_DECAY),
    rule="solvers.optim.rules.momentum",
    formula=(
        ("g ← g + λ·θ   (weight decay λ ≠ 0)", "weight-decay"),
        ("v ← g at the first step, then v ← μ·v + (1 − d)·g   [v]", "momentum"),
        ("θ ← θ − η·v   [step]   (μ = 0: θ ← θ − η·g, torch.optim.SGD)", None),
    ),
    step=step,
    torch_class="SGD",
    script_defaults={"momentum": 0.9},
    keeps_state=keeps_state,
)
