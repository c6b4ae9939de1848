"""What is known about a problem, each fact with where it comes from."""

from __future__ import annotations

from textual.widgets import Static

from solvers.core.facts import Curvature, Facts, Optimum, Shape
from solvers.core.specs import ProblemSpec

ROUND_OFF = 1e-12
"""An optimum value this close to 0 is float64 round-off of an exact 0 (chapter 3's
three samples fit exactly; lstsq's residual prints as 4e-28, varying run to run)."""


def shown_value(value: float) -> float:
    """An optimum value for display: round-off of zero shown as 0."""
    return 0.0 if abs(value) < ROUND_OFF else value


def _point(spec: ProblemSpec, point: Optimum, star: str = "*") -> str:
    """``x0* = 1, x1* = 2`` (without the star: a point that is not the optimum)."""
    return ", ".join(
        f"{n}{star} = {v:.6g}" for n, v in zip(spec.param_names, point.params, strict=True)
    )


def _value(point: Optimum) -> str:
    """f at ``point``, round-off of 0 shown as 0."""
    return f"{shown_value(point.value):.6g}"


def _shape_lines(spec: ProblemSpec, facts: Facts) -> list[str]:
    """A quadratic's exact, global facts: its minimum, or why it has none."""
    shape = facts.shape
    if facts.optimum is not None:
        optimum = facts.optimum
        return [f"optimum: {_point(spec, optimum)}", f"f* = {_value(optimum)} ({optimum.how})"]
    if shape is Shape.VALLEY and facts.valley is not None:
        valley = facts.valley
        return [
            "minimum not unique: a valley of minima (a Hessian eigenvalue is 0)",
            f"f* = {_value(valley)} along it; nearest the start: {_point(spec, valley, '')}",
        ]
    named = shape.value if shape else "optimum unknown"
    if shape is Shape.MAXIMUM and facts.stationary is not None:
        named = "no minimum: a maximum"  # every λ < 0 (H invertible)
    lines = [f"{named} (f is a quadratic)"]
    if facts.stationary is not None:
        point = facts.stationary
        what = "saddle point" if shape is Shape.SADDLE else "maximum"
        lines.append(f"{what}: {_point(spec, point, '')}, f = {_value(point)}")
    if shape in (Shape.SADDLE, Shape.MAXIMUM) and facts.eigenvalues is not None:
        lines.append(f"f is unbounded below (λmin = {facts.eigenvalues[0]:.4g} < 0)")
    return lines


def _local_lines(spec: ProblemSpec, facts: Facts) -> list[str]:
    """Facts of the start only, each saying so, and a checked local minimum if found."""
    assert facts.curvature is not None and facts.eigenvalues is not None
    lam_min, lam_max = facts.eigenvalues
    curves = {
        Curvature.POSITIVE: "curves up "
        + (f"(λ = {lam_max:.4g})" if lam_min == lam_max else f"(λ {lam_min:.4g} … {lam_max:.4g})"),
        Curvature.FLAT: f"is flat along some direction (λmin = 0, λmax = {lam_max:.4g})",
        Curvature.INDEFINITE: f"curves down along some direction (λmin = {lam_min:.4g})",
        Curvature.NEGATIVE: ("curves down" if lam_max < 0 else "curves down or is flat")
        + f" (λmax = {lam_max:.4g})",
    }[facts.curvature]
    lines = ["not recognised as a quadratic: optimum unknown", f"near the start f {curves}"]
    local = facts.local_minimum
    if local is not None:
        where = _point(spec, local, "")
        lines.append(f"local minimum: {where}, f = {_value(local)} (maybe not the lowest)")
    else:
        lines.append("no local minimum found from the start")
    return lines


def facts_text(spec: ProblemSpec, facts: Facts) -> str:
    """The facts as the app shows them, one per line, each with its reach."""
    if facts.is_quadratic or facts.optimum is not None:
        lines = _shape_lines(spec, facts)
    elif facts.is_local:
        lines = _local_lines(spec, facts)
    else:
        lines = ["optimum unknown", "f* unknown"]
    if facts.stable_eta is None:
        lines.append("stable η: unknown" if facts.shape is None else "")
    else:
        lines.append(f"stable for η < {facts.stable_eta:.6g} ({facts.bound.value})")
    kappa = facts.condition_number
    if kappa is not None and kappa > 1 and not facts.is_local:  # local: the λ line has it
        lines.append(f"condition number κ = {kappa:.3g}")
    lines.append(f"start: {spec.start_rule}")
    return "\n".join(line for line in lines if line)


class ProblemFacts(Static):
    """The optimum, f*, the stable-η bound and the start rule (min-height keeps the
    fields below in place when torch loads and the text changes)."""

    def __init__(self, spec: ProblemSpec, **kwargs: object) -> None:
        super().__init__(
            f"optimum: computing… (loading torch)\nf* = …\nstable for η < …\n"
            f"start: {spec.start_rule}",
            **kwargs,  # type: ignore[arg-type]
        )
        self.spec = spec

    def show(
        self, facts: Facts, spec: ProblemSpec | None = None, notes: tuple[str, ...] = ()
    ) -> None:
        """The facts of ``spec`` (default: the screen's own problem), then its chapter's
        notes (chapter 3 on a file: least squares in the data's units, κ)."""
        self.update("\n".join((facts_text(spec or self.spec, facts), *notes)))

    def show_failed(self, reason: str) -> None:
        self.update(
            f"torch could not be loaded: {reason}\nRuns are off; install torch and restart."
        )
