"""One step explained, from recorded rows (no torch): the app's ``n`` key shows this.

The row of iteration t holds θ before the step, f, the gradient, and what the rule
recorded after it (the step taken, its velocity or running averages, the η used);
the parameters after the step come from the next row or from the run itself.

The update shown is the rule's own formula, computed in float64 from the values
the row records (:func:`solvers.optim.updates_math.optimizer_update`): for plain descent
exactly −η·g. The run's parameters are float32 (or float64) and are rounded after
each step, so they may change by another amount; where that shows in the digits
shown, the line says both, and why.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from solvers.optim.choices import OptimizerChoice
from solvers.optim.registry import OPTIMIZER_SPECS
from solvers.optim.updates_math import formula_lines, optimizer_update

DIGITS = 6
"""Significant digits of every number shown."""


def number(value: float) -> str:
    """A number as the explanation shows it."""
    return f"{value:.{DIGITS}g}"


def vector(values: Iterable[float]) -> str:
    """Numbers as a short bracketed list."""
    return "[" + ", ".join(number(float(v)) for v in values) + "]"


def differs(formula: Sequence[float], actual: Sequence[float]) -> bool:
    """The parameters changed by other than the formula's update, in the digits shown."""
    return any(number(a) != number(b) for a, b in zip(formula, actual, strict=True))


def rounding(formula: Sequence[float], actual: Sequence[float], dtype: str) -> str:
    """Why a run's parameters changed by other than the update (see :func:`differs`):
    stored in ``dtype``, θ after the step is rounded to it, or overflowed it."""
    overflow = any(
        math.isfinite(f) and not math.isfinite(a) for f, a in zip(formula, actual, strict=True)
    )
    return f"{dtype} {'overflow' if overflow else 'rounding'}"


def moved(
    formula: Sequence[float],
    actual: Sequence[float] | None,
    dtype: str,
    show: Callable[[Sequence[float]], str] = vector,
) -> str:
    """``"; θ moved […] (float32 rounding)"`` where the parameters changed by other than
    the formula's update in the digits shown, else nothing; ``show`` writes the change
    as the update is written."""
    if actual is None or not differs(formula, actual):
        return ""
    return f"; θ moved {show(actual)} ({rounding(formula, actual, dtype)})"


def _scalar(values: Sequence[float]) -> str:
    return number(values[0])


def explain_plain(
    row: Sequence[float],
    params_after: Sequence[float] | None,
    columns: Sequence[str],
    param_names: Sequence[str],
    eta: float,
    iteration: int,
    schedule: str = "constant",
    dtype: str = "float32",
) -> str:
    """Plain descent's step ``iteration``: forward, backward, η, the update −η·g and
    the parameters before and after (``params_after``, where known).

    ``eta`` is the run's η; under a schedule the row's ``eta`` column (the η the step
    used, as recorded) wins.
    """
    at = {name: i for i, name in enumerate(columns)}
    before = [float(row[at[name]]) for name in param_names]
    grads = [float(row[at[f"grad_{name}"]]) for name in param_names]
    if "eta" in at:
        eta = float(row[at["eta"]])
        eta_line = f" schedule η    = {number(eta)} ({schedule})"
    else:
        eta_line = f" η             = {number(eta)}"
    update = [-eta * g for g in grads]
    actual = None
    if params_after is not None:
        actual = [float(a) - b for a, b in zip(params_after, before, strict=True)]
    lines = [
        f"step {iteration}:",
        f" forward  f(θ) = {number(float(row[at['objective']]))}",
        f" backward ∇f   = {vector(grads)}",
        eta_line,
        f" update  −η∇f  = {vector(update)}{moved(update, actual, dtype)}",
        f" θ {vector(before)}",
    ]
    if params_after is not None:
        lines.append(f" → {vector(params_after)}")
    return "\n".join(lines)


def explain_step(
    choice: OptimizerChoice,
    row: Sequence[float],
    after: Sequence[float] | None,
    columns: Sequence[str],
    param_names: Sequence[str],
    eta: float,
    iteration: int = 0,
    *,
    params_after: Sequence[float] | None = None,
    dtype: str = "float32",
) -> str:
    """Lines explaining iteration ``iteration``: the update rule, then per parameter
    its gradient, the optimizer's state and the step its formula gives (and the change
    the parameter took, where the run's rounding made it another), then f before and
    after.

    ``row`` is that iteration's history row, ``after`` the next one (or None),
    ``columns`` the layout's column names (:attr:`solvers.run.history.Layout.columns`),
    ``eta`` the run's η (the row's ``eta`` column wins where there is one),
    ``params_after`` the parameters after the step where there is no next row yet.
    """
    at = {name: i for i, name in enumerate(columns)}

    def get(name: str, source: Sequence[float] = row) -> float | None:
        return float(source[at[name]]) if name in at else None

    used = get("eta")
    eta_t = used if used is not None else eta
    knobs = choice.values
    t = iteration + 1
    lines = [f"{choice.describe()}, step {t}, η = {number(eta_t)}"]
    lines += [f"  {line}" for line in formula_lines(choice.name, knobs)]
    spec = OPTIMIZER_SPECS[choice.name]
    lines += [f"  {line}" for line in spec.notes(knobs, t, eta_t, get, number)]
    for j, name in enumerate(param_names):
        theta, grad = get(name), get(f"grad_{name}")
        parts = [f"{name}: θ = {number(theta or 0.0)}, g = {number(grad or 0.0)}"]
        state: dict[str, float] = {}
        for label, key in (("v", "v"), ("m", "m"), ("v2", "v2"), ("G", "sum")):
            value = get(f"{key}_{name}")
            if not spec.keeps_state(knobs):
                value = None  # e.g. SGD without momentum keeps no velocity
            if value is not None:
                state[key] = value
                parts.append(f"{label} = {number(value)}")
        if theta is None or grad is None:
            lines.append("  " + ", ".join(parts))
            continue
        formula = optimizer_update(choice.name, knobs, t, eta_t, theta, grad, state)
        taken = get(f"step_{name}")
        if params_after is not None:
            new: float | None = float(params_after[j])
        elif after is not None:
            new = get(name, after)
        else:
            new = None
        if taken is None and new is not None:
            taken = new - theta
        if new is None and taken is not None:
            new = theta + taken
        step = formula if formula is not None else taken
        if step is not None:
            text = f"step = {number(step)}"
            if formula is not None:
                text += moved([formula], None if taken is None else [taken], dtype, _scalar)
            text += f" → θ = {number(new if new is not None else theta + step)}"
            if grad and not spec.along_gradient:
                text += f" (plain descent: {number(-eta_t * grad)})"
            parts.append(text)
        lines.append("  " + ", ".join(parts))
    f_before = get("objective")
    if f_before is not None:
        text = f"  f = {number(f_before)}"
        if after is not None:
            f_after = float(after[at["objective"]])
            text += f" → {number(f_after)}"
            change = f_after - f_before
            if math.isfinite(change):
                text += f" ({'fell' if change < 0 else 'rose'} by {number(abs(change))})"
        lines.append(text)
    return "\n".join(lines)
