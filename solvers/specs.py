"""What each problem is, without importing torch: a registry by string id.

The app shows these facts (title, formula, book defaults, parameter names) in
its first frame, before torch has loaded; the torch objectives that compute
with them are built by :mod:`solvers.problems` from the same id. The book's
chapters are "1", "2" and "3"; later problems ("custom", "data", "mlp") join
the registry under their own ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from solvers.expression import parse
from solvers.validation import SettingError


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
    book_style: str | None = None
    """How the book prints an iteration (a name in :mod:`solvers.export`), None if it does not."""
    heading: str = ""
    """What the screen's title says before the title, e.g. "Chapter 3"."""
    expr: str | None = None
    """The user's expression, for the "custom" problem."""
    start_origin: str = "the book's start"
    """Where a fixed start comes from, in words."""

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
            return "normal(0, 0.01) draw, reproducible with a seed"
        values = ", ".join(
            f"{n}={v:g}" for n, v in zip(self.param_names, self.book_start, strict=True)
        )
        return f"{self.start_origin} {values}" if self.start_origin else values


CHAPTER_SPECS: tuple[ProblemSpec, ...] = (
    ProblemSpec(
        id="1",
        title="A scalar minimum",
        formula="y = (x - 2)² / 2",
        param_names=("x",),
        param_shapes=((1, 1),),
        prediction_names=(),
        eta=0.4,
        iterations=15,
        book_start=None,
        book_style="scalar",
        heading="Chapter 1",
    ),
    ProblemSpec(
        id="2",
        title="A vector minimum",
        formula="y = x·xᵀ + 4·x₀ + 5·x₁ + 3,  x = [x₀, x₁]",
        param_names=("x0", "x1"),
        param_shapes=((1, 2),),
        prediction_names=(),
        eta=0.4,
        iterations=10,
        book_start=None,
        book_style="tensor",
        heading="Chapter 2",
    ),
    ProblemSpec(
        id="3",
        title="Linear regression on three samples",
        formula="loss = Σ (w·x + b - y_target)² / 2   over the book's 3 samples",
        param_names=("w0", "w1", "b"),
        param_shapes=((1, 2), (1,)),
        prediction_names=("y0", "y1", "y2"),
        eta=0.0001,
        iterations=30000,
        book_start=(0.001, 0.003, 0.005),
        book_style="regression",
        heading="Chapter 3",
    ),
)

DEFAULT_EXPR = "(1-x0)**2 + 100*(x1-x0**2)**2"
"""The "your function" screen opens on Rosenbrock's banana valley."""
DEFAULT_START = (-1.5, 2.0)


def custom_spec(
    text: str,
    start: tuple[float, ...],
    eta: float = 1e-3,
    iterations: int = 30000,
) -> ProblemSpec:
    """A user's expression as a problem: one parameter ``x``, or ``x0`` … ``x{n-1}`` where
    the start has n values. Raises ExpressionError (a SettingError) if it does not parse
    or does not fit the start."""
    tree = parse(text)
    tree.check_dimension(len(start))
    names = tuple(f"x{i}" for i in range(len(start))) if tree.is_vector else ("x",)
    return ProblemSpec(
        id="custom",
        title="Your function",
        formula=f"f = {text.strip()}",
        param_names=names,
        param_shapes=((len(start),),),
        prediction_names=(),
        eta=eta,
        iterations=iterations,
        book_start=tuple(float(v) for v in start),
        heading="Your function",
        expr=text.strip(),
        start_origin="",  # the start typed: the values say it all
    )


def problem_key(spec: ProblemSpec) -> tuple[object, ...]:
    """What makes two specs the same function from the same start: the id, the
    expression, the parameters' shapes and the start, η and the iterations aside.
    What is computed from the function and its start (a landscape, local facts)
    for one spec serves every spec with its key, and no other."""
    return (spec.id, spec.expr, spec.param_shapes, spec.book_start)


SPECS: dict[str, ProblemSpec] = {spec.id: spec for spec in CHAPTER_SPECS}
SPECS["custom"] = custom_spec(DEFAULT_EXPR, DEFAULT_START)
"""Every problem by id (the app makes a screen for each); "custom" holds its default."""


def spec_of(problem_id: str) -> ProblemSpec:
    """The spec registered as ``problem_id``; a SettingError names the ids there are."""
    text = problem_id.strip()
    if text in SPECS:
        return SPECS[text]
    shown = problem_id if len(problem_id) <= 20 else problem_id[:20] + "…"
    choices = ", ".join(SPECS)
    raise SettingError("chapter", f"{shown!r} is not a chapter; expected one of {choices}")
