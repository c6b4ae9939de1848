"""The exact facts of a least-squares loss f(θ) = Σ (Aθ − t)² / 2, from A's SVD in float64.

The loss is a sum of squares, so it is bounded below and always has a minimum. Its
Hessian is AᵀA, whose eigenvalues are the squares of A's singular values (zeros
where A has fewer rows than columns). Deciding rank on A's singular values (relative
tolerance :func:`solvers.core.facts.rank_cut`) rather than on AᵀA's eigenvalues keeps
the squaring's loss of digits out of the decision: a
raw data file whose AᵀA has κ ≈ 1e13 still has full column rank and one minimum.

* full column rank: the unique minimum (``torch.linalg.lstsq``), plain descent stable
  for η < 2/λmax everywhere;
* otherwise: a valley of minima (x⁺ + the null space of A); plain descent from the
  start converges, for η < 2/λmax, to the valley's point nearest the start, x⁺ plus
  the start's component in that null space (its steps lie in A's row space).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import torch
from torch import Tensor

from solvers.core.facts import BoundReason, Curvature, Facts, Shape, rank_cut
from solvers.problems.quadratic import at_point


def least_squares_facts(
    design: Tensor, target: Tensor, start: Tensor, value: Callable[[Tensor], Tensor]
) -> Facts:
    """The facts of Σ (design·θ − target)² / 2 (float64 ``design`` (rows, p), ``target``
    (rows,)), from ``start``; ``value`` evaluates the loss at a flat θ."""
    if not (bool(torch.isfinite(design).all()) and bool(torch.isfinite(target).all())):
        return Facts(None, None, BoundReason.UNKNOWN)
    rows, p = design.shape
    _, singular, right = torch.linalg.svd(design, full_matrices=False)
    rank = int((singular > rank_cut(float(singular[0]), rows, p)).sum())
    squares = [float(s) ** 2 for s in singular[:rank]]
    spectrum = tuple(sorted([0.0] * (p - rank) + squares))
    lam_max = spectrum[-1]
    stable = 2.0 / lam_max if lam_max > 0 else None
    full = rank == p
    known = Facts(
        None,
        stable,
        BoundReason.LEAST_SQUARES if stable is not None else BoundReason.UNKNOWN,
        eigenvalues=(spectrum[0], lam_max),
        curvature=Curvature.POSITIVE if full else Curvature.FLAT,
        spectrum=spectrum,
        rows=rows,
        batch_curvature=rows * float((design**2).sum(dim=1).max()),
    )
    column = target.reshape(-1, 1)
    if full:
        solution = torch.linalg.lstsq(design, column).solution.reshape(-1)
        optimum = at_point(solution, value, "least squares")
        return replace(known, shape=Shape.MINIMUM, optimum=optimum)
    kept = right[:rank]  # A's row space; x⁺ = A⁺t lies in it
    shortest = (torch.linalg.pinv(design) @ column).reshape(-1)
    nearest = shortest + start - kept.T @ (kept @ start)
    valley = at_point(nearest, value, "the valley's point nearest the start")
    return replace(known, shape=Shape.VALLEY, valley=valley)
