"""What one problem is, without importing torch: a chapter with its input values.

The app shows these facts (title, formula, defaults, parameter names) in its first
frame, before torch has loaded. Each chapter's module (solvers/chapters/) makes its
specs; :mod:`solvers.chapters.registry` finds a chapter by its id.
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def input(self, name: str) -> str | None:
        """The value of the chapter's input ``name``, None where it has no such input."""
        return dict(self.inputs).get(name)


def problem_key(spec: ProblemSpec) -> tuple[object, ...]:
    """What makes two specs the same function from the same start: the chapter, its
    input values, the parameters' shapes and the start, η and the iterations aside.
    What is computed from the function and its start (a landscape, local facts)
    for one spec serves every spec with its key, and no other."""
    return (spec.id, spec.inputs, spec.param_shapes, spec.book_start)
