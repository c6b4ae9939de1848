"""The backtracking line search as a rule (torch)."""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import Tensor

from solvers.core.validation import MAX_ETA
from solvers.optim.rules.base import UpdateRule, each_member_sum, member_eta, scalar

ARMIJO_C = 1e-4
"""Sufficient decrease: accept η when f(θ − η·g) ≤ f(θ) − c·η·‖g‖²."""
ARMIJO_MAX_HALVINGS = 60
"""After this many halvings the line search takes the η it has reached."""


class ArmijoUpdate(UpdateRule):
    """Backtracking line search (Armijo): try η, halve it until

        f(θ − η·g) ≤ f(θ) − c·η·‖g‖²,   c = 1e-4,

    step to θ − η·g with the η that worked, and start the next iteration from
    2η (at most MAX_ETA). After ARMIJO_MAX_HALVINGS halvings it takes the η
    reached. The objective is evaluated at each trial point (the rule holds the
    chunk's objective module); f, ‖g‖², η and the test are float64 on the CPU,
    the doubles a Python loop would compare. The first trial η is the η of the
    first step (the run's η; a batch's, each member's own).

    A batch searches per member: each member halves its own η until its own
    condition holds (f and ‖g‖² are its own sums), every member's trial point is
    evaluated in one call of the (batched) objective, a member that has accepted
    keeps its η, and the search ends when all have accepted (or reached the
    halvings' limit). A run is the same computation with 0-d quantities.

    Records step_θ, then ``eta`` (the η taken) and ``halvings``.
    State: [next trial η: 0-d; one per member (M,) once a batch has stepped].
    """

    __constants__: ClassVar[list[str]] = ["c", "max_halvings", "max_eta"]
    name = "armijo"
    quantities: tuple[str, ...] = ("step",)
    singles: tuple[str, ...] = ("eta", "halvings")

    def __init__(self, param_names: tuple[str, ...], objective: torch.nn.Module) -> None:
        super().__init__(param_names)
        self.objective = objective
        self.c = ARMIJO_C
        self.max_halvings = float(ARMIJO_MAX_HALVINGS)
        self.max_eta = MAX_ETA

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        return [scalar(-1.0)]  # no trial yet: the first takes the step's η

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        cpu = torch.device("cpu")
        double = torch.float64
        trial = state[0]
        given = eta.to(device=cpu, dtype=double)
        if given.dim() > 1:  # a batch's (M, 1, …): one η per member, (M,), as f and ‖g‖²
            given = given.reshape(-1)
        lr = torch.where(trial > 0, trial, given)
        f0 = each_member_sum(value, eta).to(device=cpu, dtype=double)
        norm2 = torch.zeros_like(f0)
        before: list[Tensor] = []
        for j in range(len(params)):
            g = grads[j].to(device=cpu, dtype=double)
            norm2 = norm2 + each_member_sum(g * g, eta)
            before.append(params[j].clone())
        halvings = torch.zeros_like(lr)
        accepted = torch.zeros_like(lr, dtype=torch.bool)
        while True:
            for j in range(len(params)):
                param = params[j]
                scale = member_eta(lr.to(device=param.device, dtype=param.dtype), param)
                torch.sub(before[j], grads[j] * scale, out=param)
            f1 = each_member_sum(self.objective(params)[0], eta).to(device=cpu, dtype=double)
            accepted = accepted | (f1 <= f0 - self.c * lr * norm2)
            accepted = accepted | (halvings >= self.max_halvings)
            if bool(accepted.all()):
                break
            lr = torch.where(accepted, lr, lr / 2)
            halvings = torch.where(accepted, halvings, halvings + 1)
        if trial.shape != lr.shape:
            trial.resize_(lr.shape)
        trial.copy_(torch.clamp(2 * lr, max=self.max_eta))
        like = params[0]
        taken = torch.stack([lr, halvings], -1).reshape(-1)
        return [taken.to(device=like.device, dtype=like.dtype)]


def build(
    name: str, knobs: dict[str, Any], param_names: tuple[str, ...], objective: Any
) -> UpdateRule:
    """The rule of ``armijo``: it evaluates ``objective`` at its trial points."""
    if objective is None:
        raise ValueError("armijo needs the objective to evaluate trial points")
    return ArmijoUpdate(param_names, objective)
