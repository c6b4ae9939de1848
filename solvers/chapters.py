"""What each chapter of the book is, without importing torch.

The app shows these facts (title, formula, book defaults, parameter names) in its
first frame, before torch has loaded; the torch objectives that compute with them
live in :mod:`solvers.problems`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChapterSpec:
    """The book's description of one chapter's problem."""

    key: int
    """Chapter number in the book (1, 2 or 3)."""
    title: str
    """Short title shown in the app and the CLI."""
    formula: str
    """The objective written out in text, for display only."""
    param_names: tuple[str, ...]
    """One name per scalar parameter, in the order the history stores them."""
    param_shapes: tuple[tuple[int, ...], ...]
    """Shape of each parameter tensor, as the book declares it."""
    prediction_names: tuple[str, ...]
    """Names of the model outputs recorded each iteration (empty for ch1 and ch2)."""
    eta: float
    """The book's learning rate."""
    iterations: int
    """The book's iteration count."""
    book_start: tuple[float, ...] | None
    """Fixed start of the book, or None where the book draws from normal(0, 0.01)."""

    @property
    def n_params(self) -> int:
        """Number of scalar parameters."""
        return len(self.param_names)

    @property
    def start_rule(self) -> str:
        """How the chapter starts when the user gives no start, in words."""
        if self.book_start is None:
            return "normal(0, 0.01) draw, reproducible with a seed"
        return "the book's start " + ", ".join(
            f"{n}={v:g}" for n, v in zip(self.param_names, self.book_start, strict=True)
        )


CHAPTERS: dict[int, ChapterSpec] = {
    1: ChapterSpec(
        key=1,
        title="A scalar minimum",
        formula="y = (x - 2)² / 2",
        param_names=("x",),
        param_shapes=((1, 1),),
        prediction_names=(),
        eta=0.4,
        iterations=15,
        book_start=None,
    ),
    2: ChapterSpec(
        key=2,
        title="A vector minimum",
        formula="y = x·xᵀ + 4·x₀ + 5·x₁ + 3,  x = [x₀, x₁]",
        param_names=("x0", "x1"),
        param_shapes=((1, 2),),
        prediction_names=(),
        eta=0.4,
        iterations=10,
        book_start=None,
    ),
    3: ChapterSpec(
        key=3,
        title="Linear regression on three samples",
        formula="loss = Σ (w·x + b - y_target)² / 2   over the book's 3 samples",
        param_names=("w0", "w1", "b"),
        param_shapes=((1, 2), (1,)),
        prediction_names=("y0", "y1", "y2"),
        eta=0.0001,
        iterations=30000,
        book_start=(0.001, 0.003, 0.005),
    ),
}
