"""Problems: a spec, a torch objective, and the facts computed from the objective.

A problem is built from its registry id (:func:`make_problem`). Its facts (the
true optimum, the stable-η bound and where each comes from) are computed from
the objective itself in float64 with ``torch.linalg``, never typed in; a
problem kind that cannot know them says so (:data:`solvers.facts.UNKNOWN`).
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from functools import cached_property
from math import prod

import numpy as np
import torch
from torch import Tensor

from solvers.expression import parse
from solvers.facts import BoundReason, Facts, Optimum
from solvers.objectives.book import (
    HalfSquareDistance,
    LinearRegression,
    VectorQuadratic,
    book_regression,
)
from solvers.objectives.expression import make_expression_objective
from solvers.specs import ProblemSpec, spec_of

DTYPE = torch.float32
"""The book computes in float32; so does every run."""


class Problem:
    """An objective with its spec; facts from the Hessian at the start (local)."""

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
        point = torch.zeros(self.spec.n_params, dtype=torch.float64)
        if at is not None:
            point = torch.tensor(at, dtype=torch.float64)
        hessian = torch.autograd.functional.hessian  # untyped in torch
        hess = hessian(self.value64(), point)  # type: ignore[no-untyped-call]
        assert isinstance(hess, Tensor)
        return hess

    def _bound(self, hess: Tensor, reason: BoundReason) -> Facts:
        """The stable-η bound 2/λmax of ``hess``, without an optimum."""
        eigenvalues = torch.linalg.eigvalsh(hess)
        lam_min, lam_max = float(eigenvalues.min()), float(eigenvalues.max())
        stable = 2.0 / lam_max if lam_max > 0 else None
        return Facts(None, stable, reason if stable else BoundReason.UNKNOWN, (lam_min, lam_max))

    def _optimum_at(self, solution: Tensor, how: str) -> Optimum:
        with torch.no_grad():
            value = float(self.value64()(solution))
        return Optimum(tuple(float(v) for v in solution), value, how)

    def facts_at(self, start: tuple[float, ...]) -> Facts:
        """What is known, given the start: by default the local bound at the start."""
        return self._bound(self.hessian(start), BoundReason.LOCAL)

    @cached_property
    def facts(self) -> Facts:
        """Facts that do not depend on the start (the book's chapters: all of them)."""
        return self.facts_at(tuple(0.0 for _ in range(self.spec.n_params)))


class QuadraticProblem(Problem):
    """A quadratic: its Hessian is constant, so the optimum and the bound are exact."""

    def facts_at(self, start: tuple[float, ...]) -> Facts:
        return self.facts

    @cached_property
    def facts(self) -> Facts:
        """One Newton step from the origin reaches the minimiser of a quadratic."""
        hess = self.hessian()
        origin = torch.zeros(self.spec.n_params, dtype=torch.float64, requires_grad=True)
        (grad,) = torch.autograd.grad(self.value64()(origin), origin)
        solution = -torch.linalg.solve(hess, grad)
        bound = self._bound(hess, BoundReason.QUADRATIC)
        optimum = self._optimum_at(solution, "Newton step")
        return Facts(optimum, bound.stable_eta, bound.bound, bound.eigenvalues)


class LeastSquaresProblem(QuadraticProblem):
    """Linear regression: the optimum is the least-squares solution of its samples."""

    objective: LinearRegression

    @cached_property
    def facts(self) -> Facts:
        """Least squares on [xᵀ 1] with torch.linalg; three samples fit exactly."""
        x = self.objective.x.to(torch.float64)
        design = torch.cat([x.t(), torch.ones(x.shape[1], 1, dtype=torch.float64)], dim=1)
        target = self.objective.y_target.to(torch.float64).reshape(-1, 1)
        solution = torch.linalg.lstsq(design, target).solution.reshape(-1)
        bound = self._bound(self.hessian(), BoundReason.LEAST_SQUARES)
        optimum = self._optimum_at(solution, "least squares")
        return Facts(optimum, bound.stable_eta, bound.bound, bound.eigenvalues)


class ExpressionProblem(Problem):
    """A user's expression: exact facts if it is a quadratic, else the local bound.

    A quadratic is recognised by its Hessian: the same at the start and at a second,
    unrelated point (to 1e-9 relative). Then the bound is global, and if the Hessian
    is positive definite one Newton step from the start lands on the minimum.
    """

    QUADRATIC_TOLERANCE = 1e-9

    def facts_at(self, start: tuple[float, ...]) -> Facts:
        hess = self.hessian(start)
        if not bool(torch.isfinite(hess).all()):
            return Facts(None, None, BoundReason.UNKNOWN)
        elsewhere = tuple(v + 0.5 + 0.37 * i for i, v in enumerate(start))
        other = self.hessian(elsewhere)
        scale = max(1.0, float(hess.abs().max()))
        quadratic = bool(torch.allclose(hess, other, rtol=0, atol=self.QUADRATIC_TOLERANCE * scale))
        if not quadratic:
            return self._bound(hess, BoundReason.LOCAL)
        bound = self._bound(hess, BoundReason.QUADRATIC)
        if bound.eigenvalues is None or bound.eigenvalues[0] <= 0:
            return bound  # no minimum: flat or unbounded below in some direction
        point = torch.tensor(start, dtype=torch.float64, requires_grad=True)
        (grad,) = torch.autograd.grad(self.value64()(point), point)
        solution = point.detach() - torch.linalg.solve(hess, grad)
        optimum = self._optimum_at(solution, "Newton step")
        return Facts(optimum, bound.stable_eta, bound.bound, bound.eigenvalues)

    @cached_property
    def facts(self) -> Facts:
        """The facts at the spec's start (the one the screen opens with)."""
        start = self.spec.book_start or tuple(0.0 for _ in range(self.spec.n_params))
        return self.facts_at(start)


def _expression_problem(spec: ProblemSpec) -> Problem:
    assert spec.expr is not None
    return ExpressionProblem(spec, make_expression_objective(parse(spec.expr), spec.n_params))


BUILDERS: dict[str, Callable[[ProblemSpec], Problem]] = {
    "1": lambda spec: QuadraticProblem(spec, HalfSquareDistance()),
    "2": lambda spec: QuadraticProblem(spec, VectorQuadratic()),
    "3": lambda spec: LeastSquaresProblem(spec, book_regression()),
    "custom": _expression_problem,
}
"""How to build each registered problem from its spec."""

_BUILT: dict[ProblemSpec, Problem] = {}
_BUILDING = threading.Lock()


def problem_for(spec: ProblemSpec) -> Problem:
    """The problem a spec describes, built once and reused (so are its compiled chunks)."""
    with _BUILDING:
        if spec not in _BUILT:
            if len(_BUILT) > 64:  # a session of many expressions: forget the oldest
                _BUILT.pop(next(iter(_BUILT)))
            _BUILT[spec] = BUILDERS[spec.id](spec)
        return _BUILT[spec]


def make_problem(problem_id: str) -> Problem:
    """Build the problem registered as ``problem_id`` ("1", "2", "3", "custom")."""
    spec = spec_of(problem_id)
    return BUILDERS[spec.id](spec)
