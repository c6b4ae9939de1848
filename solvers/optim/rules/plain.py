"""The book's update as a rule (torch)."""

from __future__ import annotations

from typing import Any

from torch import Tensor

from solvers.optim.rules.base import UpdateRule, member_eta


class PlainUpdate(UpdateRule):
    """The book's update: ``x.data -= eta * x.grad``, in place, for each parameter.

    Written as ``p.sub_(g * eta)``, which rounds exactly as the book's
    ``w.data -= eta * w.grad`` does (torch.optim.SGD's ``p.add_(g, alpha=-lr)``
    rounds differently from the second iteration on: it is another rule).
    """

    name = "plain"

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        for j in range(len(params)):
            params[j].sub_(grads[j] * member_eta(eta, params[j]))
        return []


def build(
    name: str, knobs: dict[str, Any], param_names: tuple[str, ...], objective: Any
) -> UpdateRule:
    """The rule of the optimizer ``plain``."""
    return PlainUpdate(param_names)
