"""What the iteration table shows of a history row: the view its layout chooses.

SCALARS (the book's chapters and your function): every column of the row as it is,
under the names the table has always shown (``f`` for the objective, ``∂f/∂w0`` for
a gradient). SUMMARIES (a model with more parameters than a table can show): the
objective, the norm of each named tensor (``‖w‖``, ``‖∂f/∂w‖``, ``‖m_w‖``) and the
rule's single columns (``eta``) as they are; no per-sample predictions. The table
formats only the lines on screen, so a summary's norms are computed for those
lines alone, however long the run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solvers.run.blocks import GRAD_NORM, GRADIENT, OBJECTIVE, PREDICTIONS, Block
from solvers.run.history import SCALARS, Layout


@dataclass(frozen=True)
class Source:
    """Where a table column comes from: a row's columns ``start`` to ``stop``, shown as
    their Euclidean norm (``norm``) or, a single column, as it is."""

    start: int
    stop: int
    norm: bool


@dataclass(frozen=True)
class TableView:
    """The table's column names and how each is computed from a row."""

    columns: tuple[str, ...]
    sources: tuple[Source, ...]
    whole: bool = False
    """Every column of the row as it is, in order: :meth:`cells` returns the rows."""

    def cells(self, rows: np.ndarray) -> np.ndarray:
        """The table's values of ``rows`` (n, width): (n, len(columns)); norms in float64."""
        if self.whole:
            return rows
        out = np.empty((len(rows), len(self.sources)), dtype=np.float64)
        for j, source in enumerate(self.sources):
            if source.norm:
                block = rows[:, source.start : source.stop].astype(np.float64)
                out[:, j] = np.linalg.norm(block, axis=1)
            else:
                out[:, j] = rows[:, source.start]
        return out


def scalar_names(layout: Layout) -> tuple[str, ...]:
    """Every column's name as the table shows it: parameters, f, gradient, predictions,
    then the rule's columns."""
    grads = tuple(f"∂f/∂{n}" for n in layout.param_names)
    return (*layout.param_names, "f", *grads, *layout.prediction_names, *layout.extra_names)


def _summary(block: Block) -> tuple[str, Source] | None:
    """A block's column in the summary view, None for the predictions."""
    stop = block.start + block.size
    if block.role == PREDICTIONS:
        return None
    if block.role == OBJECTIVE:
        return "f", Source(block.start, stop, False)
    name = f"∂f/∂{block.of}" if block.role == GRADIENT else block.name
    if block.shape == ():
        return name, Source(block.start, stop, False)
    return f"‖{name}‖", Source(block.start, stop, True)


def _norm_name(block: Block) -> str:
    """A column of a row of norms as the table shows it: loss, ‖∇f‖, ‖∂f/∂W1‖, ‖W1‖."""
    if block.role == OBJECTIVE:
        return "loss"
    if block.name == GRAD_NORM:
        return "‖∇f‖"
    return f"‖∂f/∂{block.of}‖" if block.name.startswith("grad_") else f"‖{block.of}‖"


def table_view(layout: Layout) -> TableView:
    """The view ``layout.table`` names, for rows of ``layout``."""
    if layout.norms:
        sources = tuple(Source(i, i + 1, False) for i in range(layout.width))
        return TableView(tuple(_norm_name(b) for b in layout.blocks), sources, whole=True)
    if layout.table == SCALARS:
        sources = tuple(Source(i, i + 1, False) for i in range(layout.width))
        return TableView(scalar_names(layout), sources, whole=True)
    picked = [column for block in layout.blocks if (column := _summary(block)) is not None]
    return TableView(tuple(name for name, _ in picked), tuple(s for _, s in picked))
