"""torch.optim.Adagrad's update as a rule (torch)."""

from __future__ import annotations

from typing import Any, ClassVar

from torch import Tensor

from solvers.optim.rules.base import UpdateRule, descend_ratio, factors, zeros


class AdagradUpdate(UpdateRule):
    """torch.optim.Adagrad(lr=η, eps=ε, weight_decay=λ), lr_decay 0, initial sum 0::

        g ← g + λθ                          (λ ≠ 0)
        G ← G + g²
        θ ← θ − η·g / (√G + ε)

    (torch's step size η / (1 + (t − 1)·lr_decay) is η itself with lr_decay 0, so no
    step count is kept.) Records step_θ and sum_θ (G). State: [ε, G per parameter].
    """

    __constants__: ClassVar[list[str]] = ["eps", "weight_decay"]
    name = "adagrad"
    quantities: tuple[str, ...] = ("step", "sum")

    def __init__(
        self, param_names: tuple[str, ...] = (), eps: float = 1e-10, weight_decay: float = 0.0
    ) -> None:
        super().__init__(param_names)
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.hyper = (self.eps, self.weight_decay)

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        return [*factors(params, (self.eps,)), *zeros(params)]

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        return state[1:]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        for j in range(len(params)):
            param = params[j]
            grad = grads[j]
            if self.weight_decay != 0:
                grad = grad.add(param, alpha=self.weight_decay)
            state_sum = state[1 + j]
            state_sum.addcmul_(grad, grad, value=1)
            std = state_sum.sqrt().add_(state[0])
            descend_ratio(param, grad, std, eta, 1.0)
        return []


def build(
    name: str, knobs: dict[str, Any], param_names: tuple[str, ...], objective: Any
) -> UpdateRule:
    """The rule of ``adagrad``."""
    return AdagradUpdate(param_names, knobs["eps"], knobs["weight-decay"])
