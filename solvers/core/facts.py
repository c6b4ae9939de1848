"""What is known about a problem, each fact with its reason and its reach, without torch.

Not every objective has a computable optimum or a global step-size bound: the
book's chapters are quadratics (both exact), a user's function in general is
not. Every fact here is therefore optional, and says where it came from, so no
code path assumes f* exists.

Two reaches: a quadratic (degree ≤ 2 in the parameters, read from the expression
tree; the book's chapters) is f(x) = ½xᵀHx + bᵀx + c exactly, so the float64
eigenvalues of its constant Hessian H decide everything globally (:class:`Shape`).
Any other function has only local facts, from the Hessian at the start, and the
words that show them say "near the start".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class BoundReason(Enum):
    """Where a stable-η bound 2/λmax comes from, in the words the app shows."""

    QUADRATIC = "Hessian of a quadratic"
    LEAST_SQUARES = "Hessian of the least-squares loss"
    LOCAL = "local: Hessian at the start"
    UNKNOWN = "unknown"


FLAT_TOLERANCE = 1e-12
"""An eigenvalue with |λ| ≤ FLAT_TOLERANCE · max|λ| is taken as 0 (float64 round-off of
an exact 0 is ~1e-16 relative)."""
FLOAT64_EPS = 2.220446049250313e-16
"""The spacing of float64 numbers at 1."""


def rank_cut(largest: float, rows: int, columns: int) -> float:
    """A matrix's singular value at or below this is taken as 0 (its rank counts those
    above): ``largest`` · max(rows, columns) · ε, the rule of ``torch.linalg.matrix_rank``
    and numpy's. Deciding on A's singular values, not AᵀA's eigenvalues, keeps the
    squaring's loss of digits out of the decision."""
    return largest * max(rows, columns) * FLOAT64_EPS


RANGE_TOLERANCE = 1e-12
"""A quadratic's linear term b lies in H's range (a valley, not unbounded) where its part
along H's flat directions is at most RANGE_TOLERANCE · ‖b‖."""


class Curvature(Enum):
    """How a Hessian curves f, read from its float64 eigenvalues (zero: FLAT_TOLERANCE)."""

    POSITIVE = "positive definite"
    """Every λ > 0: f curves up in every direction."""
    FLAT = "positive semidefinite and singular"
    """Every λ ≥ 0, some λ = 0: flat along some direction, up along the others."""
    INDEFINITE = "indefinite"
    """Some λ > 0, some λ < 0: f curves down along some direction."""
    NEGATIVE = "negative semidefinite"
    """Every λ ≤ 0, some λ < 0: f curves down in every direction it curves at all."""


def curvature_of(spectrum: Sequence[float]) -> Curvature:
    """The curvature of a Hessian with eigenvalues ``spectrum`` (all zero: FLAT)."""
    scale = max((abs(lam) for lam in spectrum), default=0.0)
    flat = FLAT_TOLERANCE * scale
    up = any(lam > flat for lam in spectrum)
    down = any(lam < -flat for lam in spectrum)
    if up and down:
        return Curvature.INDEFINITE
    if down:
        return Curvature.NEGATIVE
    if all(lam > flat for lam in spectrum) and spectrum:
        return Curvature.POSITIVE
    return Curvature.FLAT


class Shape(Enum):
    """What a quadratic ½xᵀHx + bᵀx + c has, globally, from H's eigenvalues and b."""

    MINIMUM = "a unique minimum"
    """Every λ > 0: x* = −H⁻¹b, one Newton step from anywhere."""
    VALLEY = "a valley of minima"
    """Every λ ≥ 0, some λ = 0, b in H's range: the minimum is not unique."""
    UNBOUNDED = "no minimum: unbounded below along a flat direction"
    """Every λ ≥ 0, some λ = 0, b not in H's range: f falls linearly along it."""
    SADDLE = "no minimum: a saddle"
    """Some λ < 0 < some λ: f falls without bound along the directions of λ < 0."""
    MAXIMUM = "no minimum: it curves down"
    """Every λ ≤ 0, some λ < 0 (a maximum where every λ < 0)."""


@dataclass(frozen=True)
class Optimum:
    """A point and the value of f there, computed in float64, with how it was found."""

    params: tuple[float, ...]
    value: float
    how: str
    """How it was found, e.g. "Newton step" or "least squares"."""


