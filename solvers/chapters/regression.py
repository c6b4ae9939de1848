"""Chapter 3: linear regression, y = w·x + b, on the book's three samples or on a
learner's CSV file (``--data FILE --target COLUMN [--features A,B] [--standardize]``).

The objective is the book's on any rows: Σ (w·x + b − y)² / 2. On a file, the run
fits the features (z-scored where standardized: population σ) and what is reported
(the summary, the facts panel's notes) is in the data's own units.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from solvers.chapters.base import (
    ON,
    BookPrinter,
    Chapter,
    ChapterInput,
    ScriptParam,
    ScriptTemplate,
)
from solvers.core.specs import ProblemSpec, records_predictions
from solvers.core.validation import SettingError

if TYPE_CHECKING:
    import numpy as np

    from solvers.core.regression_data import RegressionData
    from solvers.problems.problem import Problem

DATA_INPUTS = ("target", "features", "standardize")
"""The inputs that mean something only with a data file."""


def typed_data(values: Mapping[str, str]) -> RegressionData | None:
    """The rows the data inputs name (a SettingError names a bad one); None without a
    file, where the other data inputs are refused."""
    from solvers.core.regression_data import regression_data

    path = values.get("data", "").strip()
    if not path:
        for name in DATA_INPUTS:
            if values.get(name, "").strip():
                raise SettingError(name, "is only for a data file: give --data FILE.csv")
        return None
    return regression_data(
        path,
        values.get("target", ""),
        values.get("features", ""),
        values.get("standardize", "") == ON,
    )


def data_of(spec: ProblemSpec) -> RegressionData | None:
    """The rows a spec fits (its file, read again if it changed), None for the book's."""
    return typed_data({name: spec.input(name) or "" for name in ("data", *DATA_INPUTS)})


def header_of(path: str) -> tuple[str, ...]:
    """The columns of the file at ``path``; none where it cannot be read (the field
    says why when a run is asked for)."""
    from solvers.core.csv_table import read_header

    if not path.strip():
        return ()
    try:
        return read_header(path.strip())
    except SettingError:
        return ()


def features_offered(values: Mapping[str, str]) -> tuple[str, ...]:
    """The columns a fit may take as features: the file's, less the chosen target."""
    target = values.get("target", "").strip()
    return tuple(column for column in header_of(values.get("data", "")) if column != target)


def _default_eta(data: RegressionData) -> float:
    """1/λmax of the run's Hessian, rounded down to one significant digit: half the
    stable bound 2/λmax, so the default run converges on every file."""
    high = data.curvature(data.standardized)[1]
    power = 10.0 ** math.floor(math.log10(1.0 / high))
    return math.floor(1.0 / high / power) * power


def data_spec(data: RegressionData, eta: float | None, iterations: int | None) -> ProblemSpec:
    """Chapter 3 on ``data``: w (1×F) and b, from zero."""
    count = len(data.features)
    rows = data.rows
    name = os.path.basename(data.path)
    scaled = ", features standardized" if data.standardized else ""
    return ProblemSpec(
        id="3",
        title=f"Linear regression on {name}",
        formula=f"loss = Σ (w·x + b - {data.target})² / 2   over the {rows:,} rows of {name}"
        f"{scaled}",
        param_names=(*(f"w{i}" for i in range(count)), "b"),
        param_shapes=((1, count), (1,)),
        prediction_names=tuple(f"y{i}" for i in range(rows)) if records_predictions(rows) else (),
        eta=_default_eta(data) if eta is None else eta,
        iterations=RegressionChapter.default.iterations if iterations is None else iterations,
        book_start=(0.0,) * (count + 1),
        heading="Chapter 3",
        inputs=(
            ("data", data.path),
            ("target", data.target),
            ("features", ",".join(data.features)),
            ("standardize", ON if data.standardized else ""),
        ),
        start_origin="zero:",
    )


