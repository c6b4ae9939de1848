"""A rule whose η follows a schedule, recording it; plateau's η stepped inside (torch)."""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import Tensor

from solvers.optim.rules.base import UpdateRule, scalar
from solvers.optim.schedules.plateau import PLATEAU_EPS, PLATEAU_THRESHOLD


class ScheduledUpdate(UpdateRule):
    """An optimizer whose η follows a schedule, recording the η used (``eta``).

    For every schedule but plateau, η comes from the chunk (Descent.etas,
    computed by :mod:`solvers.optim.schedule_steps`), a run's 0-d or a batch's one per member
    alike. Plateau is torch's ReduceLROnPlateau, one run's only (its η, best and
    count are one run's: a batch is refused), stepped with f after every
    iteration, inside the chunk, so it reacts at the very next iteration as
    ``scheduler.step(loss)`` in torch's loop does::

        if f < best·(1 − 1e-4): best ← f, bad ← 0   else bad ← bad + 1
        if bad > patience: η ← η·factor (when that lowers η by more than 1e-8), bad ← 0

    State: [the inner rule's state…, then (plateau) η, best, bad, factor, patience].
    """

    __constants__: ClassVar[list[str]] = ["plateau", "threshold", "eps"]

    def __init__(self, inner: UpdateRule, plateau: bool) -> None:
        super().__init__(inner.param_names)
        self.inner = inner
        self.plateau = plateau
        self.inner_size = 0
        """Length of the inner rule's state, known once :meth:`initial_state` has run."""
        self.name = f"{inner.name}+{'plateau' if plateau else 'schedule'}"
        self.quantities = inner.quantities
        self.singles = (*inner.singles, "eta")
        self.patience = 10
        self.factor = 0.1
        self.start_eta = 0.0
        self.threshold = PLATEAU_THRESHOLD
        self.eps = PLATEAU_EPS

    @property
    def cache_key(self) -> str:
        return f"{self.name}:{self.inner.cache_key}"

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        inner = self.inner.initial_state(params)
        self.inner_size = len(inner)
        if not self.plateau:
            return inner
        plateau = [self.start_eta, float("inf"), 0.0, self.factor, float(self.patience)]
        return inner + [scalar(v) for v in plateau]

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        return self.inner.recorded(state[: self.inner_size])

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        k = self.inner_size
        inner_state = state[:k]
        like = params[0]
        if not self.plateau:
            extras: list[Tensor] = self.inner(params, grads, inner_state, eta, value)
            extras.append(eta.reshape(-1).to(device=like.device, dtype=like.dtype))
            return extras
        if eta.dim() != 0:
            raise RuntimeError("the plateau schedule steps one run's η, not a batch's")
        lr = state[k]
        used = float(lr)
        extras = self.inner(params, grads, inner_state, lr, value)
        current = float(value.sum())
        best = float(state[k + 1])
        bad = float(state[k + 2])
        factor = float(state[k + 3])
        patience = float(state[k + 4])
        if current < best * (1.0 - self.threshold):
            state[k + 1].fill_(current)
            bad = 0.0
        else:
            bad += 1
        if bad > patience:
            new_lr = max(used * factor, 0.0)
            if used - new_lr > self.eps:
                lr.fill_(new_lr)
            bad = 0.0
        state[k + 2].fill_(bad)
        extras.append(torch.tensor([used], dtype=like.dtype, device=like.device))
        return extras
