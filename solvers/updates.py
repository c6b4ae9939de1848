"""Update rules: what a step does with the gradient, state kept explicit.

An update rule is a small TorchScript-compatible module that the chunk loop
(:mod:`solvers.engine`) calls once per iteration, after the gradient and the
row are recorded::

    extras = rule(params, grads, state, eta)   # updates params in place, no_grad

``state`` is the rule's own tensors (a velocity, running averages), made by
:meth:`UpdateRule.initial_state` and carried from chunk to chunk; ``eta`` is
this iteration's learning rate as a 0-d tensor, so a schedule is just a
different tensor of η per chunk. ``extras`` are recorded in the row after the
update, under :attr:`UpdateRule.extra_names`. The loop never changes when a
rule is added.
"""

from __future__ import annotations

import torch
from torch import Tensor


class UpdateRule(torch.nn.Module):
    """Base for update rules (see the module docstring for the contract)."""

    name = "rule"
    """Registry name, as ``--optimizer`` takes it."""
    extra_names: tuple[str, ...] = ()
    """Names of the per-parameter values each iteration records after the update."""

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        """The rule's state before the first iteration (none by default)."""
        return []

    def forward(
        self, params: list[Tensor], grads: list[Tensor], state: list[Tensor], eta: Tensor
    ) -> list[Tensor]:
        raise NotImplementedError


class PlainUpdate(UpdateRule):
    """The book's update: ``x.data -= eta * x.grad``, in place, for each parameter.

    Written as ``p.sub_(g * eta)``, which rounds exactly as the book's
    ``w.data -= eta * w.grad`` does (torch.optim.SGD's ``p.add_(g, alpha=-lr)``
    rounds differently from the second iteration on: it is another rule).
    """

    name = "plain"

    def forward(
        self, params: list[Tensor], grads: list[Tensor], state: list[Tensor], eta: Tensor
    ) -> list[Tensor]:
        for j in range(len(params)):
            params[j].sub_(grads[j] * eta)
        return []
