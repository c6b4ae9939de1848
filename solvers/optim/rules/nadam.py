"""torch.optim.NAdam's update as a rule (torch)."""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import Tensor

from solvers.optim.rules.base import UpdateRule, descend_ratio_scaled, factors, scalar, zeros


class NAdamUpdate(UpdateRule):
    """torch.optim.NAdam(lr=η, betas=(β₁, β₂), eps=ε, weight_decay=λ, momentum_decay=ψ),
    decoupled_weight_decay off, in ``_single_tensor_nadam``'s order::

        t ← t + 1
        g ← g + λθ                                  (λ ≠ 0)
        μₜ = β₁·(1 − ½·0.96^(t·ψ)),  μₜ₊₁ likewise  (Python floats)
        Π ← Π·μₜ                                    (a float32 0-d tensor, as torch's)
        m ← m + (1 − β₁)·(g − m)                    (lerp)
        v2 ← β₂·v2 + (1 − β₂)·g²
        d ← √(v2 / (1 − β₂ᵗ)) + ε
        θ ← θ − (η·(1 − μₜ) / (1 − Π))·g / d
        θ ← θ − (η·μₜ₊₁ / (1 − Π·μₜ₊₁))·m / d

    Every parameter's Π is the same (the same μ's), so one is kept. Records step_θ,
    m_θ, v2_θ. State: [β₂, ε, Π, t, m…, v2…].
    """

    __constants__: ClassVar[list[str]] = ["beta1", "beta2", "weight_decay", "momentum_decay"]
    name = "nadam"
    quantities: tuple[str, ...] = ("step", "m", "v2")

    def __init__(
        self,
        param_names: tuple[str, ...] = (),
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
    ) -> None:
        super().__init__(param_names)
        self.beta1 = float(betas[0])
        self.beta2 = float(betas[1])
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.momentum_decay = float(momentum_decay)
        self.hyper = (self.beta1, self.beta2, self.eps, self.weight_decay, self.momentum_decay)

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        # torch.optim's _get_scalar_dtype(): float64 only under a float64 default dtype
        wide = torch.get_default_dtype() == torch.float64
        product = torch.tensor(1.0, dtype=torch.float64 if wide else torch.float32)
        factor = factors(params, (self.beta2, self.eps))
        return [*factor, product, scalar(0.0), *zeros(params), *zeros(params)]

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        return state[4:]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        step = float(state[3]) + 1
        state[3].fill_(step)
        n = len(params)
        bias_correction2 = 1 - self.beta2**step
        mu = self.beta1 * (1.0 - 0.5 * (0.96 ** (step * self.momentum_decay)))
        mu_next = self.beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * self.momentum_decay)))
        state[2].mul_(mu)
        mu_product = float(state[2])
        mu_product_next = mu_product * mu_next
        for j in range(n):
            param = params[j]
            grad = grads[j]
            exp_avg = state[4 + j]
            exp_avg_sq = state[4 + n + j]
            if self.weight_decay != 0:
                grad = grad.add(param, alpha=self.weight_decay)
            exp_avg.lerp_(grad, 1 - self.beta1)
            exp_avg_sq.mul_(state[0]).addcmul_(grad, grad, value=1 - self.beta2)
            denom = exp_avg_sq.div(bias_correction2).sqrt()
            denom.add_(state[1])
            descend_ratio_scaled(param, grad, denom, eta, 1.0 - mu, 1.0 - mu_product)
            descend_ratio_scaled(param, exp_avg, denom, eta, mu_next, 1.0 - mu_product_next)
        return []


def build(
    name: str, knobs: dict[str, Any], param_names: tuple[str, ...], objective: Any
) -> UpdateRule:
    """The rule of ``nadam``."""
    return NAdamUpdate(
        param_names, knobs["betas"], knobs["eps"], knobs["weight-decay"], knobs["momentum-decay"]
    )
