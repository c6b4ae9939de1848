"""nadam: torch.optim.NAdam, Adam with Nesterov momentum (Dozat), L2 weight decay.

The momentum of step t is μₜ = β₁·(1 − ½·0.96^(t·ψ)), ψ the momentum decay; the step
mixes g and m, each divided by the product of the μ's so far (torch keeps that product
in a float32 tensor, as the rule does). decoupled_weight_decay stays torch's default, off.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from solvers.optim.knobs import BETAS, WEIGHT_DECAY, Knob, eps
from solvers.optim.spec import Knobs, OptimizerSpec, knob_number

MOMENTUM_DECAY = Knob(
    "momentum-decay",
    "momentum_decay",
    4e-3,
    0.0,
    1.0,
    meaning="ψ: how fast the momentum μₜ = β₁·(1 − ½·0.96^(t·ψ)) rises towards β₁",
)


def mu(beta1: float, t: int, decay: float) -> float:
    """μₜ, as torch computes it in Python floats."""
    return beta1 * (1.0 - 0.5 * float(0.96 ** (t * decay)))


def mu_product(beta1: float, t: int, decay: float) -> float:
    """μ₁·μ₂·…·μₜ in float64."""
    product = 1.0
    for i in range(1, t + 1):
        product *= mu(beta1, i, decay)
    return product


def step(
    knobs: Knobs, t: int, eta: float, theta: float, grad: float, state: Mapping[str, float]
) -> float | None:
    """NAdam's step from g (with λθ), the recorded m and v2, and μₜ, μₜ₊₁ from t."""
    m, v2, betas = state.get("m"), state.get("v2"), knobs.get("betas")
    if m is None or v2 is None or not isinstance(betas, tuple):
        return None
    b1, b2 = betas
    decay = knob_number(knobs, "momentum-decay")
    g = grad + knob_number(knobs, "weight-decay") * theta
    now, following = mu(b1, t, decay), mu(b1, t + 1, decay)
    product = mu_product(b1, t, decay)
    denom = math.sqrt(v2 / (1 - b2**t)) + knob_number(knobs, "eps")
    return (-eta * (1.0 - now) / (1.0 - product)) * g / denom + (
        (-eta * following) / (1.0 - product * following)
    ) * m / denom


def momenta(
    knobs: Knobs,
    t: int,
    eta: float,
    column: Callable[[str], float | None],
    number: Callable[[float], str],
) -> tuple[str, ...]:
    """μₜ, μₜ₊₁ and their product at this step."""
    b1, b2 = knobs["betas"]  # type: ignore[misc]
    decay = knob_number(knobs, "momentum-decay")
    return (
        f"μₜ = {number(mu(b1, t, decay))}, μₜ₊₁ = {number(mu(b1, t + 1, decay))}, "
        f"μ₁⋯μₜ = {number(mu_product(b1, t, decay))}, 1 − β₂ᵗ = {number(1 - b2**t)} (t = {t})",
    )


SPEC = OptimizerSpec(
    name="nadam",
    summary="torch.optim.NAdam: Adam with Nesterov momentum that rises towards β₁",
    knobs=(BETAS, eps(1e-8), WEIGHT_DECAY, MOMENTUM_DECAY),
    rule="solvers.optim.rules.nadam",
    formula=(
        ("g ← g + λ·θ   (weight decay λ ≠ 0, L2)", "weight-decay"),
        ("μₜ = β₁·(1 − ½·0.96^(t·ψ)),  μₜ₊₁ = β₁·(1 − ½·0.96^((t+1)·ψ))", None),
        ("m ← β₁·m + (1 − β₁)·g   [m]", None),
        ("v2 ← β₂·v2 + (1 − β₂)·g²   [v2]", None),
        ("d = √(v2 / (1 − β₂ᵗ)) + ε", None),
        (
            "θ ← θ − η·(1 − μₜ)/(1 − μ₁⋯μₜ)·g/d − η·μₜ₊₁/(1 − μ₁⋯μₜ₊₁)·m/d   [step]",
            None,
        ),
    ),
    step=step,
    torch_class="NAdam",
    adaptive=True,
    notes=momenta,
    instead=(
        "NAdam scales steps as Adam does, with Nesterov's look-ahead",
        "per coordinate, η·(a mix of g and m̂) / (√v̂ + ε): a step's size depends on η, "
        "not on g's scale, while |g| ≫ ε",
    ),
)
