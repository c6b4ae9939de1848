"""Chapter 3: linear regression on the book's three samples, y = w·x + b."""

from __future__ import annotations

from typing import TYPE_CHECKING

from solvers.chapters.base import BookPrinter, Chapter, ScriptParam, ScriptTemplate
from solvers.core.specs import ProblemSpec

if TYPE_CHECKING:
    import numpy as np

    from solvers.problems.problem import Problem


class RegressionChapter(Chapter):
    """The book's last loop: w (1×2) and b fitted to three samples by least squares."""

    default = ProblemSpec(
        id="3",
        title="Linear regression on three samples",
        formula="loss = Σ (w·x + b - y_target)² / 2   over the book's 3 samples",
        param_names=("w0", "w1", "b"),
        param_shapes=((1, 2), (1,)),
        prediction_names=("y0", "y1", "y2"),
        eta=0.0001,
        iterations=30000,
        book_start=(0.001, 0.003, 0.005),
        heading="Chapter 3",
    )
    compare_etas = ("1e-4", "5e-4", "1e-3", "9e-3")
    key = "3"

    def build(self, spec: ProblemSpec) -> Problem:
        import torch

        from solvers.problems.objectives.book import book_regression
        from solvers.problems.problem import LeastSquaresProblem

        return LeastSquaresProblem(spec, book_regression(), book_regression(torch.float64))

    def script(self, spec: ProblemSpec) -> ScriptTemplate:
        # gdlab holds the book's samples as float32 values (a float64 run widens them):
        # the script does too, so that its rows are the run's
        data = (
            "x = torch.tensor([[1.1, 4.6, 8.9], [2.3, 5.7, 10.1]], dtype=torch.float32)"
            ".to(device{to_dtype})",
            "y_target = torch.tensor([13.5700, 38.7000, 70.5100], dtype=torch.float32)"
            ".to(device{to_dtype})",
        )
        params = (
            ScriptParam(
                "w", (1, 2), "torch.tensor([0.001, 0.003], dtype={dtype}).unsqueeze(dim=0)"
            ),
            ScriptParam("b", (1,), "torch.tensor([0.005], dtype={dtype})"),
        )
        forward = (
            "y = torch.mm(w, x) + b",
            "loss = (y - y_target) ** 2 / 2",
            "sum_err = torch.sum(loss)",
        )
        return ScriptTemplate(
            f"{spec.heading}: {spec.title}\n{spec.formula}",
            spec.param_names,
            spec.prediction_names,
            params,
            forward,
            "sum_err",
            "y",
            data,
        )

    def book_block(self, printer: BookPrinter, row: np.ndarray) -> str:
        """The book prints w, b, the predictions, the losses, their sum and w.grad."""
        import torch

        from solvers.problems.objectives.book import LinearRegression

        params = printer.params(row)
        objective = printer.problem.objective
        assert isinstance(objective, LinearRegression)
        w, b = params
        y = objective.predict(params)
        loss = objective.sample_losses(y)
        sum_err = torch.sum(loss)
        grad = torch.from_numpy(printer.grads(row)[: w.numel()].copy()).reshape(w.shape)
        return (
            f"{'-' * 20}\nw = {w!s}\nb = {b!s}\ny = {y!s}\nloss =  {loss!s}\n"
            f"sum_err =  {sum_err!s}\nw.grad= {grad!s}\n"
        )


CHAPTER = RegressionChapter()
