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


class Regime(Enum):
    """What plain gradient descent does at a given η on a quadratic (or near the start)."""

    MONOTONE = "monotone"
    OSCILLATING = "oscillating"
    CYCLE = "cycle"
    DIVERGENT = "divergent"


CYCLE_TOLERANCE = 1e-6
"""η within this relative distance of 2/λmax is the cycle, not either side of it."""


def regime(eta: float, facts: Facts) -> tuple[Regime, str] | None:
    """Which regime η is in for plain descent, with one sentence of why; None where the
    bound is unknown. Along the steepest direction each step multiplies the distance to
    the optimum by (1 − η·λmax): between 0 and 1 it shrinks without changing side,
    between −1 and 0 it changes side and shrinks, at −1 it jumps back and forth, below
    −1 it grows."""
    if facts.stable_eta is None or facts.eigenvalues is None:
        return None
    lam = facts.eigenvalues[1]
    where = "" if facts.bound_is_global else "near the start (local Hessian), "
    factor = 1 - eta * lam
    bound = facts.stable_eta
    if abs(eta - bound) <= CYCLE_TOLERANCE * bound:
        return Regime.CYCLE, (
            f"{where}η = 2/λmax = {bound:.4g} (1 − ηλmax = −1): each step jumps exactly "
            "across the optimum; no progress"
        )
    if eta > bound:
        away = "the run moves away" if not where else "steps there overshoot farther"
        return Regime.DIVERGENT, (
            f"{where}η > 2/λmax = {bound:.4g} (1 − ηλmax = {factor:.3g}): each step lands "
            f"farther than it started; {away}"
        )
    if eta * lam > 1:
        return Regime.OSCILLATING, (
            f"{where}1/λmax < η < 2/λmax = {bound:.4g} (1 − ηλmax = {factor:.3g}): each "
            "step overshoots, less each time; it converges, alternating sides"
        )
    return Regime.MONOTONE, (
        f"{where}η ≤ 1/λmax = {bound / 2:.4g} (1 − ηλmax = {factor:.3g}): each step stops "
        "short of the optimum; it converges monotonically"
    )


def preset_eta(kind: Regime, facts: Facts) -> float | None:
    """An η in regime ``kind`` (a quarter, three quarters, all and 1.25 of 2/λmax)."""
    if facts.stable_eta is None:
        return None
    share = {
        Regime.MONOTONE: 0.25,
        Regime.OSCILLATING: 0.75,
        Regime.CYCLE: 1.0,
        Regime.DIVERGENT: 1.25,
    }[kind]
    return facts.stable_eta * share
