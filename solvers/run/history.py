"""Every iteration of a run, kept in one compact preallocated float32 array
(float64 for a ``--dtype float64`` run, whose digits past float32's would
otherwise be lost).

One row per iteration: ``[params..., objective, gradient..., predictions...,
extras...]``, the parameters being those *before* that iteration's update (what
the book prints); the extras are what the update rule records (none for the
book's plain descent). A 1,000,000-iteration chapter-3 run is 40 MB. Rows are written beyond
``count`` first and ``count`` moves after, so a reader on another thread never
sees a half-written row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solvers.core.specs import ProblemSpec


@dataclass(frozen=True)
class Layout:
    """Where each quantity sits in a history row."""

    param_names: tuple[str, ...]
    prediction_names: tuple[str, ...]
    extra_names: tuple[str, ...] = ()
    """Columns the update rule records after the update (step taken, its state)."""

    @classmethod
    def of(cls, spec: ProblemSpec, extra_names: tuple[str, ...] = ()) -> Layout:
        """The layout of a problem's rows under an update rule recording ``extra_names``."""
        return cls(spec.param_names, spec.prediction_names, extra_names)

    @property
    def n_params(self) -> int:
        return len(self.param_names)

    @property
    def base_width(self) -> int:
        """Columns written before the update: parameters, objective, gradient, predictions."""
        return 2 * self.n_params + 1 + len(self.prediction_names)

    @property
    def width(self) -> int:
        return self.base_width + len(self.extra_names)

    @property
    def params(self) -> slice:
        return slice(0, self.n_params)

    @property
    def objective(self) -> int:
        return self.n_params

    @property
    def grads(self) -> slice:
        return slice(self.n_params + 1, 2 * self.n_params + 1)

    @property
    def predictions(self) -> slice:
        return slice(2 * self.n_params + 1, self.base_width)

    @property
    def extras(self) -> slice:
        return slice(self.base_width, self.width)

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names of a row, in order."""
        grads = tuple(f"grad_{n}" for n in self.param_names)
        return (*self.param_names, "objective", *grads, *self.prediction_names, *self.extra_names)


class History:
    """Preallocated rows of a run; grows by doubling if stepped past its capacity.

    ``np.empty`` only reserves address space, so the memory a run uses grows with
    the rows actually written, not with the capacity asked for.
    """

    def __init__(self, layout: Layout, capacity: int, dtype: type = np.float32) -> None:
        self.layout = layout
        self._rows: np.ndarray = np.empty((max(capacity, 1), layout.width), dtype=dtype)
        self._count = 0

    @property
    def count(self) -> int:
        """Number of complete rows."""
        return self._count

    def __len__(self) -> int:
        return self._count

    @property
    def rows(self) -> np.ndarray:
        """The complete rows, a read-only view (row i is iteration i)."""
        view = self._rows[: self._count]
        view.flags.writeable = False
        return view

    def reserve(self, extra: int) -> np.ndarray:
        """A writable block for the next ``extra`` rows; call :meth:`commit` after."""
        need = self._count + extra
        if need > len(self._rows):
            grown = np.empty((max(need, 2 * len(self._rows)), self.layout.width), self._rows.dtype)
            grown[: self._count] = self._rows[: self._count]
            self._rows = grown
        return self._rows[self._count : need]

    def commit(self, n: int) -> None:
        """Mark ``n`` more rows, written through :meth:`reserve`, as complete."""
        if self._count + n > len(self._rows):
            raise ValueError("commit past the reserved rows")
        self._count += n

    def last(self) -> np.ndarray | None:
        """The newest row, or None before the first iteration."""
        return self._rows[self._count - 1].copy() if self._count else None
