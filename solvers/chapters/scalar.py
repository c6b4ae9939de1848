"""Chapter 1: a scalar minimum, y = (x − 2)²/2, from the book's normal(0, 0.01) start."""

from __future__ import annotations

from typing import TYPE_CHECKING

from solvers.chapters.base import Chapter, ScriptParam, ScriptTemplate
from solvers.core.specs import ProblemSpec

if TYPE_CHECKING:
    from solvers.problems.problem import Problem


class ScalarChapter(Chapter):
    """The book's first loop: one parameter, a quadratic with its minimum at 2."""

    default = ProblemSpec(
        id="1",
        title="A scalar minimum",
        formula="y = (x - 2)² / 2",
        param_names=("x",),
        param_shapes=((1, 1),),
        prediction_names=(),
        eta=0.4,
        iterations=15,
        book_start=None,
        heading="Chapter 1",
    )
    compare_etas = ("0.1", "0.4", "1.5", "2.5")
    key = "1"

    def build(self, spec: ProblemSpec) -> Problem:
        from solvers.problems.objectives.book import HalfSquareDistance
        from solvers.problems.problem import QuadraticProblem

        return QuadraticProblem(spec, HalfSquareDistance())

    def script(self, spec: ProblemSpec) -> ScriptTemplate:
        return ScriptTemplate(
            f"{spec.heading}: {spec.title}\n{spec.formula}",
            spec.param_names,
            (),
            (ScriptParam("x", (1, 1)),),
            ("y = (x-2)**2/2",),
            "y",
            None,
        )


CHAPTER = ScalarChapter()
