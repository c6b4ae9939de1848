"""What is known about a problem, each fact with its reason, without torch.

Not every objective has a computable optimum or a global step-size bound: the
book's chapters are quadratics (both exact), a user's function in general is
not. Every fact here is therefore optional, and says where it came from, so no
code path assumes f* exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class BoundReason(Enum):
    """Where a stable-η bound 2/λmax comes from, in the words the app shows."""

    QUADRATIC = "Hessian of a quadratic"
    LEAST_SQUARES = "Hessian of the least-squares loss"
    LOCAL = "local: Hessian at the start"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Optimum:
    """An exact minimiser and minimum, computed in float64."""

    params: tuple[float, ...]
    value: float
    how: str
    """How it was found, e.g. "Newton step" or "least squares"."""


@dataclass(frozen=True)
class Facts:
    """A problem's optimum and stable-η bound, where they are known."""

    optimum: Optimum | None
    stable_eta: float | None
    """2 / λmax of the Hessian: plain descent is stable for η below it (None: unknown)."""
    bound: BoundReason
    eigenvalues: tuple[float, float] | None = None
    """(λmin, λmax) of the Hessian the bound came from."""

    @property
    def condition_number(self) -> float | None:
        """λmax / λmin: how much slower the flattest direction converges than the steepest."""
        if self.eigenvalues is None or self.eigenvalues[0] <= 0:
            return None
        return self.eigenvalues[1] / self.eigenvalues[0]

    @property
    def bound_is_global(self) -> bool:
        """The bound holds everywhere (a quadratic), not only near the start."""
        return self.bound in (BoundReason.QUADRATIC, BoundReason.LEAST_SQUARES)


UNKNOWN = Facts(optimum=None, stable_eta=None, bound=BoundReason.UNKNOWN)
"""Nothing known (an objective whose facts could not be computed)."""
