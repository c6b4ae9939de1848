"""The chapter protocol: everything gdlab needs to know about one chapter.

torch-free: the app reads titles, defaults and inputs before torch has loaded,
and the CLI refuses a bad input at once. What needs torch (the objective, the
facts, the book's print of a tensor) is imported inside the methods that need it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from solvers.core.specs import ProblemSpec
from solvers.core.validation import parse_start

if TYPE_CHECKING:
    import numpy as np

    from solvers.problems.problem import Problem


@dataclass(frozen=True)
class ChapterInput:
    """A value a chapter takes beyond every run's settings (η, iterations, start…):
    the CLI option ``--NAME`` and the form's field ``#NAME``."""

    name: str
    label: str
    """The form's label, e.g. "f ="."""
    help: str
    """The CLI option's help."""
    check: Callable[[str, int], str] | None = None
    """What is wrong with a typed value, drawn in ``width`` columns ("" if nothing);
    None where any text is accepted here (the chapter's ``spec`` still checks it)."""
    switch: bool = False
    """An on/off input: the CLI's flag ``--NAME`` (no value), the form's switch. Its
    value is ``ON`` when on and "" when off."""
    choices: Callable[[Mapping[str, str]], tuple[str, ...]] | None = None
    """The values the form offers to choose from (a Select, blank allowed), given the
    other inputs' values; None: a text field."""
    placeholder: str = ""
    """What the empty field (or the choice with none chosen) says it means."""
    multiple: bool = False
    """A choice of several of the offered values (a selection list on the form); its
    value is the chosen ones in offered order, comma-separated, "" for none."""

    def problem(self, text: str, width: int = 30) -> str:
        """What is wrong with ``text`` ("" if nothing)."""
        return self.check(text, width) if self.check is not None else ""


ON = "on"
"""A switch input's value when it is on."""


@dataclass(frozen=True)
class ScriptParam:
    """One parameter tensor of the standalone script."""

    name: str
    shape: tuple[int, ...]
    book_start: str | None = None
    """The book's own line for the tensor's start, where it has one (``{dtype}``: the
    run's torch dtype)."""


@dataclass(frozen=True)
class ScriptTemplate:
    """How the standalone script sets up and evaluates a chapter's objective."""

    heading: str
    columns: tuple[str, ...]
    """The parameters' scalar names, as the CSV header has them."""
    prediction_names: tuple[str, ...]
    params: tuple[ScriptParam, ...]
    forward: tuple[str, ...]
    """Lines computing the objective (``objective`` names it) from the parameters."""
    objective: str
    predictions: str | None
    data: tuple[str, ...] = ()
    """Lines creating the chapter's data, in float32 as gdlab holds it (``{to_dtype}``:
    ``, dtype=torch.float64`` where the run is float64, else nothing)."""
    sample_count: int = 0
    """The data rows (its objective's ``sample_count``); 0: none, no minibatch script."""
    on_rows: tuple[str, ...] = ()
    """Lines computing the objective on the rows ``rows`` (int64 indices) only, as the
    objective's ``on_rows`` does (``scale``: N / B), into ``batch_objective``, and
    ``predictions`` as ``forward`` does."""
    batch_objective: str = ""


@dataclass(frozen=True)
class ModelScript:
    """A chapter whose script builds a ``torch.nn.Sequential`` (a network): its data and
    its layers; solvers/records/model_script.py writes the rest (torch.optim, the rows)."""

    heading: str
    data: tuple[str, ...]
    """Lines making ``x`` (samples × features) and ``y`` (samples × 1), float32 as gdlab
    holds them (``{to_dtype}`` as in :class:`ScriptTemplate`)."""
    layers: tuple[str, ...]
    """The Sequential's modules, in order (``torch.nn.Linear(1, 32)``, ``torch.nn.Tanh()``)."""
    rows: int = 0
    """The data's rows (a minibatch script draws from them)."""


