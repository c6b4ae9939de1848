"""torch.optim.Adam's and AdamW's update as a rule (torch)."""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import Tensor

from solvers.optim.rules.base import UpdateRule, decay_factor, descend_ratio, factors, scalar, zeros


class AdamUpdate(UpdateRule):
    """torch.optim.Adam (decoupled=False) and torch.optim.AdamW (decoupled=True)::

        t ← t + 1
        θ ← θ·(1 − η·λ)                     (AdamW, λ ≠ 0)
        g ← g + λθ                          (Adam, λ ≠ 0)
        m ← m + (1 − β₁)·(g − m)            (lerp: β₁·m + (1 − β₁)·g)
        v2 ← β₂·v2 + (1 − β₂)·g²
        θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v2 / √(1 − β₂ᵗ) + ε)

    The bias corrections are Python floats (float64), as in torch.optim; a batch's
    step size η / (1 − β₁ᵗ) is each member's own. Records step_θ, m_θ, v2_θ.
    State: [β₂, ε, √(1 − β₂ᵗ), 1 − η·λ (scratch), t, m…, v2…].
    """

    __constants__: ClassVar[list[str]] = ["beta1", "beta2", "weight_decay", "decoupled"]
    name = "adam"
    quantities: tuple[str, ...] = ("step", "m", "v2")

    def __init__(
        self,
        param_names: tuple[str, ...] = (),
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled: bool = False,
    ) -> None:
        super().__init__(param_names)
        self.beta1 = float(betas[0])
        self.beta2 = float(betas[1])
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.decoupled = decoupled
        self.hyper = (self.beta1, self.beta2, self.eps, self.weight_decay)
        if decoupled:
            self.name = "adamw"

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        hyper = factors(params, (self.beta2, self.eps, 1.0, 1.0))
        return [*hyper, scalar(0.0), *zeros(params), *zeros(params)]

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        return state[5:]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        step = float(state[4]) + 1
        state[4].fill_(step)
        n = len(params)
        bias_correction1 = 1 - self.beta1**step
        bias_correction2 = 1 - self.beta2**step
        bias_correction2_sqrt = state[2].fill_(bias_correction2**0.5)
        for j in range(n):
            param = params[j]
            grad = grads[j]
            exp_avg = state[5 + j]
            exp_avg_sq = state[5 + n + j]
            if self.weight_decay != 0:
                if self.decoupled:
                    param.mul_(decay_factor(eta, param, self.weight_decay, state[3]))
                else:
                    grad = grad.add(param, alpha=self.weight_decay)
            exp_avg.lerp_(grad, 1 - self.beta1)
            exp_avg_sq.mul_(state[0]).addcmul_(grad, grad, value=1 - self.beta2)
            # (√v2 / √(1 − β₂ᵗ)) + ε in one op, rounded as torch.optim's div then add_
            denom = torch.addcdiv(state[1], exp_avg_sq.sqrt(), bias_correction2_sqrt)
            descend_ratio(param, exp_avg, denom, eta, bias_correction1)
        return []


def build(
    name: str, knobs: dict[str, Any], param_names: tuple[str, ...], objective: Any
) -> UpdateRule:
    """The rule of ``adam`` or ``adamw`` (decoupled weight decay)."""
    return AdamUpdate(
        param_names, knobs["betas"], knobs["eps"], knobs["weight-decay"], decoupled=name == "adamw"
    )
