"""The book's three problems as torch objectives, with their facts computed.

Each objective is a small ``torch.nn.Module`` whose ``forward(params)`` returns
``(objective, predictions)`` written exactly as the book writes it, so autograd
sees the same graph and gdlab's float32 trajectory matches the book's printed
digits. The modules are TorchScript-compatible: :mod:`solvers.descent` scripts
them to run chunks of iterations without the GIL.

The true optimum and the stable step-size bound are computed from the objective
itself (float64 Hessian, ``torch.linalg``), never typed in.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch
from torch import Tensor

from solvers.chapters import CHAPTERS, ChapterSpec

DTYPE = torch.float32
"""The book computes in float32; so does every run."""

BOOK_X = ((1.1, 4.6, 8.9), (2.3, 5.7, 10.1))
"""Chapter 3's three samples, one per column, as the book gives them."""
BOOK_Y_TARGET = (13.5700, 38.7000, 70.5100)
"""Chapter 3's targets, as the book prints them."""


class Objective(torch.nn.Module):
    """Base for objectives: ``forward(params) -> (objective, predictions)``.

    ``objective`` has one element; ``predictions`` is whatever the model outputs
    (empty where there is no model). Data lives in buffers so ``.to(device)`` and
    ``.double()`` carry it along.
    """

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        raise NotImplementedError


class HalfSquareDistance(Objective):
    """Chapter 1: y = (x - 2)² / 2 on a 1x1 tensor."""

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        x = params[0]
        y = (x - 2) ** 2 / 2
        return y, x.new_empty(0)


class VectorQuadratic(Objective):
    """Chapter 2: y = x·xᵀ + 4x₀ + 5x₁ + 3 on a 1x2 tensor."""

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        x = params[0]
        y = torch.mm(x, x.t()) + 4 * x[0, 0] + 5 * x[0, 1] + 3
        return y, x.new_empty(0)


class LinearRegression(Objective):
    """Chapter 3: y = w·x + b, objective Σ (y - y_target)² / 2 over the samples."""

    def __init__(self, x: Tensor, y_target: Tensor) -> None:
        super().__init__()
        self.register_buffer("x", x)
        self.register_buffer("y_target", y_target)
        self.x: Tensor
        self.y_target: Tensor

    def predict(self, params: list[Tensor]) -> Tensor:
        """The model's outputs for every sample, shape (1, samples)."""
        return torch.mm(params[0], self.x) + params[1]

    def sample_losses(self, y: Tensor) -> Tensor:
        """Each sample's loss, (y - y_target)² / 2."""
        return (y - self.y_target) ** 2 / 2

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        y = self.predict(params)
        return torch.sum(self.sample_losses(y)), y


@dataclass(frozen=True)
class Optimum:
    """A problem's exact minimiser and minimum, computed in float64."""

    params: tuple[float, ...]
    value: float


