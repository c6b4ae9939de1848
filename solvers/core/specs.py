"""What one problem is, without importing torch: a chapter with its input values.

The app shows these facts (title, formula, defaults, parameter names) in its first
frame, before torch has loaded. Each chapter's module (solvers/chapters/) makes its
specs; :mod:`solvers.chapters.registry` finds a chapter by its id.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

PREDICTION_LIMIT = 8
"""Most samples whose predictions every row of a run records (chapter 3 has 3)."""


def records_predictions(samples: int) -> bool:
    """Whether every row records the predictions of a model on ``samples`` samples."""
    return samples <= PREDICTION_LIMIT


@dataclass(frozen=True)
class ProblemSpec:
    """One problem's description: what the user sees before torch is there."""

    id: str
    """Registry id: "1", "2", "3" for the book's chapters."""
    title: str
    """Short title shown in the app and the CLI."""
    formula: str
    """The objective written out in text, for display only."""
    param_names: tuple[str, ...]
    """One name per scalar parameter, in the order the history stores them."""
    param_shapes: tuple[tuple[int, ...], ...]
    """Shape of each parameter tensor, as the book declares it."""
    prediction_names: tuple[str, ...]
    """Names of the model outputs recorded each iteration (empty where there is no model)."""
    eta: float
    """The default learning rate (the book's)."""
    iterations: int
    """The default iteration count (the book's)."""
    book_start: tuple[float, ...] | None
    """Fixed start, or None where the start is drawn from normal(0, 0.01)."""
    heading: str = ""
    """What the screen's title says before the title, e.g. "Chapter 3"."""
    inputs: tuple[tuple[str, str], ...] = ()
    """The values of the chapter's declared inputs (name, text), in its order."""
    start_origin: str = "the book's start"
    """Where a fixed start comes from, in words."""
    table: str | None = None
    """What the iteration table shows of a row: "scalars" (every scalar), "summaries"
    (each tensor's norm and its gradient's), or None: scalars up to 16 parameters,
    summaries above (solvers/run/history.py)."""
    param_tensors: tuple[str, ...] = ()
    """One name per parameter tensor ("w", "b"); () derives them from the scalar names
    (:func:`tensor_names`)."""
    drawn_start: str = "normal(0, 0.01) draw, reproducible with a seed"
    """How the start is drawn where there is no fixed one, in words."""
    optimizer: str = "plain"
    """The optimizer a run uses unless one is chosen (the book's plain descent; Adam for
    a network)."""
    norms_only: bool = False
    """Each row records the objective and norms only (‖∇f‖, each tensor's gradient and
    weight norms), not every parameter: a network has too many for every row. Its
    final parameters are the run's tensors (solvers/run/history.py)."""

    def __post_init__(self) -> None:
        if not self.param_tensors:
            names = tensor_names(self.param_names, self.param_shapes)
            object.__setattr__(self, "param_tensors", names)
        if len(self.param_tensors) != len(self.param_shapes):
            raise ValueError(
                f"{len(self.param_tensors)} tensor names for {len(self.param_shapes)} shapes"
            )

    @property
    def n_params(self) -> int:
        """Number of scalar parameters."""
        return len(self.param_names)

    @property
    def full_title(self) -> str:
        """The heading and the title ("Chapter 1: A scalar minimum"); the title alone
        where the heading says the same ("Your function")."""
        if not self.heading or self.heading == self.title:
            return self.title
        return f"{self.heading}: {self.title}"

    @property
    def start_rule(self) -> str:
        """How the problem starts when the user gives no start, in words."""
        if self.book_start is None:
            return self.drawn_start
        values = ", ".join(
            f"{n}={v:g}" for n, v in zip(self.param_names, self.book_start, strict=True)
        )
        return f"{self.start_origin} {values}" if self.start_origin else values

    def input(self, name: str) -> str | None:
        """The value of the chapter's input ``name``, None where it has no such input."""
        return dict(self.inputs).get(name)


def tensor_names(
    param_names: tuple[str, ...], param_shapes: tuple[tuple[int, ...], ...]
) -> tuple[str, ...]:
    """Each parameter tensor's name, from its scalars' names: the stem of ``x0`` … ``x{k-1}``
    (chapter 2's x, chapter 3's w), a one-element tensor's scalar name as it is (chapter
    1's x, chapter 3's b), and ``p{i}`` for the i-th tensor where neither holds."""
    names: list[str] = []
    at = 0
    for i, shape in enumerate(param_shapes):
        size = prod(shape)
        scalars = param_names[at : at + size]
        at += size
        stem = scalars[0][:-1] if scalars and scalars[0].endswith("0") else ""
        if stem and scalars == tuple(f"{stem}{j}" for j in range(size)):
            names.append(stem)
        elif size == 1 and len(scalars) == 1:
            names.append(scalars[0])
        else:
            names.append(f"p{i}")
    return tuple(names)


def problem_key(spec: ProblemSpec) -> tuple[object, ...]:
    """What makes two specs the same function from the same start: the chapter, its
    input values, the parameters' shapes and the start, η and the iterations aside.
    What is computed from the function and its start (a landscape, local facts)
    for one spec serves every spec with its key, and no other."""
    return (spec.id, spec.inputs, spec.param_shapes, spec.book_start)