class RegressionChapter(Chapter):
    """The book's last loop: w (1×2) and b fitted to three samples by least squares;
    or w (1×F) and b fitted to a file's rows."""

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
    data_rows = True
    batch_loss = "batch sum ×N/B"
    inputs = (
        ChapterInput(
            "data",
            "data",
            "chapter 3: a CSV file (a header row, then numbers) to fit instead of the book's "
            "samples",
            placeholder="CSV file (or none)",
        ),
        ChapterInput(
            "target",
            "target",
            "chapter 3 with --data: the column to predict",
            choices=lambda values: header_of(values.get("data", "")),
            placeholder="a column",
        ),
        ChapterInput(
            "features",
            "features",
            "chapter 3 with --data: the columns to predict it from, comma-separated "
            "(default: every other column)",
            choices=features_offered,
            placeholder="all the others",
            multiple=True,
        ),
        ChapterInput(
            "standardize",
            "z-score",
            "chapter 3 with --data: fit z-scored features (mean 0, population σ 1); "
            "weights and bias are reported in the data's units",
            switch=True,
        ),
    )

    @property
    def typed(self) -> bool:
        return True

    def spec(
        self,
        values: Mapping[str, str],
        start: tuple[float, ...] | None = None,
        eta: float | None = None,
        iterations: int | None = None,
    ) -> ProblemSpec:
        data = typed_data(values)
        if data is None:
            spec = self.default
        else:
            spec = data_spec(data, eta, iterations)
            if start is not None and len(start) != spec.n_params:
                raise SettingError(
                    "init", f"has {len(start)} values; this fit has {spec.n_params} parameters"
                )
        return spec

    def values(self, spec: ProblemSpec) -> dict[str, str]:
        return {name: spec.input(name) or "" for name in ("data", *DATA_INPUTS)}

    def build(self, spec: ProblemSpec) -> Problem:
        import torch

        from solvers.problems.objectives.book import LinearRegression, book_regression
        from solvers.problems.problem import LeastSquaresProblem

        data = data_of(spec)
        if data is None:
            return LeastSquaresProblem(spec, book_regression(), book_regression(torch.float64))
        x = torch.from_numpy(data.x)
        y = torch.from_numpy(data.y)
        # the run holds the rows in float32, as the book does; the facts use float64
        predicted = bool(spec.prediction_names)
        run = LinearRegression(x.to(torch.float32), y.to(torch.float32), predicted)
        return LeastSquaresProblem(spec, run, LinearRegression(x, y, predicted))

    def notes(self, problem: Problem, eta: float | None = None) -> tuple[str, ...]:
        """On a file: the least-squares fit in the data's units with its R², and κ raw
        and standardized with the bound for ``eta``."""
        from solvers.chapters.regression_notes import fit_lines

        data = data_of(problem.spec)
        return () if data is None else fit_lines(problem, data, eta)

    def summary(self, problem: Problem, params: np.ndarray, eta: float) -> tuple[str, ...]:
        """On a file: the descent's fit beside least squares, then the κ line."""
        from solvers.chapters.regression_notes import descent_lines

        data = data_of(problem.spec)
        return () if data is None else descent_lines(problem, data, params, eta)

    def script(self, spec: ProblemSpec) -> ScriptTemplate:
        data = data_of(spec)
        if data is not None:
            return _file_script(spec, data)
        # gdlab holds the book's samples as float32 values (a float64 run widens them):
        # the script does too, so that its rows are the run's
        samples = (
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
        return _template(spec, params, samples, BOOK_SAMPLES)

    def book_block(self, printer: BookPrinter, row: np.ndarray) -> str:
        """The book prints w, b, the predictions, the losses, their sum and w.grad; on
        a file of more than PREDICTION_LIMIT rows, w, b, the sum and w.grad only."""
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
        if not records_predictions(y.shape[-1]):
            return f"{'-' * 20}\nw = {w!s}\nb = {b!s}\nsum_err =  {sum_err!s}\nw.grad= {grad!s}\n"
        return (
            f"{'-' * 20}\nw = {w!s}\nb = {b!s}\ny = {y!s}\nloss =  {loss!s}\n"
            f"sum_err =  {sum_err!s}\nw.grad= {grad!s}\n"
        )


def _file_script(spec: ProblemSpec, data: RegressionData) -> ScriptTemplate:
    """The script on a file: its rows as :func:`file_lines` reads them, w and b from zero."""
    count = len(data.features)
    params = (
        ScriptParam("w", (1, count), f"torch.zeros(1, {count}, dtype={{dtype}})"),
        ScriptParam("b", (1,), "torch.zeros(1, dtype={dtype})"),
    )
    return _template(spec, params, file_lines(data), data.rows)


def file_lines(data: RegressionData) -> tuple[str, ...]:
    """A script's lines reading a file as gdlab reads it (float() of every value, blank
    lines skipped), the same columns, the same float64 standardizing, then float32 rows:
    ``x`` (features × rows) and ``y_target`` (rows)."""
    path = repr(os.path.abspath(data.path)).replace("{", "{{").replace("}", "}}")
    names = repr(list(data.features)).replace("{", "{{").replace("}", "}}")
    target = repr(data.target).replace("{", "{{").replace("}", "}}")
    lines = [
        "import numpy as np",
        "",
        f"# {os.path.basename(data.path)}: a header row, then rows of numbers (float64)",
        f'with open({path}, encoding="utf-8-sig") as stream:',
        "    rows = [line.split(',') for line in stream if line.strip()]",
        "header = [name.strip().strip('\"').strip() for name in rows[0]]",
        "table = np.array([[float(v) for v in row] for row in rows[1:]], dtype=np.float64)",
        f"raw = table[:, [header.index(name) for name in {names}]]",
    ]
    if data.standardized:
        lines += [
            "# each feature z-scored (population σ) in float64: the run fits these",
            "raw = (raw - raw.mean(axis=0)) / raw.std(axis=0)",
        ]
    lines += [
        "x = torch.from_numpy(np.ascontiguousarray(raw.T)).to(torch.float32).to(device{to_dtype})",
        f"y_target = torch.from_numpy(table[:, header.index({target})].copy())"
        ".to(torch.float32).to(device{to_dtype})",
    ]
    return tuple(lines)


BOOK_SAMPLES = 3
"""The book's samples (solvers/problems/objectives/book.py's BOOK_Y_TARGET, which imports
torch)."""


def _template(
    spec: ProblemSpec, params: tuple[ScriptParam, ...], data: tuple[str, ...], rows: int
) -> ScriptTemplate:
    """The book's model and loss over the samples ``data`` makes, as the book writes
    them: the book's three samples and a file's rows alike."""
    forward = (
        "y = torch.mm(w, x) + b",
        "loss = (y - y_target) ** 2 / 2",
        "sum_err = torch.sum(loss)",
    )
    on_rows = (
        "y = torch.mm(w, x) + b",
        "# the batch's rows only; their sum times N / B estimates the sum over every row",
        "y_batch = torch.mm(w, x.index_select(1, rows)) + b",
        "loss = (y_batch - y_target.index_select(0, rows)) ** 2 / 2",
        "batch_err = torch.sum(loss) * scale",
    )
    return ScriptTemplate(
        f"{spec.heading}: {spec.title}\n{spec.formula}",
        spec.param_names,
        spec.prediction_names,
        params,
        forward,
        "sum_err",
        "y" if spec.prediction_names else None,
        data,
        rows,
        on_rows,
        "batch_err",
    )


CHAPTER = RegressionChapter()