@dataclass(frozen=True)
class Facts:
    """A problem's optimum, stable-η bound and curvature, where they are known.

    ``optimum`` is only ever an exact global minimiser; a point found otherwise has
    its own field, named for what it is.
    """

    optimum: Optimum | None
    """The unique global minimiser and f* (a quadratic with a positive-definite Hessian,
    least squares); None anywhere else, a valley or a local minimum included."""
    stable_eta: float | None
    """2 / λmax: plain descent with a constant η converges for η below it. Global for a
    quadratic with a minimum or a valley; near the start (``bound`` LOCAL) where the start's
    Hessian is positive definite; None where no such bound holds or it is unknown."""
    bound: BoundReason
    eigenvalues: tuple[float, float] | None = None
    """(λmin, λmax) of the Hessian the facts came from (a quadratic's, or the start's)."""
    shape: Shape | None = None
    """A quadratic's global shape; None for any other function (or unknown)."""
    curvature: Curvature | None = None
    """How that Hessian curves f (globally for a quadratic, near the start otherwise)."""
    spectrum: tuple[float, ...] = ()
    """Every eigenvalue of that Hessian, ascending."""
    valley: Optimum | None = None
    """Shape.VALLEY: the valley's point nearest the start (where plain descent from the
    start converges, for η < 2/λmax: its steps never change the flat directions) and f*."""
    stationary: Optimum | None = None
    """SADDLE or MAXIMUM with an invertible Hessian: the one point where ∇f = 0 (the saddle
    point or the maximum), which is no minimum."""
    local_minimum: Optimum | None = None
    """Not a quadratic: a local minimum reached from the start (Newton's method in float64,
    checked: ∇f vanishes and the Hessian is positive definite there; see
    :mod:`solvers.problems.local_facts`). Not necessarily the lowest; never the optimum."""
    rows: int = 0
    """A least-squares loss's data rows, N (0: not one)."""
    batch_curvature: float | None = None
    """A least-squares loss Σᵢ (aᵢ·θ − tᵢ)²/2: the most a minibatch's loss, scaled by N/B,
    can curve, N · maxᵢ ‖aᵢ‖² (the Hessian (N/B) Σ_batch aᵢaᵢᵀ has λmax ≤ (N/B) Σ ‖aᵢ‖²;
    equal for a batch of one row). None where not known."""

    @property
    def condition_number(self) -> float | None:
        """λmax / λmin: how much slower the flattest direction converges than the steepest;
        None unless the curvature is positive (a valley's λmin is 0 up to rounding)."""
        if self.eigenvalues is None or self.curvature is not Curvature.POSITIVE:
            return None
        return self.eigenvalues[1] / self.eigenvalues[0]

    @property
    def bound_is_global(self) -> bool:
        """The bound holds everywhere (a quadratic), not only near the start."""
        return self.bound in (BoundReason.QUADRATIC, BoundReason.LEAST_SQUARES)

    @property
    def is_quadratic(self) -> bool:
        """The facts are exact and global (a quadratic), not local."""
        return self.shape is not None

    @property
    def is_local(self) -> bool:
        """The facts come from the Hessian at the start only (not a quadratic)."""
        return self.shape is None and self.curvature is not None

    @property
    def equal_curvature(self) -> bool:
        """Every positive eigenvalue is the same (to REGIME_TOLERANCE): one step of
        η = 1/λmax finishes every direction that curves (a scalar quadratic, chapter 2)."""
        positive = [lam for lam in self.spectrum if lam > 0 and self.curvature is not None]
        if not positive or self.curvature not in (Curvature.POSITIVE, Curvature.FLAT):
            return False
        top = max(positive)
        flat = FLAT_TOLERANCE * top
        curved = [lam for lam in positive if lam > flat]
        return min(curved) >= (1 - REGIME_TOLERANCE) * top


UNKNOWN = Facts(optimum=None, stable_eta=None, bound=BoundReason.UNKNOWN)
"""Nothing known (an objective whose facts could not be computed)."""


class Regime(Enum):
    """What plain gradient descent with a constant η does on a positive-definite quadratic
    (or near the start): each eigen-component is multiplied by 1 − ηλ every step."""

    MONOTONE = "monotone"
    ONE_STEP = "one step"
    OSCILLATING = "oscillating"
    CYCLE = "cycle"
    DIVERGENT = "divergent"


REGIME_TOLERANCE = 1e-6
"""η within this relative distance of 1/λmax or 2/λmax is on that boundary (one step,
or the cycle), not either side of it."""
LOCAL_CAVEAT = "it may change along the path"
"""What every local regime sentence ends with: it is about the start only."""