class BookPrinter:
    """What a chapter's book print reads from a run's row (solvers/records/export.py's
    BookWriter is one): the parameters as tensors, the gradient, the problem."""

    problem: Problem

    def params(self, row: np.ndarray) -> list[Any]:
        raise NotImplementedError

    def grads(self, row: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class Chapter:
    """One chapter. A module defines a subclass and one instance of it, and the
    registry lists the instance; nothing else in gdlab names the chapter."""

    default: ProblemSpec
    """The problem the chapter's screen opens with, and ``gdlab run ID`` runs."""
    key: str
    """The app's key for the chapter's screen."""
    inputs: tuple[ChapterInput, ...] = ()
    """Values the chapter takes beyond the run's settings (none for the book's)."""
    start_required: bool = False
    """The start must be given (it sets the problem's dimension)."""
    script_exact_when_compiled: bool = True
    """A compiled run (long ones are) gives its script's digits exactly; False where
    the compiled objective may round differently in the last digit."""
    data_rows: bool = False
    """Its objective has data rows (``sample_count``, solvers/run/batches.py), so a run
    may take minibatches (``--batch-size``); refused on a chapter without."""
    batch_loss: str = "batch loss"
    """What a minibatch run records as f, in two or three words: how its objective's
    ``on_rows`` makes the batch's loss an estimate of every row's."""
    compare_etas: tuple[str, ...] = ()
    """The η values the compare screen starts with (each regime of plain descent, one
    diverging); a chapter without them is not on its list (which has no input fields)."""

    @property
    def id(self) -> str:
        return self.default.id

    @property
    def file_part(self) -> str:
        """Its part of the names of its exports and scripts (``gdlab-chapter1-…``)."""
        return f"chapter{self.id}"

    @property
    def typed(self) -> bool:
        """Its problem is what the input fields say, so its facts follow the typing."""
        return bool(self.inputs)

    def spec(
        self,
        values: Mapping[str, str],
        start: tuple[float, ...] | None = None,
        eta: float | None = None,
        iterations: int | None = None,
    ) -> ProblemSpec:
        """The problem for the input values (``values`` by input name) and the start;
        a SettingError names a bad one. A chapter without inputs has one problem (η,
        iterations and the start are the run's settings, not the problem's)."""
        return self.default

    def values(self, spec: ProblemSpec) -> dict[str, str]:
        """The input values that made ``spec`` (what a saved run records)."""
        return dict(spec.inputs)

    def start_names(self, count: int) -> tuple[str, ...]:
        """The names of the start's values, where the start has ``count`` of them."""
        return self.default.param_names

    def parse_start(self, parts: Sequence[str]) -> tuple[float, ...]:
        """A start typed as its values' texts (a SettingError names ``init``)."""
        return parse_start(list(parts), self.start_names(len(parts)))

    def build(self, spec: ProblemSpec) -> Problem:
        """The torch problem: its objective and its facts."""
        raise NotImplementedError

    def script(self, spec: ProblemSpec) -> ScriptTemplate:
        """The standalone script's setup and objective (solvers/records/codegen.py
        writes the rest)."""
        raise NotImplementedError

    def model_script(self, spec: ProblemSpec) -> ModelScript | None:
        """A network's script (its ``torch.nn.Sequential``), written instead of
        :meth:`script`'s; None for a chapter of parameter tensors."""
        return None

    def notes(self, problem: Problem, eta: float | None = None) -> tuple[str, ...]:
        """Lines of facts beyond the optimum and the bound (each saying where it comes
        from), for the facts panel; ``eta``: the η to set beside the bound (None: the
        bound alone). None by default."""
        return ()

    def summary(self, problem: Problem, params: np.ndarray, eta: float) -> tuple[str, ...]:
        """Lines the run's summary adds for its last parameters; none by default."""
        return ()

    def book_block(self, printer: BookPrinter, row: np.ndarray) -> str:
        """One iteration as the book prints it. A chapter the book never ran prints as
        the book's chapter with as many parameters does: one value as chapter 1 prints
        ``x.item()``, more as chapter 2 prints its tensor (``print('x=', x)``), each
        tensor under its name."""
        spec = printer.problem.spec
        if len(spec.param_names) == 1:
            return f"{spec.param_names[0]}= {number(float(row[0]))}\n"
        tensors = zip(spec.param_tensors, printer.params(row), strict=True)
        return "".join(f"{name}= {tensor!s}\n" for name, tensor in tensors)


def number(value: float) -> str:
    """Shortest text that reads back as the same value: what ``print(x.item())`` shows."""
    return repr(float(value)) if math.isfinite(value) else ("nan" if value != value else str(value))
