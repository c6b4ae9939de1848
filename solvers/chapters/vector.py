"""Chapter 2: a vector minimum, y = x·xᵀ + 4x₀ + 5x₁ + 3 on a 1×2 tensor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from solvers.chapters.base import Chapter, ScriptParam, ScriptTemplate
from solvers.core.specs import ProblemSpec

if TYPE_CHECKING:
    from solvers.problems.problem import Problem


class VectorChapter(Chapter):
    """The book's second loop: the same descent on a tensor of two values."""

    default = ProblemSpec(
        id="2",
        title="A vector minimum",
        formula="y = x·xᵀ + 4·x₀ + 5·x₁ + 3,  x = [x₀, x₁]",
        param_names=("x0", "x1"),
        param_shapes=((1, 2),),
        prediction_names=(),
        eta=0.4,
        iterations=10,
        book_start=None,
        heading="Chapter 2",
    )
    compare_etas = ("0.05", "0.2", "0.45", "0.55")
    key = "2"

    def build(self, spec: ProblemSpec) -> Problem:
        from solvers.problems.objectives.book import VectorQuadratic
        from solvers.problems.problem import QuadraticProblem

        return QuadraticProblem(spec, VectorQuadratic())

    def script(self, spec: ProblemSpec) -> ScriptTemplate:
        return ScriptTemplate(
            f"{spec.heading}: {spec.title}\n{spec.formula}",
            spec.param_names,
            (),
            (ScriptParam("x", (1, 2)),),
            ("y = torch.mm(x, x.t())+4*x[0,0]+5*x[0,1]+3",),
            "y",
            None,
        )


CHAPTER = VectorChapter()
