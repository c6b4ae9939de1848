"""Writing a run's history as the book prints it, as CSV, or as JSON.

Writers stream rows batch by batch, so the CLI can print as the run goes and a
divergence still leaves every row before it written. The book format replays the
recorded parameters through the problem's own objective, so what it prints
(``grad_fn`` names included) is what torch prints for the book's script.
"""

from __future__ import annotations

import json
import math
from typing import Any, TextIO

import numpy as np
import torch

from solvers.chapters.base import BookPrinter, number
from solvers.chapters.registry import chapter_for
from solvers.problems.problem import Problem
from solvers.run.batch_columns import EPOCH
from solvers.run.epochs import is_minibatch
from solvers.run.history import Layout


class RowWriter:
    """Base for writers: ``begin``, then ``rows`` per batch, then ``end``."""

    def __init__(
        self,
        stream: TextIO,
        problem: Problem,
        layout: Layout,
        settings: dict[str, Any] | None = None,
    ) -> None:
        self.stream = stream
        self.problem = problem
        self.layout = layout
        self.settings = settings
        """What repeats the run (solvers.records.saved_run.record), for the formats that
        carry it."""

    def begin(self) -> None:
        """Write whatever precedes the first row."""

    def rows(self, iterations: range, rows: np.ndarray) -> None:
        """Write ``rows``, row i being iteration ``iterations[i]``."""
        raise NotImplementedError

    def end(self, ending: dict[str, Any] | None = None) -> None:
        """Write whatever follows the last row; ``ending`` has the run's ``final`` state
        and its ``outcome``, for the formats that carry them."""


class CsvWriter(RowWriter):
    """One header line, then one line per iteration."""

    def begin(self) -> None:
        self.stream.write("iteration," + ",".join(self.layout.columns) + "\n")

    def rows(self, iterations: range, rows: np.ndarray) -> None:
        lines = (
            f"{i}," + ",".join(number(v) for v in row.tolist())
            for i, row in zip(iterations, rows, strict=True)
        )
        self.stream.write("\n".join(lines) + "\n" if len(rows) else "")


class JsonWriter(RowWriter):
    """A JSON object: ``settings`` (what repeats the run; first, so ``--from`` finds it
    at the head of a large file), ``chapter``, ``columns``, ``rows`` (iteration first),
    then ``final`` (the parameters after the last update, the objective there) and
    ``outcome`` (finished, stopped or diverged, with the reason)."""

    def begin(self) -> None:
        spec = self.problem.spec
        head = {
            "settings": self.settings,
            "chapter": spec.id,
            "columns": ["iteration", *self.layout.columns],
        }
        self.stream.write(json.dumps(head)[:-1] + ', "rows": [')
        self._first = True

    def rows(self, iterations: range, rows: np.ndarray) -> None:
        for i, row in zip(iterations, rows, strict=True):
            values = [i, *(v if math.isfinite(v) else None for v in row.tolist())]
            self.stream.write(("\n" if self._first else ",\n") + json.dumps(values))
            self._first = False

    def end(self, ending: dict[str, Any] | None = None) -> None:
        tail = json.dumps(ending or {})[1:-1]
        self.stream.write("\n]" + (", " + tail if tail else "") + "}\n")


class BookWriter(RowWriter, BookPrinter):
    """Prints each iteration as the book's script for the problem does (its chapter's
    ``book_block``)."""

    def __init__(
        self,
        stream: TextIO,
        problem: Problem,
        layout: Layout,
        settings: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(stream, problem, layout, settings)
        self._block = chapter_for(problem.spec).book_block

    def rows(self, iterations: range, rows: np.ndarray) -> None:
        self.stream.write("".join(self._batch(row) + self._block(self, row) for row in rows))

    def _batch(self, row: np.ndarray) -> str:
        """Before a minibatch row's block: its epoch and its batch's loss, the objective
        whose gradient the block prints (the block's own objective is every row's).
        Rows of norms (a network's) hold no gradient, and their block prints none."""
        if not is_minibatch(self.layout):
            return ""
        epoch = int(row[self.layout.columns.index(EPOCH)])
        value = number(float(row[self.layout.objective]))
        said = chapter_for(self.problem.spec).batch_loss
        gradient = "" if self.layout.norms else "; the gradient below is its"
        return f"epoch {epoch}: {said} = {value} (all rows' estimate){gradient}\n"

    def grads(self, row: np.ndarray) -> np.ndarray:
        """The recorded gradient, flat."""
        return np.asarray(row[self.layout.grads])

    def params(self, row: np.ndarray) -> list[torch.Tensor]:
        """The recorded parameters as leaf tensors shaped as the run holds them, in the
        run's dtype (a float64 run's tensors print as torch prints float64 ones)."""
        values = tuple(row[self.layout.params].tolist())
        dtype = torch.float64 if row.dtype == np.float64 else torch.float32
        return self.problem.make_params(values, torch.device("cpu"), dtype)


def make_writer(
    fmt: str,
    stream: TextIO,
    problem: Problem,
    layout: Layout,
    settings: dict[str, Any] | None = None,
) -> RowWriter:
    """The writer for ``fmt`` (one of :data:`FORMATS`)."""
    writers: dict[str, type[RowWriter]] = {"book": BookWriter, "csv": CsvWriter, "json": JsonWriter}
    return writers[fmt](stream, problem, layout, settings)


def strided(first: int, rows: np.ndarray, every: int) -> tuple[range, np.ndarray]:
    """The rows of a batch starting at iteration ``first`` whose iteration is a multiple of
    ``every``, with their iteration numbers."""
    offset = (-first) % every
    picked = rows[offset::every]
    return range(first + offset, first + offset + every * len(picked), every), picked
