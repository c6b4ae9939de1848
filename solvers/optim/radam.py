"""radam: torch.optim.RAdam, Adam whose adaptive step is rectified, and left out while
the variance of v2 is not yet tractable (ρₜ ≤ 5). L2 weight decay
(decoupled_weight_decay stays torch's default, off)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from solvers.optim.knobs import BETAS, WEIGHT_DECAY, eps
from solvers.optim.spec import Knobs, OptimizerSpec, knob_number


def rho(beta2: float, t: int) -> tuple[float, float]:
    """ρ∞ and ρₜ, the length of the approximated simple moving average, as torch computes them."""
    rho_inf = 2 / (1 - beta2) - 1
    return rho_inf, rho_inf - 2 * t * (beta2**t) / (1 - beta2**t)


def rectification(beta2: float, t: int) -> float | None:
    """rₜ where ρₜ > 5; None where the step is not adapted."""
    rho_inf, rho_t = rho(beta2, t)
    if not rho_t > 5.0:
        return None
    return float(
        ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
    )


def step(
    knobs: Knobs, t: int, eta: float, theta: float, grad: float, state: Mapping[str, float]
) -> float | None:
    """RAdam's step from the recorded m and v2 (λθ is inside them)."""
    m, v2, betas = state.get("m"), state.get("v2"), knobs.get("betas")
    if m is None or v2 is None or not isinstance(betas, tuple):
        return None
    b1, b2 = betas
    corrected = m / (1 - b1**t)
    rect = rectification(b2, t)
    if rect is None:
        return -(corrected * eta)
    adaptive = math.sqrt(1 - b2**t) / (math.sqrt(v2) + knob_number(knobs, "eps"))
    return -(corrected * eta * adaptive * rect)


def rectified(
    knobs: Knobs,
    t: int,
    eta: float,
    column: Callable[[str], float | None],
    number: Callable[[float], str],
) -> tuple[str, ...]:
    """ρₜ and whether the step was adapted at this step."""
    b1, b2 = knobs["betas"]  # type: ignore[misc]
    _, rho_t = rho(b2, t)
    rect = rectification(b2, t)
    adapted = f"ρₜ > 5: rₜ = {number(rect)}" if rect is not None else "ρₜ ≤ 5: not adapted"
    return (f"ρₜ = {number(rho_t)}, {adapted}, 1 − β₁ᵗ = {number(1 - b1**t)} (t = {t})",)


SPEC = OptimizerSpec(
    name="radam",
    summary="torch.optim.RAdam: Adam whose adaptive step is rectified",
    knobs=(BETAS, eps(1e-8), WEIGHT_DECAY),
    rule="solvers.optim.rules.radam",
    formula=(
        ("g ← g + λ·θ   (weight decay λ ≠ 0, L2)", "weight-decay"),
        ("m ← β₁·m + (1 − β₁)·g   [m]", None),
        ("v2 ← β₂·v2 + (1 − β₂)·g²   [v2]", None),
        ("ρ∞ = 2/(1 − β₂) − 1,  ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)", None),
        ("rₜ = √((ρₜ − 4)(ρₜ − 2)·ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)·ρₜ))   (ρₜ > 5)", None),
        ("ρₜ > 5: θ ← θ − η·m/(1 − β₁ᵗ)·√(1 − β₂ᵗ)/(√v2 + ε)·rₜ   [step]", None),
        ("ρₜ ≤ 5: θ ← θ − η·m/(1 − β₁ᵗ)   [step]", None),
    ),
    step=step,
    torch_class="RAdam",
    adaptive=True,
    notes=rectified,
    instead=(
        "RAdam takes unscaled steps first, then Adam's, rectified, once ρₜ > 5",
        "while ρₜ ≤ 5 (the first steps; every step for β₂ ≤ 2/3), η·m̂, which scales with g; after, "
        "η·rₜ·m̂ / (√v̂ + ε), whose size depends on η, not on g's scale",
    ),
)
