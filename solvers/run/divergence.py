"""When a run has diverged: the rule, per batch of recorded rows (numpy).

A row is bad, and the run stops there keeping every row before it, when:

* any number in it is non-finite (float32 overflowed, or a NaN came out), or
* f* is known and the run has moved away from the optimum: the gap |f − f*| has
  grown past GROWTH times its start value (floored at float32's resolution near
  f*). Plain descent above 2/λmax multiplies the gap by (1 − ηλmax)² > 1 every
  step, so it is caught within a few iterations (chapter 1 at η = 2.5: the 6th);
  at or below the bound the gap never grows past its start. Momentum and Adam
  overshoot, but on a quadratic not to a hundred times their start gap.
* f* is unknown and both the objective and the gradient say so: f has climbed
  above its start value and ‖∇f‖ has grown past GRADIENT_GROWTH times its start
  norm (Rosenbrock under momentum or Adam with ordinary settings never does).

A minibatch run (:mod:`solvers.run.batches`) is judged on the objective over every
row, which its rows hold at each epoch's first iteration (FULL_OBJECTIVE), not on
the batch's noisy loss: the rules above read that column, rows between say nothing
but "non-finite", and the column's NaN where it was not evaluated is not a bad number.

A row where f has fallen without bound ends the run too, as its own outcome
(UNBOUNDED, not DIVERGED): f is −inf, or f is below −BELOW × max(1, |f(θ₀)|)
and ‖∇f‖ has grown past GRADIENT_GROWTH times its start norm (so a steep
minimum far below the start, such as 1e13·(x − 1)² − 1e13 from 0, is not taken
for one). −x² at η = 0.1 from x = 1 gets there at iteration 76.
"""

from __future__ import annotations

import math

import numpy as np

from solvers.core.facts import Facts
from solvers.run.epochs import is_minibatch, judged_column
from solvers.run.history import Layout
from solvers.run.measures import gap, grad_norm
from solvers.run.settings import Divergence

GROWTH = 100.0
"""How far the gap to f* may grow over its start value before the run has diverged."""
GRADIENT_GROWTH = 1e4
"""How far ‖∇f‖ may grow over its start value (with f above its start) where f* is unknown."""
BELOW = 1e12
"""f below −BELOW × max(1, |f at the start|) has fallen without bound (gdlab's threshold)."""
FLOAT32_EPS = float(np.finfo(np.float32).eps)


def fallen(
    values: np.ndarray,
    grads: np.ndarray,
    start_value: np.ndarray | float,
    start_norm: np.ndarray | float,
) -> np.ndarray:
    """Where f has fallen without bound: −inf, or below −BELOW × max(1, |f₀|) with
    ‖∇f‖ above GRADIENT_GROWTH × its start norm (``grads``: the rows' gradients)."""
    floor = -BELOW * np.maximum(1.0, np.abs(start_value))
    falls = np.asarray(values == -np.inf)
    low = values < floor
    if low.any():  # nearly never: the gradients' norms only then (this runs every chunk)
        steep = grad_norm(grads) > GRADIENT_GROWTH * np.maximum(start_norm, 1e-12)
        falls = falls | (low & steep)
    return falls


def _grown(
    values: np.ndarray,
    gaps: np.ndarray | None,
    grads: np.ndarray,
    start: tuple[np.ndarray | float, np.ndarray | float],
    facts: Facts,
) -> np.ndarray:
    """Where rows have moved away (the rule's second and third cases). ``start`` is
    (start value or gap, start ‖∇f‖): a run's floats, or one per member (M,) against
    rows (n, M); ``grads`` the rows' gradient columns (norms only where f* is unknown)."""
    start_value, start_norm = start
    if gaps is not None:
        assert facts.optimum is not None
        floor = 4 * FLOAT32_EPS * max(1.0, abs(facts.optimum.value))
        return np.asarray(gaps > GROWTH * np.maximum(start_value, floor))
    steep = grad_norm(grads) > GRADIENT_GROWTH * np.maximum(start_norm, 1e-12)
    return np.asarray((values > start_value) & steep)


