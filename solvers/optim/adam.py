"""adam: torch.optim.Adam, running averages of g and g², bias-corrected (L2 weight decay)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from solvers.optim.knobs import BETAS, WEIGHT_DECAY, eps
from solvers.optim.spec import Knobs, OptimizerSpec, knob_number


def adam_step(knobs: Knobs, t: int, eta: float, m: float, v2: float) -> float | None:
    """−(η / (1 − β₁ᵗ))·m / (√v2 / √(1 − β₂ᵗ) + ε): Adam's and AdamW's step proper."""
    betas = knobs.get("betas")
    if not isinstance(betas, tuple):
        return None
    b1, b2 = betas
    return (
        -(eta / (1 - b1**t))
        * m
        / (math.sqrt(v2) / math.sqrt(1 - b2**t) + knob_number(knobs, "eps"))
    )


def step(
    knobs: Knobs, t: int, eta: float, theta: float, grad: float, state: Mapping[str, float]
) -> float | None:
    """Adam's step from the recorded m and v2 (λθ is inside them)."""
    m, v2 = state.get("m"), state.get("v2")
    return None if m is None or v2 is None else adam_step(knobs, t, eta, m, v2)


def bias_corrections(
    knobs: Knobs,
    t: int,
    eta: float,
    column: Callable[[str], float | None],
    number: Callable[[float], str],
) -> tuple[str, ...]:
    """1 − β₁ᵗ and 1 − β₂ᵗ at this step."""
    b1, b2 = knobs["betas"]  # type: ignore[misc]
    return (
        f"bias corrections: 1 − β₁ᵗ = {number(1 - b1**t)}, 1 − β₂ᵗ = {number(1 - b2**t)} (t = {t})",
    )


SPEC = OptimizerSpec(
    name="adam",
    summary="torch.optim.Adam: running averages of g and g², bias-corrected",
    knobs=(BETAS, eps(1e-8), WEIGHT_DECAY),
    rule="solvers.optim.rules.adam",
    formula=(
        ("g ← g + λ·θ   (weight decay λ ≠ 0, L2)", "weight-decay"),
        ("m ← β₁·m + (1 − β₁)·g   [m]", None),
        ("v2 ← β₂·v2 + (1 − β₂)·g²   [v2]", None),
        ("θ ← θ − (η / (1 − β₁ᵗ))·m / (√v2 / √(1 − β₂ᵗ) + ε)   [step]", None),
    ),
    step=step,
    torch_class="Adam",
    adaptive=True,
    notes=bias_corrections,
    instead=(
        "Adam scales steps by running means of g and g²",
        "per coordinate, η·m̂ / (√v̂ + ε): a step's size depends on η, not on g's scale, "
        "while |g| ≫ ε",
    ),
)