class Problem:
    """One chapter's objective with its book defaults and computed facts."""

    def __init__(self, spec: ChapterSpec, objective: Objective) -> None:
        self.spec = spec
        self.objective = objective

    def start_values(self, start: tuple[float, ...] | None, seed: int) -> tuple[float, ...]:
        """The start as the book makes it: given, the book's own, or a normal(0, 0.01) draw.

        The draw uses numpy's legacy generator, as the book's ``np.random.normal``
        does, so a seed reproduces a run exactly.
        """
        if start is not None:
            if len(start) != self.spec.n_params:
                raise ValueError(f"start needs {self.spec.n_params} values, got {len(start)}")
            return tuple(float(v) for v in start)
        if self.spec.book_start is not None:
            return self.spec.book_start
        draw = np.random.RandomState(seed).normal(0, 0.01, self.spec.n_params)
        return tuple(float(v) for v in draw)

    def make_params(
        self, values: tuple[float, ...], device: torch.device, dtype: torch.dtype = DTYPE
    ) -> list[Tensor]:
        """Leaf tensors shaped as the book declares them, requiring grad."""
        flat = torch.tensor(values, dtype=torch.float64)
        params = []
        offset = 0
        for shape in self.spec.param_shapes:
            size = int(np.prod(shape))
            chunk = flat[offset : offset + size].reshape(shape).to(dtype=dtype, device=device)
            params.append(chunk.clone().requires_grad_(True))
            offset += size
        return params

    def objective_on(self, device: torch.device, dtype: torch.dtype = DTYPE) -> Objective:
        """A copy of the objective whose data lives on ``device`` in ``dtype``."""
        return copy.deepcopy(self.objective).to(device=device, dtype=dtype)

    def _flat_objective64(self) -> tuple[Objective, int]:
        return self.objective_on(torch.device("cpu"), torch.float64), self.spec.n_params

    def hessian(self) -> Tensor:
        """Hessian of the objective w.r.t. all scalar parameters, float64, at the origin.

        The book's problems are quadratic, so this is their Hessian everywhere.
        """
        objective, n = self._flat_objective64()

        def f(flat: Tensor) -> Tensor:
            value: Tensor = objective(self._unflatten(flat))[0].sum()
            return value

        hessian = torch.autograd.functional.hessian  # untyped in torch
        hess = hessian(f, torch.zeros(n, dtype=torch.float64))  # type: ignore[no-untyped-call]
        assert isinstance(hess, Tensor)
        return hess

    def _unflatten(self, flat: Tensor) -> list[Tensor]:
        params = []
        offset = 0
        for shape in self.spec.param_shapes:
            size = int(np.prod(shape))
            params.append(flat[offset : offset + size].reshape(shape))
            offset += size
        return params

    @cached_property
    def stable_eta(self) -> float:
        """Plain gradient descent on a quadratic converges iff η < 2 / λmax(Hessian)."""
        lam_max = float(torch.linalg.eigvalsh(self.hessian()).max())
        return 2.0 / lam_max

    @cached_property
    def optimum(self) -> Optimum:
        """Exact minimiser of the quadratic: one Newton step from the origin."""
        objective, n = self._flat_objective64()
        origin = torch.zeros(n, dtype=torch.float64, requires_grad=True)
        value = objective(self._unflatten(origin))[0].sum()
        (grad,) = torch.autograd.grad(value, origin)
        solution = -torch.linalg.solve(self.hessian(), grad)
        return self._optimum_at(solution)

    def _optimum_at(self, solution: Tensor) -> Optimum:
        objective, _ = self._flat_objective64()
        with torch.no_grad():
            value = float(objective(self._unflatten(solution))[0].sum())
        return Optimum(tuple(float(v) for v in solution), value)

    def gap(self, values: np.ndarray) -> np.ndarray:
        """How far objective values are above the minimum, |f - f*|, in float64."""
        return np.abs(np.asarray(values, dtype=np.float64) - self.optimum.value)

    def distance_to_optimum(self, params: np.ndarray) -> np.ndarray:
        """Euclidean distance of each parameter row (..., n_params) to the optimum."""
        target = np.asarray(self.optimum.params, dtype=np.float64)
        return np.asarray(np.linalg.norm(params.astype(np.float64) - target, axis=-1))


class RegressionProblem(Problem):
    """Chapter 3, whose optimum is the least-squares solution of its samples."""

    objective: LinearRegression

    @cached_property
    def optimum(self) -> Optimum:
        """Least squares on [xᵀ 1] with torch.linalg; three samples fit exactly."""
        x = self.objective.x.to(torch.float64)
        design = torch.cat([x.t(), torch.ones(x.shape[1], 1, dtype=torch.float64)], dim=1)
        target = self.objective.y_target.to(torch.float64).reshape(-1, 1)
        solution = torch.linalg.lstsq(design, target).solution.reshape(-1)
        return self._optimum_at(solution)


def make_problem(chapter: int) -> Problem:
    """Build chapter ``chapter``'s problem (1, 2 or 3)."""
    spec = CHAPTERS[chapter]
    if chapter == 1:
        return Problem(spec, HalfSquareDistance())
    if chapter == 2:
        return Problem(spec, VectorQuadratic())
    x = torch.tensor(BOOK_X, dtype=DTYPE)
    y_target = torch.tensor(BOOK_Y_TARGET, dtype=DTYPE)
    return RegressionProblem(spec, LinearRegression(x, y_target))
