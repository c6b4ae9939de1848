"""Problems: a spec, a torch objective, and the facts computed from the objective.

A problem is built by its chapter (solvers/chapters/), once per spec
(:func:`solvers.chapters.registry.problem_for`). Its facts (the true optimum, the
stable-η bound, the shape and where each comes from) are computed from the
objective itself in float64 with ``torch.linalg``, never typed in: exact and global
for a quadratic (:mod:`solvers.problems.quadratic`), from the start's Hessian for
anything else (:mod:`solvers.problems.local_facts`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cached_property
from math import prod

import numpy as np
import torch
from torch import Tensor

from solvers.core.expression_tree import Expression
from solvers.core.facts import Facts
from solvers.core.specs import ProblemSpec
from solvers.problems.fit_points import FitPoints
from solvers.problems.least_squares import least_squares_facts
from solvers.problems.local_facts import gradient_at, hessian_at, local_facts
from solvers.problems.objectives.book import LinearRegression
from solvers.problems.objectives.expression import ExpressionObjective
from solvers.problems.quadratic import quadratic_facts

DTYPE = torch.float32
"""The book computes in float32; so does every run."""


class Problem:
    """An objective with its spec; facts from the Hessian at the start (local)."""

    threads: int | None = None
    """torch's intra-op threads for its runs (None: as the process has them)."""

    def __init__(self, spec: ProblemSpec, objective: torch.nn.Module) -> None:
        self.spec = spec
        self.objective = objective

    def start_values(self, start: tuple[float, ...] | None, seed: int) -> tuple[float, ...]:
        """The start: given, the spec's own, or a normal(0, 0.01) draw as the book makes it.

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
        """Leaf tensors shaped as the spec declares them, requiring grad."""
        flat = torch.tensor(values, dtype=torch.float64)
        return [
            part.to(dtype=dtype, device=device).clone().requires_grad_(True)
            for part in self._unflatten(flat)
        ]

    def fit_points(self, params: list[Tensor], iteration: int) -> FitPoints | None:
        """The model's fit to its data with ``params``, for a plot; None (the default)
        where the problem has no model to plot against its data."""
        return None

    def objective_on(self, device: torch.device, dtype: torch.dtype = DTYPE) -> torch.nn.Module:
        """A copy of the objective whose data lives on ``device`` in ``dtype``."""
        return copy.deepcopy(self.objective).to(device=device, dtype=dtype)

    def _unflatten(self, flat: Tensor) -> list[Tensor]:
        params = []
        offset = 0
        for shape in self.spec.param_shapes:
            size = prod(shape)
            params.append(flat[offset : offset + size].reshape(shape))
            offset += size
        return params

    def value64(self) -> Callable[[Tensor], Tensor]:
        """The objective as a function of one flat float64 vector of all parameters."""
        objective = self.objective_on(torch.device("cpu"), torch.float64)

        def f(flat: Tensor) -> Tensor:
            value: Tensor = objective(self._unflatten(flat))[0].sum()
            return value

        return f

    def hessian(self, at: tuple[float, ...] | None = None) -> Tensor:
        """Hessian w.r.t. all scalar parameters, float64, at ``at`` (default: the origin)."""
        return hessian_at(self.value64(), self._point(at))

    def _point(self, at: tuple[float, ...] | None) -> Tensor:
        if at is None:
            return torch.zeros(self.spec.n_params, dtype=torch.float64)
        return torch.tensor(at, dtype=torch.float64)

    def facts_at(self, start: tuple[float, ...]) -> Facts:
        """What is known, given the start: by default only what the start's Hessian says."""
        return local_facts(self.value64(), self._point(start))

    @cached_property
    def _quadratic_terms(self) -> tuple[Tensor, Tensor]:
        """H and b = ∇f(0), for a quadratic: the same whatever the start, so computed once."""
        value, origin = self.value64(), self._point(None)
        return hessian_at(value, origin), gradient_at(value, origin)

    def _quadratic_facts(self, start: Tensor) -> Facts:
        """A quadratic's exact facts from H and b (solvers/problems/quadratic.py), from
        ``start``."""
        hessian, gradient = self._quadratic_terms
        return quadratic_facts(hessian, gradient, start, self.value64())

    @cached_property
    def facts(self) -> Facts:
        """Facts that do not depend on the start (the book's chapters: all of them)."""
        return self.facts_at(tuple(0.0 for _ in range(self.spec.n_params)))


class QuadraticProblem(Problem):
    """A quadratic: its Hessian is constant, so its facts are exact and global."""

    def facts_at(self, start: tuple[float, ...]) -> Facts:
        return self._quadratic_facts(self._point(start))

    @cached_property
    def facts(self) -> Facts:
        """The Hessian and b = ∇f(0) decide the shape; one Newton step reaches a minimum."""
        return self._quadratic_facts(self._point(None))


class LeastSquaresProblem(QuadraticProblem):
    """Linear regression: the optimum is the least-squares solution of its samples.

    The facts are those of the samples as typed, in float64 (``exact``): the book's
    three samples fit w = (3.1, 4.2), b = 0.5 exactly. Runs use ``objective`` (float32
    values, as the book computes).
    """

    objective: LinearRegression

    def __init__(
        self, spec: ProblemSpec, objective: LinearRegression, exact: LinearRegression
    ) -> None:
        super().__init__(spec, objective)
        self.exact = exact.to(dtype=torch.float64)

    def _exact_value(self) -> Callable[[Tensor], Tensor]:
        def f(flat: Tensor) -> Tensor:
            value: Tensor = self.exact(self._unflatten(flat))[0].sum()
            return value

        return f

    def _quadratic_facts(self, start: Tensor) -> Facts:
        """Least squares on [xᵀ 1] from its SVD (solvers/problems/least_squares.py)."""
        x, target = self.exact.x, self.exact.y_target.reshape(-1)
        design = torch.cat([x.t(), torch.ones(x.shape[1], 1, dtype=torch.float64)], dim=1)
        return least_squares_facts(design, target, start, self._exact_value())


class ExpressionProblem(Problem):
    """A user's expression: exact global facts if it is a quadratic, else local ones.

    Quadratic or not is read from the expression tree (:mod:`solvers.core.degree`), never
    from Hessian samples: two samples of x² + sin(2πx) agree.
    """

    KEPT_STARTS = 16
    """Local facts are kept for this many starts (a search for a local minimum takes up to
    a few tenths of a second; every run from the same start asks again)."""

    def __init__(
        self,
        spec: ProblemSpec,
        objective: torch.nn.Module,
        expression: Expression,
        quadratic: bool,
    ) -> None:
        super().__init__(spec, objective)
        self.expression = expression
        """The parsed expression (the graph view draws its operations)."""
        self.quadratic = quadratic
        self.eager_objective = ExpressionObjective(expression, spec.n_params)
        """The same operations, eager: the graph view draws them one by one."""
        self._local: dict[tuple[float, ...], Facts] = {}

    def facts_at(self, start: tuple[float, ...]) -> Facts:
        if not self.quadratic:
            key = tuple(float(v) for v in start)
            if key not in self._local:
                if len(self._local) >= self.KEPT_STARTS:
                    self._local.pop(next(iter(self._local)), None)
                self._local[key] = super().facts_at(key)
            return self._local[key]
        return self._quadratic_facts(self._point(start))

    @cached_property
    def facts(self) -> Facts:
        """The facts at the spec's start (the one the screen opens with)."""
        start = self.spec.book_start or tuple(0.0 for _ in range(self.spec.n_params))
        return self.facts_at(start)
