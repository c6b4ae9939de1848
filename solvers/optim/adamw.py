"""adamw: torch.optim.AdamW, Adam with decoupled weight decay (λ defaults to 0.01)."""

from __future__ import annotations

from collections.abc import Mapping

from solvers.optim.adam import adam_step, bias_corrections
from solvers.optim.knobs import BETAS, DECOUPLED_DECAY, eps
from solvers.optim.spec import Knobs, OptimizerSpec, knob_number


def step(
    knobs: Knobs, t: int, eta: float, theta: float, grad: float, state: Mapping[str, float]
) -> float | None:
    """Adam's step, and θ shrunk by η·λ·θ."""
    m, v2 = state.get("m"), state.get("v2")
    if m is None or v2 is None:
        return None
    change = adam_step(knobs, t, eta, m, v2)
    return None if change is None else change - eta * knob_number(knobs, "weight-decay") * theta


SPEC = OptimizerSpec(
    name="adamw",
    summary="torch.optim.AdamW: Adam with decoupled weight decay",
    knobs=(BETAS, eps(1e-8), DECOUPLED_DECAY),
    rule="solvers.optim.rules.adam",
    formula=(
        ("θ ← θ·(1 − η·λ)   (decoupled weight decay)", "weight-decay"),
        ("m ← β₁·m + (1 − β₁)·g   [m]", None),
        ("v2 ← β₂·v2 + (1 − β₂)·g²   [v2]", None),
        ("θ ← θ − (η / (1 − β₁ᵗ))·m / (√v2 / √(1 − β₂ᵗ) + ε)   [step]", None),
    ),
    step=step,
    torch_class="AdamW",
    adaptive=True,
    notes=bias_corrections,
    instead=(
        "AdamW scales steps by running means of g and g²",
        "per coordinate, η·m̂ / (√v̂ + ε), and θ shrinks by η·λ·θ: a step's size depends on "
        "η, not on g's scale, while |g| ≫ ε",
    ),
)
