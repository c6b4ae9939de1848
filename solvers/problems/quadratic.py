"""The exact facts of a quadratic f(x) = ½xᵀHx + bᵀx + c, from H and b in float64.

H's eigenvalues (``torch.linalg.eigh``, zero to FLAT_TOLERANCE relative) decide:

* every λ > 0: the unique minimum x* = −H⁻¹b (one Newton step), and plain descent is
  stable for η < 2/λmax everywhere;
* every λ ≥ 0, some 0: if b lies in H's range (RANGE_TOLERANCE) a valley of minima, whose
  point nearest the start is where plain descent from the start converges (its steps
  lie in H's range, so the flat directions never change), stable for η < 2/λmax; else
  f falls linearly along a flat direction, without bound, for every η;
* some λ < 0: no minimum; descent leaves along that direction and f is unbounded below
  (a saddle, or a maximum where every λ < 0; the stationary point is named where H is
  invertible).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import torch
from torch import Tensor

from solvers.core.facts import (
    FLAT_TOLERANCE,
    RANGE_TOLERANCE,
    BoundReason,
    Curvature,
    Facts,
    Optimum,
    Shape,
    curvature_of,
)


def quadratic_facts(
    hess: Tensor,
    linear: Tensor,
    start: Tensor,
    value: Callable[[Tensor], Tensor],
    reason: BoundReason = BoundReason.QUADRATIC,
    minimiser: Tensor | None = None,
    how: str = "Newton step",
) -> Facts:
    """The facts of the quadratic with Hessian ``hess`` and linear term ``linear`` (b, the
    gradient at the origin), all float64; ``value`` evaluates f; ``start`` is where a run
    begins (a valley's nearest point is measured from it). ``minimiser``, if given, is
    the minimum found another way (least squares), named by ``how``."""
    if not (bool(torch.isfinite(hess).all()) and bool(torch.isfinite(linear).all())):
        return Facts(None, None, BoundReason.UNKNOWN)
    hess = (hess + hess.T) / 2
    eigenvalues, vectors = torch.linalg.eigh(hess)
    spectrum = tuple(float(v) for v in eigenvalues)
    lam_min, lam_max = spectrum[0], spectrum[-1]
    curvature = curvature_of(spectrum)
    scale = max(abs(lam_min), abs(lam_max))
    flat = eigenvalues.abs() <= FLAT_TOLERANCE * scale
    known = Facts(
        None,
        None,
        BoundReason.UNKNOWN,
        eigenvalues=(lam_min, lam_max),
        curvature=curvature,
        spectrum=spectrum,
    )
    stable = 2.0 / lam_max if lam_max > FLAT_TOLERANCE * scale and lam_max > 0 else None
    if curvature is Curvature.POSITIVE:
        solution = minimiser if minimiser is not None else -torch.linalg.solve(hess, linear)
        optimum = at_point(solution, value, how)
        return replace(known, optimum=optimum, stable_eta=stable, bound=reason, shape=Shape.MINIMUM)
    if curvature is Curvature.FLAT:
        along_flat = vectors[:, flat].T @ linear
        if float(along_flat.norm()) > RANGE_TOLERANCE * float(linear.norm()):
            return replace(known, shape=Shape.UNBOUNDED)
        inverse = torch.where(flat, torch.zeros_like(eigenvalues), 1 / eigenvalues)
        gradient = hess @ start + linear
        nearest = start - vectors @ (inverse * (vectors.T @ gradient))
        valley = at_point(nearest, value, "the valley's point nearest the start")
        bound = reason if stable is not None else BoundReason.UNKNOWN
        return replace(known, stable_eta=stable, bound=bound, shape=Shape.VALLEY, valley=valley)
    shape = Shape.SADDLE if curvature is Curvature.INDEFINITE else Shape.MAXIMUM
    stationary = None
    if not bool(flat.any()):
        point = -torch.linalg.solve(hess, linear)
        what = "saddle point" if shape is Shape.SADDLE else "maximum"
        stationary = at_point(point, value, f"the {what}, where ∇f = 0 (Newton step)")
    return replace(known, shape=shape, stationary=stationary)


def at_point(point: Tensor, value: Callable[[Tensor], Tensor], how: str) -> Optimum:
    """``point`` and f there, as plain floats."""
    with torch.no_grad():
        f = float(value(point.detach()))
    return Optimum(tuple(float(v) + 0.0 for v in point), f, how)  # + 0.0: no "-0" shown