def signed(value: float, spec: str = ".4g") -> str:
    """``value`` formatted by ``spec`` with a true minus sign (−2, not -2)."""
    return format(value, spec).replace("-", "−")


def regime_kind(eta: float, facts: Facts) -> Regime | None:
    """Which of the five regimes η is in (boundaries to REGIME_TOLERANCE); None where no
    bound is known."""
    if facts.stable_eta is None:
        return None
    two = facts.stable_eta
    one = two / 2
    if abs(eta - two) <= REGIME_TOLERANCE * two:
        return Regime.CYCLE
    if eta > two:
        return Regime.DIVERGENT
    if abs(eta - one) <= REGIME_TOLERANCE * one:
        return Regime.ONE_STEP
    return Regime.OSCILLATING if eta > one else Regime.MONOTONE


def regime(eta: float, facts: Facts) -> tuple[Regime, str] | None:
    """Which regime η is in for plain descent with a constant η, and one short sentence
    of what it does and how far that reaches (it fits the app's regime line); None where
    no bound is known. :func:`regime_factor` gives the number behind it.

    Each eigen-component of the distance to the minimum is multiplied by 1 − ηλ every
    step. Along the steepest direction (λmax): in (0, 1) it shrinks without changing
    side, at 0 it is gone in one step, in (−1, 0) it changes side and shrinks, at −1 it
    jumps back and forth, below −1 it grows.
    """
    kind = regime_kind(eta, facts)
    if kind is None or facts.stable_eta is None:
        return None
    two = f"{facts.stable_eta:.4g}"
    one = f"{facts.stable_eta / 2:.4g}"
    if not facts.bound_is_global:
        relation = {
            Regime.MONOTONE: f"below 1/λmax = {one}",
            Regime.ONE_STEP: f"at 1/λmax = {one}",
            Regime.OSCILLATING: f"between 1/λmax and 2/λmax = {two}",
            Regime.CYCLE: f"at 2/λmax = {two}",
            Regime.DIVERGENT: f"above 2/λmax = {two}",
        }[kind]
        return kind, f"{relation} of the start's Hessian; {LOCAL_CAVEAT}"
    valley = facts.shape is Shape.VALLEY
    target = "the valley" if valley else "the optimum"
    if kind is Regime.MONOTONE:
        return kind, f"below 1/λmax = {one}, each step stops short of {target}: it converges"
    if kind is Regime.ONE_STEP:
        if facts.equal_curvature:
            where = "in the valley, nearest the start" if valley else "on the optimum"
            return kind, f"at 1/λmax = {one}, the first step lands {where} (up to rounding)"
        return kind, (
            f"at 1/λmax = {one}, the steepest direction is done in one step; the others "
            "converge monotonically"
        )
    if kind is Regime.OSCILLATING:
        return kind, (
            f"between 1/λmax and 2/λmax = {two}, it converges; steep parts overshoot, less "
            "each time"
        )
    if kind is Regime.CYCLE:
        return kind, (
            f"at 2/λmax = {two}, the steepest part of the offset keeps its size and "
            "changes side each step"
        )
    return kind, (
        f"above 2/λmax = {two}, the steepest part of the offset from {target} grows each step"
    )


def regime_factor(eta: float, facts: Facts) -> str:
    """1 − ηλmax, the factor each step multiplies the steepest component by (exactly 0 and
    −1 on the boundaries, where REGIME_TOLERANCE counts η as on them)."""
    kind = regime_kind(eta, facts)
    if kind is None or facts.stable_eta is None:
        return ""
    factor = 1 - eta * 2 / facts.stable_eta
    shown = 0.0 if kind is Regime.ONE_STEP else -1.0 if kind is Regime.CYCLE else factor
    return f"1 − ηλmax = {signed(shown, '.3g')}"


PRESET_SHARE = {
    Regime.MONOTONE: 0.25,
    Regime.ONE_STEP: 0.5,
    Regime.OSCILLATING: 0.75,
    Regime.CYCLE: 1.0,
    Regime.DIVERGENT: 1.25,
}
"""Each regime's preset η as a share of 2/λmax."""


def preset_eta(kind: Regime, facts: Facts) -> float | None:
    """An η in regime ``kind`` (a quarter, a half, three quarters, all and 1.25 of 2/λmax)."""
    if facts.stable_eta is None:
        return None
    return facts.stable_eta * PRESET_SHARE[kind]
