"""When a run has diverged: the rule, per batch of recorded rows (numpy).

A row is bad when any number in it is non-finite (float32 overflowed, or a NaN
came out of the objective), or when the run has moved far from where it should
go:

* f* known: the gap |f - f*| has grown past EXPLODE_FACTOR times the start's
  gap (at least 1);
* f* unknown: the objective has climbed more than EXPLODE_FACTOR times
  max(1, |f at the start|) above its start value, or the gradient's norm has
  grown past EXPLODE_FACTOR times max(1, its start norm).

The run keeps every row before the first bad one; the bad row is not kept.
"""

from __future__ import annotations

import math

import numpy as np

from solvers.facts import Facts
from solvers.history import Layout
from solvers.measures import gap, grad_norm
from solvers.runs import Divergence

EXPLODE_FACTOR = 1e6
"""How far past its start a run may move before it is called divergent."""


class DivergenceCheck:
    """Checks a run's rows as they are recorded, remembering its start."""

    def __init__(self, layout: Layout, facts: Facts) -> None:
        self.layout = layout
        self.facts = facts
        self._start: tuple[float, float] | None = None
        """(start value or gap, start gradient norm)."""

    def check(self, rows: np.ndarray, first: int) -> tuple[int, Divergence | None]:
        """How many leading rows are sound, and the divergence at the first bad one."""
        if len(rows) == 0:
            return 0, None
        values = rows[:, self.layout.objective].astype(np.float64)
        gaps = gap(values, self.facts)
        norms = grad_norm(rows[:, self.layout.grads])
        if self._start is None:
            start_value = float(gaps[0]) if gaps is not None else float(values[0])
            norm0 = float(norms[0])
            self._start = (
                start_value if math.isfinite(start_value) else 1.0,
                norm0 if math.isfinite(norm0) else 1.0,
            )
        start_value, start_norm = self._start
        finite = np.isfinite(rows).all(axis=1)
        if gaps is not None:
            grown = gaps > EXPLODE_FACTOR * max(1.0, start_value)
            what = "its gap to f*"
        else:
            climbed = values - start_value > EXPLODE_FACTOR * max(1.0, abs(start_value))
            grown = climbed | (norms > EXPLODE_FACTOR * max(1.0, start_norm))
            what = "the objective or its gradient"
        bad = ~finite | grown
        if not bad.any():
            return len(rows), None
        k = int(np.argmax(bad))
        if not finite[k]:
            reason = "the objective or its gradient became non-finite (inf or NaN)"
        else:
            reason = f"{what} grew a millionfold (f = {values[k]:.4g})"
        bound = self.facts.bound.value if self.facts.stable_eta is not None else ""
        return k, Divergence(first + k, reason, self.facts.stable_eta, bound)
