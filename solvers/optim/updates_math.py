"""Each optimizer's update written out in plain text, as torch.optim's docs do (no torch).

θ is a parameter, g its gradient at θ, η this iteration's learning rate; the
names of the recorded columns are in brackets. Each optimizer's module in
:mod:`solvers.optim` writes its own lines and its float64 step; this module reads them
by name for the step explanation.
"""

from __future__ import annotations

from collections.abc import Mapping

from solvers.optim.knobs import KnobValue
from solvers.optim.registry import OPTIMIZER_SPECS

FORMULAS: dict[str, tuple[str, ...]] = {
    name: tuple(text for text, _ in spec.formula) for name, spec in OPTIMIZER_SPECS.items()
}
"""The update of each optimizer, one line per operation, in torch.optim's order."""


def formula_lines(name: str, knobs: Mapping[str, KnobValue]) -> tuple[str, ...]:
    """``name``'s lines of :data:`FORMULAS` without those of a knob that is 0 and so
    does nothing (weight decay λ, a momentum μ)."""
    return OPTIMIZER_SPECS[name].formula_lines(knobs)


def optimizer_update(
    name: str,
    knobs: Mapping[str, KnobValue],
    t: int,
    eta: float,
    theta: float,
    grad: float,
    state: Mapping[str, float],
) -> float | None:
    """The change of one parameter that ``name``'s update (as :data:`FORMULAS` writes it)
    gives at step ``t`` (from 1), in float64 from the values a row records: θ before
    the step, its gradient g, and ``state`` after the step (``v``, ``m``, ``v2``,
    ``sum``), which is what the formula divides or scales by. None where the state
    it needs was not recorded.

    The run itself computes in its dtype (float32 by default) and rounds θ after the
    step: its change may differ from this one in the last digits (the app shows both).
    """
    return OPTIMIZER_SPECS[name].step(knobs, t, eta, theta, grad, state)
