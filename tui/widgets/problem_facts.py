"""What is known about a problem, each fact with where it comes from."""

from __future__ import annotations

from textual.widgets import Static

from solvers.facts import Facts
from solvers.specs import ProblemSpec

ROUND_OFF = 1e-12
"""An optimum value this close to 0 is float64 round-off of an exact 0 (chapter 3's
three samples fit exactly; lstsq's residual prints as 4e-28, varying run to run)."""


def shown_value(value: float) -> float:
    """An optimum value for display: round-off of zero shown as 0."""
    return 0.0 if abs(value) < ROUND_OFF else value


def facts_text(spec: ProblemSpec, facts: Facts) -> str:
    """The facts as the app shows them, one per line."""
    lines = []
    optimum = facts.optimum
    if optimum is None:
        lines += ["optimum unknown", "f* unknown"]
    else:
        where = ", ".join(
            f"{n}* = {v:.6g}" for n, v in zip(spec.param_names, optimum.params, strict=True)
        )
        lines += [f"optimum: {where}", f"f* = {shown_value(optimum.value):.6g} ({optimum.how})"]
    if facts.stable_eta is None:
        lines.append("stable η: unknown")
    else:
        lines.append(f"stable for η < {facts.stable_eta:.6g} ({facts.bound.value})")
    kappa = facts.condition_number
    lines.append(f"condition number κ = {kappa:.3g}" if kappa is not None and kappa > 1 else "")
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

    def show(self, facts: Facts, spec: ProblemSpec | None = None) -> None:
        """The facts of ``spec`` (default: the screen's own problem)."""
        self.update(facts_text(spec or self.spec, facts))

    def show_failed(self, reason: str) -> None:
        self.update(
            f"torch could not be loaded: {reason}\nRuns are off; install torch and restart."
        )
