"""The update rule of a run: the chosen optimizer's rule, wrapped for a schedule.

Each optimizer's rule is a module of :mod:`solvers.optim.rules` (the contract every
rule keeps is :mod:`solvers.optim.rules.base`'s); its spec in the registry names the
module, whose ``build`` makes it. Nothing here changes when an optimizer is added.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

import torch

from solvers.optim.choices import OptimizerChoice, ScheduleChoice
from solvers.optim.registry import OPTIMIZER_SPECS, SCHEDULE_SPECS
from solvers.optim.rules.armijo import ARMIJO_C, ARMIJO_MAX_HALVINGS
from solvers.optim.rules.base import UpdateRule, member_eta
from solvers.optim.rules.plain import PlainUpdate
from solvers.optim.rules.scheduled import ScheduledUpdate

__all__ = [
    "ARMIJO_C",
    "ARMIJO_MAX_HALVINGS",
    "PlainUpdate",
    "ScheduledUpdate",
    "UpdateRule",
    "make_rule",
    "member_eta",
]


def _optimizer_rule(
    choice: OptimizerChoice, param_names: tuple[str, ...], objective: torch.nn.Module | None
) -> UpdateRule:
    spec = OPTIMIZER_SPECS[choice.name]
    knobs: dict[str, Any] = choice.values
    rule: UpdateRule = import_module(spec.rule).build(choice.name, knobs, param_names, objective)
    return rule


def make_rule(
    choice: OptimizerChoice,
    param_names: tuple[str, ...] = (),
    *,
    schedule: ScheduleChoice | None = None,
    eta: float = 0.0,
    objective: torch.nn.Module | None = None,
) -> UpdateRule:
    """The update rule of ``choice``, recording one column per scalar parameter
    (named after ``param_names``) per quantity; under a schedule other than
    constant, wrapped to record η (and, for plateau, to schedule it).
    ``eta`` is the run's first η (plateau's start: its η lives in the rule's state);
    ``objective`` the chunk's objective module (armijo evaluates it)."""
    rule = _optimizer_rule(choice, param_names, objective)
    if schedule is None or schedule.name == "constant":
        return rule
    wrapped = ScheduledUpdate(rule, SCHEDULE_SPECS[schedule.name].in_chunk)
    if wrapped.plateau:
        wrapped.patience = int(schedule["patience"])  # type: ignore[arg-type]
        wrapped.factor = float(schedule["factor"])  # type: ignore[arg-type]
    wrapped.start_eta = eta
    return wrapped
