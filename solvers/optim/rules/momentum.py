"""torch.optim.SGD's update (momentum and nesterov) as a rule (torch)."""

from __future__ import annotations

from typing import Any, ClassVar

from torch import Tensor

from solvers.optim.rules.base import UpdateRule, descend, factors, scalar, zeros


class MomentumUpdate(UpdateRule):
    """torch.optim.SGD(lr=η, momentum=μ, dampening=d, weight_decay=λ, nesterov=…)::

        g ← g + λθ                          (λ ≠ 0)
        v ← g                               (first step)
        v ← μ·v + (1 − d)·g                 (later steps)
        g ← g + μ·v  (nesterov)  or  g ← v  (momentum)
        θ ← θ − η·g

    With μ = 0 it is SGD itself: θ ← θ − η·g (no velocity). Records step_θ and v_θ.
    State: [μ, started (0 before the first step), v per parameter].
    """

    __constants__: ClassVar[list[str]] = ["momentum", "dampening", "weight_decay", "nesterov"]
    name = "momentum"
    quantities: tuple[str, ...] = ("step", "v")

    def __init__(
        self,
        param_names: tuple[str, ...] = (),
        momentum: float = 0.9,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(param_names)
        self.momentum = float(momentum)
        self.dampening = float(dampening)
        self.weight_decay = float(weight_decay)
        self.nesterov = nesterov
        self.hyper = (self.momentum, self.dampening, self.weight_decay)
        if nesterov:
            self.name = "nesterov"

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        return [*factors(params, (self.momentum,)), scalar(0.0), *zeros(params)]

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        return state[2:]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        first = False
        if self.momentum != 0:
            first = float(state[1]) == 0.0
            if first:
                state[1].fill_(1.0)
        for j in range(len(params)):
            param = params[j]
            grad = grads[j]
            if self.weight_decay != 0:
                grad = grad.add(param, alpha=self.weight_decay)
            buf = state[2 + j]
            if self.momentum != 0:
                if first:
                    buf.copy_(grad)
                else:
                    buf.mul_(state[0]).add_(grad, alpha=1 - self.dampening)
                grad = grad.add(buf, alpha=self.momentum) if self.nesterov else buf
            descend(param, grad, eta)
        return []


def build(
    name: str, knobs: dict[str, Any], param_names: tuple[str, ...], objective: Any
) -> UpdateRule:
    """The rule of ``momentum`` or ``nesterov`` (SGD with nesterov=True)."""
    return MomentumUpdate(
        param_names,
        knobs["momentum"],
        knobs.get("dampening", 0.0),
        knobs["weight-decay"],
        nesterov=name == "nesterov",
    )
