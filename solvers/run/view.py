"""A read-only view of a run, for displays: rows, columns and facts, no tensors.

The app's table, plots and status read a run through this and nothing else, so
they cannot reach into the solver's state (its parameters are being updated on
another thread) and they work the same for any problem or update rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solvers.core.facts import Facts
from solvers.core.specs import ProblemSpec
from solvers.run import measures
from solvers.run.history import History, Layout
from solvers.run.settings import RunSettings


@dataclass(frozen=True)
class RunView:
    """What a run has recorded so far, and what is known about its problem."""

    spec: ProblemSpec
    layout: Layout
    _history: History
    facts: Facts
    settings: RunSettings
    seed: int
    """The seed of the start draw (used or not), so an export can repeat the run."""
    start: tuple[float, ...]
    """The start values as used."""

    @property
    def count(self) -> int:
        """Complete rows (iterations recorded)."""
        return self._history.count

    @property
    def rows(self) -> np.ndarray:
        """Every complete row, read-only (row i is iteration i)."""
        return self._history.rows

    @property
    def columns(self) -> tuple[str, ...]:
        return self.layout.columns

    def last(self) -> np.ndarray | None:
        """The newest row (a copy), or None before the first iteration."""
        return self._history.last()

    def gap(self, values: np.ndarray) -> np.ndarray | None:
        """|f - f*| of objective values, None where f* is unknown."""
        return measures.gap(values, self.facts)

    def distance(self, params: np.ndarray) -> np.ndarray | None:
        """Distance of parameter rows to the optimum, None where it is unknown."""
        return measures.distance(params, self.facts)