class DivergenceCheck:
    """Checks a run's rows as they are recorded, remembering its start."""

    def __init__(self, layout: Layout, facts: Facts) -> None:
        self.layout = layout
        self.facts = facts
        self._start: tuple[float, float] | None = None
        """(start value or gap, start gradient norm)."""
        self.start_value = 0.0
        """f at the first row checked (0 where it was not finite)."""
        self.start_norm = 1.0
        """‖∇f‖ at the first row checked (1 where it was not finite)."""

    @property
    def start(self) -> tuple[float, float] | None:
        """(start value or gap, start ‖∇f‖), once the first rows were checked."""
        return self._start

    def check(self, rows: np.ndarray, first: int) -> tuple[int, Divergence | None]:
        """How many leading rows are sound, and the divergence at the first bad one."""
        if len(rows) == 0:
            return 0, None
        judged = judged_column(self.layout)
        values = rows[:, judged].astype(np.float64)
        gaps = gap(values, self.facts)
        grads = rows[:, self.layout.grads]
        if self._start is None:
            start_value = float(gaps[0]) if gaps is not None else float(values[0])
            norm0 = float(grad_norm(grads[:1])[0])
            self._start = (
                start_value if math.isfinite(start_value) else 1.0,
                norm0 if math.isfinite(norm0) else 1.0,
            )
            value0 = float(values[0])
            self.start_value = value0 if math.isfinite(value0) else 0.0
            self.start_norm = norm0 if math.isfinite(norm0) else 1.0
        finite = np.isfinite(rows).all(axis=1)
        if judged != self.layout.objective:  # NaN: not evaluated there
            finite = np.isfinite(np.delete(rows, judged, axis=1)).all(axis=1)
            finite &= ~np.isinf(rows[:, judged])
        falls = fallen(values, grads, self.start_value, self.start_norm)
        grown = _grown(values, gaps, grads, self._start, self.facts)
        if gaps is not None:
            what = f"it moved away from the optimum: |f − f*| grew {GROWTH:g}-fold"
        else:
            what = f"f rose above its start and ‖∇f‖ grew {GRADIENT_GROWTH:g}-fold"
        bad = ~finite | grown | falls
        if not bad.any():
            return len(rows), None
        k = int(np.argmax(bad))
        if falls[k]:
            reason = (
                f"f = {values[k]:.4g}, below −{BELOW:.0e} × max(1, |f at the start|) with "
                f"‖∇f‖ grown {GRADIENT_GROWTH:g}-fold, gdlab's test for a fall without bound"
            )
            return k, Divergence(first + k, reason, None, falling=True)
        if not finite[k]:
            reason = "the objective or its gradient became non-finite (inf or NaN)"
        else:
            reason = f"{what} (f = {values[k]:.4g})"
        bound = self.facts.bound.value if self.facts.stable_eta is not None else ""
        batches = self.facts.batch_curvature if is_minibatch(self.layout) else None
        return k, Divergence(
            first + k, reason, self.facts.stable_eta, bound, batch_curvature=batches
        )


def check_members(
    checks: list[DivergenceCheck], block: np.ndarray, first: int
) -> list[tuple[int, Divergence | None]]:
    """Each member's :meth:`DivergenceCheck.check` of its rows ``block[:, m]`` (block
    (n, M, width), member m's check ``checks[m]``), found for all members at once.

    Where no row of any member is bad (nearly every chunk of a compare), one
    vectorised pass over the block says so (:func:`_grown`, the rule a run's check
    uses), without sixteen calls' worth of numpy overhead per chunk. Otherwise, and
    before every member knows its start, each member is checked on its own.
    """
    starts = [check.start for check in checks]
    if len(block) == 0 or not checks or any(start is None for start in starts):
        return [check.check(block[:, m], first) for m, check in enumerate(checks)]
    layout = checks[0].layout
    facts = checks[0].facts
    if judged_column(layout) != layout.objective:  # minibatch members: each on its own
        return [check.check(block[:, m], first) for m, check in enumerate(checks)]
    values = block[:, :, layout.objective].astype(np.float64)
    per_member = (
        np.array([start[0] for start in starts if start is not None]),
        np.array([start[1] for start in starts if start is not None]),
    )
    grown = _grown(values, gap(values, facts), block[:, :, layout.grads], per_member, facts)
    grown |= fallen(
        values,
        block[:, :, layout.grads],
        np.array([check.start_value for check in checks]),
        np.array([check.start_norm for check in checks]),
    )
    if (np.isfinite(block).all(axis=2) & ~grown).all():
        return [(len(block), None)] * len(checks)
    return [check.check(block[:, m], first) for m, check in enumerate(checks)]
