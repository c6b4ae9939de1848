"""torch.optim.RAdam's update as a rule (torch)."""

from __future__ import annotations

from typing import Any, ClassVar

from torch import Tensor

from solvers.optim.rules.base import UpdateRule, factors, member_eta, scalar, zeros


class RAdamUpdate(UpdateRule):
    """torch.optim.RAdam(lr=η, betas=(β₁, β₂), eps=ε, weight_decay=λ), decoupled weight
    decay off, in ``_single_tensor_radam``'s order::

        t ← t + 1
        g ← g + λθ                                  (λ ≠ 0)
        m ← m + (1 − β₁)·(g − m)                    (lerp)
        v2 ← β₂·v2 + (1 − β₂)·g²
        ρ∞ = 2/(1 − β₂) − 1,  ρₜ = ρ∞ − 2t·β₂ᵗ/(1 − β₂ᵗ)   (Python floats)
        ρₜ > 5:  θ ← θ − ((m / (1 − β₁ᵗ))·η·(√(1 − β₂ᵗ) / (√v2 + ε))·rₜ)
        ρₜ ≤ 5:  θ ← θ − (m / (1 − β₁ᵗ))·η

    ``√(1 − β₂ᵗ) / (√v2 + ε)`` is a float divided by a tensor, which torch computes as
    the tensor's reciprocal times the float; the rule writes it so. Records step_θ,
    m_θ, v2_θ. State: [β₂, ε, t, m…, v2…].
    """

    __constants__: ClassVar[list[str]] = ["beta1", "beta2", "weight_decay"]
    name = "radam"
    quantities: tuple[str, ...] = ("step", "m", "v2")

    def __init__(
        self,
        param_names: tuple[str, ...] = (),
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(param_names)
        self.beta1 = float(betas[0])
        self.beta2 = float(betas[1])
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.hyper = (self.beta1, self.beta2, self.eps, self.weight_decay)

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        factor = factors(params, (self.beta2, self.eps))
        return [*factor, scalar(0.0), *zeros(params), *zeros(params)]

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        return state[3:]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        step = float(state[2]) + 1
        state[2].fill_(step)
        n = len(params)
        bias_correction1 = 1 - self.beta1**step
        bias_correction2 = 1 - self.beta2**step
        rho_inf = 2 / (1 - self.beta2) - 1
        rho_t = rho_inf - 2 * step * (self.beta2**step) / bias_correction2
        rect = 0.0
        if rho_t > 5.0:
            rect = (
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            ) ** 0.5
        for j in range(n):
            param = params[j]
            grad = grads[j]
            exp_avg = state[3 + j]
            exp_avg_sq = state[3 + n + j]
            if self.weight_decay != 0:
                grad = grad.add(param, alpha=self.weight_decay)
            exp_avg.lerp_(grad, 1 - self.beta1)
            exp_avg_sq.mul_(state[0]).addcmul_(grad, grad, value=1 - self.beta2)
            corrected = exp_avg / bias_correction1
            if eta.dim() == 0:
                scaled = corrected * float(eta)
            else:
                scaled = corrected * member_eta(eta, param)
            if rho_t > 5.0:
                adaptive = exp_avg_sq.sqrt().add_(state[1]).reciprocal() * (bias_correction2**0.5)
                param.add_(scaled * adaptive * rect, alpha=-1.0)
            else:
                param.add_(scaled, alpha=-1.0)
        return []


def build(
    name: str, knobs: dict[str, Any], param_names: tuple[str, ...], objective: Any
) -> UpdateRule:
    """The rule of ``radam``."""
    return RAdamUpdate(param_names, knobs["betas"], knobs["eps"], knobs["weight-decay"])
