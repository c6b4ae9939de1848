"""torch.optim.RMSprop's update as a rule (torch)."""

from __future__ import annotations

from typing import Any, ClassVar

from torch import Tensor

from solvers.optim.rules.base import UpdateRule, descend, descend_ratio, factors, zeros


class RMSpropUpdate(UpdateRule):
    """torch.optim.RMSprop(lr=η, alpha=α, eps=ε, weight_decay=λ, momentum=μ), not centered::

        g ← g + λθ                          (λ ≠ 0)
        v2 ← α·v2 + (1 − α)·g²
        v ← μ·v + g / (√v2 + ε);  θ ← θ − η·v          (μ > 0)
        θ ← θ − η·g / (√v2 + ε)                          (μ = 0)

    Records step_θ, v2_θ, and v_θ when μ > 0. State: [α, ε, μ, v2…, (μ > 0) v…].
    """

    __constants__: ClassVar[list[str]] = ["alpha", "weight_decay", "momentum"]
    name = "rmsprop"
    quantities: tuple[str, ...] = ("step", "v2")

    def __init__(
        self,
        param_names: tuple[str, ...] = (),
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
    ) -> None:
        super().__init__(param_names)
        self.alpha = float(alpha)
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.momentum = float(momentum)
        self.hyper = (self.alpha, self.eps, self.weight_decay, self.momentum)
        if self.momentum > 0:
            self.quantities = ("step", "v2", "v")

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        hyper = factors(params, (self.alpha, self.eps, self.momentum))
        velocities = zeros(params) if self.momentum > 0 else []
        return [*hyper, *zeros(params), *velocities]

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
        n = len(params)
        for j in range(n):
            param = params[j]
            grad = grads[j]
            if self.weight_decay != 0:
                grad = grad.add(param, alpha=self.weight_decay)
            square_avg = state[3 + j]
            square_avg.mul_(state[0]).addcmul_(grad, grad, value=1 - self.alpha)
            avg = square_avg.sqrt().add_(state[1])
            if self.momentum > 0:
                buf = state[3 + n + j]
                buf.mul_(state[2]).addcdiv_(grad, avg)
                descend(param, buf, eta)
            else:
                descend_ratio(param, grad, avg, eta, 1.0)
        return []


def build(
    name: str, knobs: dict[str, Any], param_names: tuple[str, ...], objective: Any
) -> UpdateRule:
    """The rule of ``rmsprop``."""
    return RMSpropUpdate(
        param_names, knobs["alpha"], knobs["eps"], knobs["weight-decay"], knobs["momentum"]
    )
