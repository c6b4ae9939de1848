"""Whether a run ended on a stationary point that is not a minimum (torch, float64).

Where ‖∇f‖ ≤ CONVERGED at the last recorded point, the Hessian there, in float64,
decides: a negative eigenvalue means a maximum or a saddle (the second-order
necessary condition for a minimum fails), so "converged" would be false. A
Hessian without a negative eigenvalue says nothing against a minimum, and
nothing is claimed.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from solvers.core.facts import Curvature, curvature_of
from solvers.problems.problem import Problem
from solvers.run.history import Layout
from solvers.run.measures import grad_norm
from solvers.run.members import CONVERGED
from solvers.run.settings import Stationary


def stationary_at(problem: Problem, point: tuple[float, ...]) -> Stationary | None:
    """The stationary point that is not a minimum ``point`` is, or None where it is
    not stationary (‖∇f‖ > CONVERGED) or not shown to be other than a minimum."""
    flat = torch.tensor(point, dtype=torch.float64, requires_grad=True)
    value = problem.value64()(flat)
    (grad,) = torch.autograd.grad(value, flat)
    norm = float(grad.norm())
    if not norm <= CONVERGED:
        return None
    hess = problem.hessian(point)
    if not bool(torch.isfinite(hess).all()):
        return None
    eigenvalues = tuple(float(v) for v in torch.linalg.eigvalsh(hess))
    if not all(math.isfinite(v) for v in eigenvalues):
        return None
    if curvature_of(eigenvalues) not in (Curvature.INDEFINITE, Curvature.NEGATIVE):
        return None  # no negative eigenvalue (relative to the largest): nothing to claim
    return Stationary(norm, eigenvalues)


NEAR = 1e3
"""Rows whose recorded ‖∇f‖ is above NEAR × CONVERGED are not looked at in float64."""


def stationary_end(problem: Problem, rows: np.ndarray, layout: Layout) -> Stationary | None:
    """:func:`stationary_at` the last recorded row's parameters (None without rows, and
    at once where the row's own ‖∇f‖ is far from 0; and for rows of norms, which hold
    no parameters: nothing is claimed there)."""
    if (
        layout.norms
        or len(rows) == 0
        or not float(grad_norm(rows[-1, layout.grads])) <= NEAR * CONVERGED
    ):
        return None
    last = np.asarray(rows[-1, layout.params], dtype=np.float64)
    if not np.isfinite(last).all():
        return None
    return stationary_at(problem, tuple(float(v) for v in last))
