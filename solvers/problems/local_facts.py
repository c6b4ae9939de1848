"""What is known of a function that is not a quadratic: its Hessian at the start, and a
local minimum reached from the start where one can be checked (float64, torch).

Nothing here is global. The start's Hessian gives the curvature there and, only where
it is positive definite, the bound 2/λmax of plain descent near the start. A local
minimum is searched from the start with Newton's method on |H| (each eigenvalue's
magnitude, so every step goes downhill) and Armijo backtracking, in float64, and
kept only where it checks out:

* the Hessian is positive definite there (λmin > FLAT_TOLERANCE times the largest |λ|
  there or at the start: x⁴'s Hessian near 0 is positive but vanishing), and
* Newton's step from it is at most NEWTON_TOLERANCE · max(1, ‖x‖), and across that
  step the Hessian changes by at most CURVATURE_CHANGE · λmin (the point is a
  nondegenerate minimiser to float64 precision: x³ and x⁴ near 0, where Newton's
  steps only halve or shrink by a third, never pass), and
* ‖∇f‖ there is at most GRADIENT_TOLERANCE · max(1, ‖∇f(start)‖).

It is offered as "a local minimum", never as the optimum: another may be lower.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from solvers.core.facts import (
    FLAT_TOLERANCE,
    BoundReason,
    Curvature,
    Facts,
    Optimum,
    curvature_of,
)

GRADIENT_TOLERANCE = 1e-8
"""‖∇f‖ at an accepted local minimum, relative to max(1, ‖∇f(start)‖)."""
NEWTON_TOLERANCE = 1e-10
"""Newton's step at an accepted local minimum, relative to max(1, ‖x‖)."""
CURVATURE_CHANGE = 1e-6
"""Across Newton's step from an accepted minimum the Hessian changes by at most this
share of λmin (at a minimum with a positive-definite Hessian Newton's steps shrink
quadratically and the Hessian stays put; at a degenerate one, x³'s or x⁴'s, they
shrink by a fixed factor and the Hessian changes by a fixed share)."""
SEARCH_ITERATIONS = 100
"""Newton steps at most (Rosenbrock from (−1.5, 2) needs about 20)."""
BACKTRACKS = 60
"""Halvings of a step at most before the search stops where it is."""
ARMIJO = 1e-4
"""A step is taken where f falls by at least ARMIJO · step · (∇f · direction)."""


def hessian_at(value: Callable[[Tensor], Tensor], point: Tensor) -> Tensor:
    """The float64 Hessian of ``value`` at ``point``."""
    hessian = torch.autograd.functional.hessian  # untyped in torch
    hess = hessian(value, point)  # type: ignore[no-untyped-call]
    assert isinstance(hess, Tensor)
    return (hess + hess.T) / 2


def gradient_at(value: Callable[[Tensor], Tensor], point: Tensor) -> Tensor:
    """The float64 gradient of ``value`` at ``point``."""
    x = point.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(value(x), x)
    return grad


def local_facts(value: Callable[[Tensor], Tensor], start: Tensor) -> Facts:
    """The start's Hessian (curvature, and the bound where it is positive definite) and a
    checked local minimum reached from the start."""
    with torch.no_grad():
        defined = bool(torch.isfinite(value(start)).all())
    hess = hessian_at(value, start)
    if not (defined and bool(torch.isfinite(hess).all())):
        return Facts(None, None, BoundReason.UNKNOWN)  # f is not finite at the start
    spectrum = tuple(float(v) for v in torch.linalg.eigvalsh(hess))
    curvature = curvature_of(spectrum)
    positive = curvature is Curvature.POSITIVE
    return Facts(
        None,
        2.0 / spectrum[-1] if positive else None,
        BoundReason.LOCAL if positive else BoundReason.UNKNOWN,
        eigenvalues=(spectrum[0], spectrum[-1]),
        curvature=curvature,
        spectrum=spectrum,
        local_minimum=local_minimum(value, start),
    )


def local_minimum(value: Callable[[Tensor], Tensor], start: Tensor) -> Optimum | None:
    """A local minimum reached from ``start``, checked as the module says; None if the
    search finds none that checks out (or f misbehaves on the way)."""
    try:
        with torch.no_grad():
            scale = float(torch.linalg.eigvalsh(hessian_at(value, start)).abs().max())
        start_norm = float(gradient_at(value, start).norm())
        return _checked(value, _descend(value, start), start_norm, scale)
    except (RuntimeError, ValueError, ArithmeticError):  # a NaN, a singular solve, …
        return None


def _descend(value: Callable[[Tensor], Tensor], start: Tensor) -> Tensor:
    """Newton's method with |λ| for each eigenvalue (a descent direction wherever the
    Hessian is invertible, saddles included) and Armijo backtracking: quadratic
    convergence near a minimum with a positive-definite Hessian."""
    x = start.detach().clone()
    for _ in range(SEARCH_ITERATIONS):
        grad, hess = gradient_at(value, x), hessian_at(value, x)
        if not (bool(torch.isfinite(grad).all()) and bool(torch.isfinite(hess).all())):
            break
        eigenvalues, vectors = torch.linalg.eigh(hess)
        top = float(eigenvalues.abs().max())
        curvature = eigenvalues.abs().clamp(min=max(FLAT_TOLERANCE * top, 1e-300))
        direction = -(vectors @ ((vectors.T @ grad) / curvature))
        slope = float(grad @ direction)
        with torch.no_grad():
            f0 = float(value(x))
            step = 1.0
            for _ in range(BACKTRACKS):
                if float(value(x + step * direction)) <= f0 + ARMIJO * step * slope:
                    break
                step /= 2
            else:
                break  # no step lowers f: stop where it is
        moved = step * direction
        x = x + moved
        if float(moved.norm()) <= NEWTON_TOLERANCE * max(1.0, float(x.norm())):
            break
    return x


def _checked(
    value: Callable[[Tensor], Tensor], point: Tensor, start_norm: float, start_scale: float
) -> Optimum | None:
    """``point`` if it passes the module's checks (positive-definite Hessian relative to
    the larger of its own and the start's, a negligible Newton step, a vanishing ∇f)."""
    x = point
    if not bool(torch.isfinite(x).all()):
        return None
    hess = hessian_at(value, x)
    grad = gradient_at(value, x)
    if not (bool(torch.isfinite(hess).all()) and bool(torch.isfinite(grad).all())):
        return None
    spectrum = torch.linalg.eigvalsh(hess)
    scale = max(float(spectrum.abs().max()), start_scale)
    if float(spectrum[0]) <= FLAT_TOLERANCE * scale:
        return None  # not positive definite: no minimum this check can vouch for
    step = torch.linalg.solve(hess, grad)
    if float(step.norm()) > NEWTON_TOLERANCE * max(1.0, float(x.norm())):
        return None
    change = torch.linalg.matrix_norm(hessian_at(value, x - step) - hess, ord=2)
    if float(change) > CURVATURE_CHANGE * float(spectrum[0]):
        return None  # Newton converges linearly here: a degenerate point (x³ or x⁴ at 0)
    if float(grad.norm()) > GRADIENT_TOLERANCE * max(1.0, start_norm):
        return None
    with torch.no_grad():
        f = float(value(x))
    found = tuple(float(v) + 0.0 for v in x)  # + 0.0: no "-0" shown
    return Optimum(found, f, "Newton from the start")
