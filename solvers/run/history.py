"""Every iteration of a run, kept in one compact preallocated float32 array
(float64 for a ``--dtype float64`` run, whose digits past float32's would
otherwise be lost).

One row per iteration: ``[params..., objective, gradient..., predictions...,
extras...]``, the parameters being those *before* that iteration's update (what
the book prints); the extras are what the update rule records (none for the
book's plain descent). A 1,000,000-iteration chapter-3 run is 40 MB. Rows are written beyond
``count`` first and ``count`` moves after, so a reader on another thread never
sees a half-written row.

The row is flat, for speed (the chunk writes it with one ``torch.cat``); the
layout describes it as named tensors (:mod:`solvers.run.blocks`): :meth:`History.tensor`
reads one back in its shape. Per-sample predictions are in the row only where
there are at most PREDICTION_LIMIT samples, so that a row's width follows the
model, not the data. What the iteration table shows of a row is the layout's
``table``: every scalar (SCALARS) or per-tensor norms (SUMMARIES, see
:mod:`solvers.run.table_view`).

A network's rows (``norms``, its spec's ``norms_only``) hold no parameter at all:
``[objective, ‖∇f‖, ‖∂f/∂t‖ for each tensor t…, ‖t‖ for each tensor t…]``, the
norms computed inside the chunk (‖∇f‖ = √Σ‖∂f/∂t‖²), the weights before the
update as everywhere; its update rule's state is not recorded. A million
parameters then cost 2 + 2·tensors columns a row, not two million.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from solvers.core.specs import ProblemSpec, records_predictions
from solvers.run.batch_columns import COLUMNS as BATCH_COLUMNS
from solvers.run.blocks import (
    PARAMETER,
    RECORDED,
    Block,
    norm_blocks,
    row_blocks,
    split_recorded,
)

SCALAR_TABLE_LIMIT = 16
"""Most scalar parameters whose table shows every scalar (your function has at most 10)."""
SCALARS = "scalars"
SUMMARIES = "summaries"
TABLES = (SCALARS, SUMMARIES)


def table_for(n_params: int) -> str:
    """The table a problem of ``n_params`` scalar parameters shows when its chapter does
    not choose: every scalar up to SCALAR_TABLE_LIMIT, per-tensor summaries beyond."""
    return SCALARS if n_params <= SCALAR_TABLE_LIMIT else SUMMARIES


@dataclass(frozen=True)
class Layout:
    """Where each quantity sits in a history row, as columns and as named tensors."""

    param_names: tuple[str, ...]
    prediction_names: tuple[str, ...]
    extra_names: tuple[str, ...] = ()
    """Columns the update rule records after the update (step taken, its state)."""
    tensors: tuple[tuple[str, tuple[int, ...]], ...] = ()
    """The parameter tensors by name and shape, in row order; () reads as one 0-d
    tensor per scalar parameter, under its name."""
    table: str = SCALARS
    """What the iteration table shows of a row: SCALARS or SUMMARIES."""
    norms: bool = False
    """The rows hold the objective and norms only (no parameters, gradients, predictions
    or rule state): ``tensors`` name the norms."""

    def __post_init__(self) -> None:
        if self.table not in TABLES:
            raise ValueError(f"table {self.table!r} is not one of {', '.join(TABLES)}")
        if not self.tensors:
            object.__setattr__(self, "tensors", tuple((n, ()) for n in self.param_names))
        sizes = sum(block.size for block in self.blocks if block.role == PARAMETER)
        if sizes != self.n_params:
            raise ValueError(f"tensors hold {sizes} scalars, parameters are {self.n_params}")

    @classmethod
    def of(
        cls, spec: ProblemSpec, extra_names: tuple[str, ...] = (), table: str | None = None
    ) -> Layout:
        """The layout of a problem's rows under an update rule recording ``extra_names``;
        ``table`` as given, else as the spec says (None: :func:`table_for`). The
        predictions are left out where there are more than PREDICTION_LIMIT of them."""
        predictions = spec.prediction_names
        tensors = tuple(zip(spec.param_tensors, spec.param_shapes, strict=True))
        if spec.norms_only:  # no rule state: a minibatch run's columns only
            batch = tuple(name for name in extra_names if name in BATCH_COLUMNS)
            return cls((), (), batch, tensors, SUMMARIES, norms=True)
        return cls(
            spec.param_names,
            predictions if records_predictions(len(predictions)) else (),
            extra_names,
            tensors,
            table or spec.table or table_for(spec.n_params),
        )

    @cached_property
    def blocks(self) -> tuple[Block, ...]:
        """Every named tensor of a row, in column order (:func:`solvers.run.blocks.row_blocks`)."""
        if self.norms:
            norms = norm_blocks(tuple(name for name, _ in self.tensors))
            at = len(norms)  # then single columns (a minibatch run's epoch and full f)
            added = tuple(
                Block(name, RECORDED, (), at + k) for k, name in enumerate(self.extra_names)
            )
            return (*norms, *added)
        quantities, singles = split_recorded(self.param_names, self.extra_names)
        return row_blocks(self.tensors, len(self.prediction_names), quantities, singles)

    def block(self, name: str) -> Block:
        """The named tensor ``name`` (``w``, ``grad_w``, ``m_w``, ``eta``…)."""
        for block in self.blocks:
            if block.name == name:
                return block
        names = ", ".join(b.name for b in self.blocks)
        raise KeyError(f"{name!r} is not a tensor of these rows; they hold {names}")

    @property
    def n_params(self) -> int:
        return len(self.param_names)

    @property
    def base_width(self) -> int:
        """Columns written before the update: parameters, objective, gradient, predictions
        (the objective and the norms, for ``norms``)."""
        if self.norms:
            return 2 + 2 * len(self.tensors)
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
        """The gradient's columns; for ``norms``, the one column ‖∇f‖ (whose norm is
        itself, so what reads ‖∇f‖ from these columns reads the same)."""
        if self.norms:
            return slice(1, 2)
        return slice(self.n_params + 1, 2 * self.n_params + 1)

    @property
    def predictions(self) -> slice:
        if self.norms:
            return slice(self.base_width, self.base_width)
        return slice(2 * self.n_params + 1, self.base_width)

    @property
    def extras(self) -> slice:
        return slice(self.base_width, self.width)

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names of a row, in order."""
        if self.norms:
            return tuple(block.name for block in self.blocks)
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

    def tensor(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """The named tensor ``name`` of rows ``start`` to ``stop`` (default: every complete
        row), shaped (rows, *its shape): a read-only view, not a copy."""
        return self.layout.block(name).values(self.rows[start:stop])
