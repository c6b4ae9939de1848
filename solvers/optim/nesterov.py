"""nesterov: torch.optim.SGD(nesterov=True), the step looks ahead along the velocity.

gdlab's momentum defaults to 0.9 (torch's 0 is refused with ``nesterov=True``).
"""

from __future__ import annotations

from collections.abc import Mapping

from solvers.optim.knobs import NESTEROV_MOMENTUM, WEIGHT_DECAY
from solvers.optim.spec import Knobs, OptimizerSpec, knob_number


def step(
    knobs: Knobs, t: int, eta: float, theta: float, grad: float, state: Mapping[str, float]
) -> float | None:
    """−η·(g + λθ + μ·v)."""
    g = grad + knob_number(knobs, "weight-decay") * theta
    v = state.get("v")
    return None if v is None else -eta * (g + knob_number(knobs, "momentum") * v)


SPEC = OptimizerSpec(
    name="nesterov",
    summary="torch.optim.SGD with Nesterov momentum: the step looks ahead",
    knobs=(NESTEROV_MOMENTUM, WEIGHT_DECAY),
    rule="solvers.optim.rules.momentum",
    formula=(
        ("g ← g + λ·θ   (weight decay λ ≠ 0)", "weight-decay"),
        ("v ← g at the first step, then v ← μ·v + g   [v]", None),
        ("θ ← θ − η·(g + μ·v)   [step]   (looks ahead along the velocity)", None),
    ),
    step=step,
    torch_class="SGD",
    torch_fixed={"nesterov": True},
    script_defaults={"momentum": 0.9, "nesterov": True},
)
