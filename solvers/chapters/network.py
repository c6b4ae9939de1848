"""Chapter 4: a first network. A multilayer perceptron (``--hidden 32,32
--activation tanh``) fitted by mean squared error to sin on [−π, π] (256 points,
``torch.linspace(-π, π, 256)``), or to a learner's CSV file with chapter 3's file
handling (``--data FILE --target COL [--features …] [--standardize]``).

Nothing is known of its loss's minimum or of a stable η (facts: unknown). Its rows
record the loss and norms only (``norms_only``): ‖∇f‖, each tensor's gradient and
weight norms. Its runs use Adam (η 0.005, 1,000 iterations) unless told otherwise;
``--optimizer plain`` is the same network under the book's plain descent.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from itertools import pairwise
from typing import TYPE_CHECKING

from solvers.chapters.base import ON, BookPrinter, Chapter, ChapterInput, ModelScript, number
from solvers.chapters.regression import CHAPTER as REGRESSION
from solvers.chapters.regression import DATA_INPUTS, data_of, file_lines, typed_data
from solvers.core.specs import ProblemSpec
from solvers.core.validation import SettingError

if TYPE_CHECKING:
    import numpy as np
    from torch import Tensor

    from solvers.core.regression_data import RegressionData
    from solvers.problems.problem import Problem

ACTIVATIONS = ("tanh", "relu", "sigmoid")
"""The activations offered (solvers/problems/objectives/network.py applies them)."""
MAX_PARAMETERS = 1_000_000
MAX_WIDTH = 100_000
DEFAULT_HIDDEN = (32, 32)
SIN_POINTS = 256
DRAWN = (
    "torch.nn's default init (nn.Linear: uniform ±1/√fan_in) after torch.manual_seed(seed), "
    "reproducible with a seed"
)


def parse_hidden(text: str) -> tuple[int, ...]:
    """Hidden widths, comma-separated, each a whole number ≥ 1 (empty: 32,32).

    A width is ASCII digits only: ``str.isdigit`` also passes "²" and "٣", which
    ``int`` refuses or reads as another script's digit.
    """
    parts = [part.strip() for part in text.split(",")] if text.strip() else []
    if not parts:
        return DEFAULT_HIDDEN
    widths: list[int] = []
    for part in parts:
        if not (part.isascii() and part.isdigit()):
            shown = part if len(part) <= 12 else part[:12] + "…"
            raise SettingError(
                "hidden", f"{shown!r} is not a width; give whole numbers ≥ 1, e.g. 32,32"
            )
        width = int(part)
        if width == 0:
            raise SettingError("hidden", "a width of 0 has no units; each hidden width is ≥ 1")
        if width > MAX_WIDTH:
            raise SettingError("hidden", f"{width:,} is wider than {MAX_WIDTH:,}")
        widths.append(width)
    return tuple(widths)


def parameter_count(sizes: tuple[int, ...]) -> int:
    """Weights and biases of Linear layers of these sizes."""
    return sum(a * b + b for a, b in pairwise(sizes))


def check_sizes(sizes: tuple[int, ...]) -> None:
    """Refuse a network of more than MAX_PARAMETERS parameters (a SettingError, hidden)."""
    count = parameter_count(sizes)
    if count > MAX_PARAMETERS:
        shape = "-".join(map(str, sizes))
        raise SettingError(
            "hidden", f"{shape} has {count:,} parameters; at most {MAX_PARAMETERS:,}"
        )


def parse_activation(text: str) -> str:
    """One of ACTIVATIONS (empty: tanh)."""
    name = text.strip().lower() or ACTIVATIONS[0]
    if name not in ACTIVATIONS:
        shown = text.strip() if len(text.strip()) <= 12 else text.strip()[:12] + "…"
        raise SettingError(
            "activation", f"{shown!r} is not offered; expected {', '.join(ACTIVATIONS)}"
        )
    return name


def _hidden_problem(text: str, width: int) -> str:
    try:
        check_sizes((1, *parse_hidden(text), 1))
    except SettingError as error:
        return error.reason
    return ""


def _activation_problem(text: str, width: int) -> str:
    try:
        parse_activation(text)
    except SettingError as error:
        return error.reason
    return ""


def network_spec(
    sizes: tuple[int, ...],
    activation: str,
    data: RegressionData | None,
    eta: float | None = None,
    iterations: int | None = None,
) -> ProblemSpec:
    """The network of layer ``sizes`` with ``activation`` on ``data`` (None: sin)."""
    tensors: list[str] = []
    shapes: list[tuple[int, ...]] = []
    for k in range(len(sizes) - 1):
        tensors += [f"W{k + 1}", f"b{k + 1}"]
        shapes += [(sizes[k + 1], sizes[k]), (sizes[k + 1],)]
    names = tuple(
        f"{t}[{i}]"
        for t, shape in zip(tensors, shapes, strict=True)
        for i in range(math.prod(shape))
    )
    shape = "-".join(map(str, sizes))
    if data is None:
        title = "A first network: sin on [−π, π]"
        fitted = f"sin(x) at {SIN_POINTS} points of [−π, π]"
        inputs: tuple[tuple[str, str], ...] = ()
    else:
        base = os.path.basename(data.path)
        title = f"A first network on {base}"
        fitted = f"{data.target} over the {data.rows:,} rows of {base}"
        if data.standardized:
            fitted += ", features standardized"
        inputs = (
            ("data", data.path),
            ("target", data.target),
            ("features", ",".join(data.features)),
            ("standardize", ON if data.standardized else ""),
        )
    return ProblemSpec(
        id="4",
        title=title,
        formula=f"loss = mean (net(x) − y)²   net: {shape} perceptron, {activation};  y = {fitted}",
        param_names=names,
        param_shapes=tuple(shapes),
        prediction_names=(),
        eta=0.005 if eta is None else eta,
        iterations=1000 if iterations is None else iterations,
        book_start=None,
        heading="Chapter 4",
        inputs=(
            ("hidden", ",".join(map(str, sizes[1:-1]))),
            ("activation", activation),
            *inputs,
        ),
        param_tensors=tuple(tensors),
        drawn_start=DRAWN,
        optimizer="adam",
        norms_only=True,
    )


class NetworkChapter(Chapter):
    """A perceptron fitted to sin, or to a file's rows; facts unknown."""

    default = network_spec((1, *DEFAULT_HIDDEN, 1), "tanh", None)
    key = "4"
    data_rows = True
    batch_loss = "batch mean"
    script_exact_when_compiled = False  # TorchScript differentiates linear/tanh its own way
    inputs = (
        ChapterInput(
            "hidden",
            "hidden",
            "chapter 4: the hidden layers' widths, comma-separated (default 32,32)",
            _hidden_problem,
            placeholder="32,32",
        ),
        ChapterInput(
            "activation",
            "activation",
            f"chapter 4: the activation between layers: {', '.join(ACTIVATIONS)} (default tanh)",
            _activation_problem,
            placeholder="tanh",
        ),
        *REGRESSION.inputs,
    )

    @property
    def typed(self) -> bool:
        return True

    @property
    def file_part(self) -> str:
        return "chapter4"

    def spec(
        self,
        values: Mapping[str, str],
        start: tuple[float, ...] | None = None,
        eta: float | None = None,
        iterations: int | None = None,
    ) -> ProblemSpec:
        hidden = parse_hidden(values.get("hidden", ""))
        activation = parse_activation(values.get("activation", ""))
        data = typed_data(values)
        sizes = (1 if data is None else len(data.features), *hidden, 1)
        check_sizes(sizes)
        spec = network_spec(sizes, activation, data, eta, iterations)
        if start is not None and len(start) != spec.n_params:
            raise SettingError(
                "init", f"has {len(start)} values; this network has {spec.n_params:,} parameters"
            )
        return spec

    def values(self, spec: ProblemSpec) -> dict[str, str]:
        names = ("hidden", "activation", "data", *DATA_INPUTS)
        return {name: spec.input(name) or "" for name in names}

    def build(self, spec: ProblemSpec) -> Problem:
        from solvers.problems.network import NetworkProblem
        from solvers.problems.objectives.network import Network

        x, y = _data(spec)
        sizes = _sizes(spec)
        objective = Network(x, y, len(sizes) - 1, spec.input("activation") or "tanh")
        features = spec.input("features") or "x"
        scaled = spec.input("standardize") == ON  # the run's inputs are z-scores, not the file's
        x_name = f"{features} (z-score)" if scaled else features
        return NetworkProblem(spec, objective, sizes, x_name)

    def notes(self, problem: Problem, eta: float | None = None) -> tuple[str, ...]:
        return (
            "a network's loss is not a quadratic: no minimum or stable η is known, so none "
            "is claimed; the status shows the loss and ‖∇f‖ (a minibatch run's: the last "
            "batch's, ‖∇f_batch‖)",
        )

    def summary(self, problem: Problem, params: np.ndarray, eta: float) -> tuple[str, ...]:
        return ("optimum unknown (a network's loss): no minimum or stable η is claimed",)

    def book_block(self, printer: BookPrinter, row: np.ndarray) -> str:
        """The loss, as ``print('loss=', loss.item())`` shows it."""
        return f"loss= {number(float(row[0]))}\n"

    def model_script(self, spec: ProblemSpec) -> ModelScript | None:
        sizes = _sizes(spec)
        activation = spec.input("activation") or "tanh"
        from solvers.problems.objectives.network import ACTIVATIONS as MODULES

        layers: list[str] = []
        for i in range(len(sizes) - 1):
            layers.append(f"torch.nn.Linear({sizes[i]}, {sizes[i + 1]})")
            if i < len(sizes) - 2:
                layers.append(f"torch.nn.{MODULES[activation]}()")
        data = data_of(spec)
        rows = SIN_POINTS if data is None else data.rows
        if data is None:
            lines: tuple[str, ...] = (
                f"x = torch.linspace(-math.pi, math.pi, {SIN_POINTS}, dtype=torch.float32)"
                ".unsqueeze(1)",
                "y = torch.sin(x)",
                "x, y = x.to(device{to_dtype}), y.to(device{to_dtype})",
            )
        else:
            lines = (
                *file_lines(data),
                "x = x.t().contiguous()  # rows × features, as torch.nn.Linear takes them",
                "y = y_target.unsqueeze(1)",
            )
        heading = f"{spec.heading}: {spec.title}\n{spec.formula}"
        return ModelScript(heading, lines, tuple(layers), rows)


def _sizes(spec: ProblemSpec) -> tuple[int, ...]:
    """The layer sizes of a network spec, read from its weights' shapes."""
    weights = spec.param_shapes[::2]
    return (weights[0][1], *(shape[0] for shape in weights))


def _data(spec: ProblemSpec) -> tuple[Tensor, Tensor]:
    """x (samples × features) and y (samples × 1), float32, as the script makes them."""
    import torch

    data = data_of(spec)
    if data is None:
        x = torch.linspace(-math.pi, math.pi, SIN_POINTS, dtype=torch.float32).unsqueeze(1)
        return x, torch.sin(x)
    x = torch.from_numpy(data.x).to(torch.float32).t().contiguous()
    y = torch.from_numpy(data.y.copy()).to(torch.float32).unsqueeze(1)
    return x, y


CHAPTER = NetworkChapter()
