"""What a run's end says about the regime predicted at its start (numpy, no torch).

A regime word comes from a Hessian: the quadratic's (exact) or the one at the
start (local). The run itself may say otherwise: Rosenbrock at η = 0.001 from
(−1.5, 2) is "divergent" by its start's Hessian, yet f falls every step. At the
end of a run the status and the CLI ask :func:`regime_at_end`, which keeps the
word where the recorded f values agree with it and otherwise gives one true
sentence of what f did instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solvers.core.facts import Regime
from solvers.run.settings import Outcome

CYCLE_DRIFT = 1e-3
"""A cycle keeps f where it started: within this relative distance (f₀'s, at least 1)."""


@dataclass(frozen=True)
class RegimeEnd:
    """The regime word to keep showing (None: drop it), and what to say instead."""

    word: str | None
    note: str = ""
    short: str = ""
    """The note in fewer words, for a narrow status line."""


def what_f_did(values: np.ndarray, outcome: Outcome) -> str:
    """What the recorded f values did, in a few words."""
    if outcome is Outcome.DIVERGED:
        return "the run diverged"
    if outcome is Outcome.UNBOUNDED:
        return "f fell without bound"
    steps = np.diff(values)
    if len(steps) and (steps < 0).all():
        return "f fell every step"
    if len(steps) and (steps <= 0).all() and values[-1] < values[0]:
        return "f never rose, and fell overall"
    if values[-1] < values[0]:
        return "f fell overall, not every step"
    if values[-1] > values[0]:
        return "f rose overall"
    return "f ended where it started"


def _held(kind: Regime, values: np.ndarray, outcome: Outcome) -> bool:
    """Whether the run's f values agree with regime ``kind``."""
    first, last = float(values[0]), float(values[-1])
    if outcome is Outcome.UNBOUNDED:
        return False  # no regime of descent towards a minimum falls without bound
    if kind is Regime.DIVERGENT:
        return outcome is Outcome.DIVERGED or last > first
    if outcome is Outcome.DIVERGED:
        return False
    if kind is Regime.CYCLE:
        return abs(last - first) <= CYCLE_DRIFT * max(1.0, abs(first))
    return last <= first  # monotone and oscillating: f falls


def regime_at_end(
    said: tuple[Regime, str] | None, local: bool, values: np.ndarray, outcome: Outcome
) -> RegimeEnd:
    """The predicted regime ``said`` (None: none was), reconciled with the run's
    recorded f ``values`` and its ``outcome``. ``local``: the prediction came from the
    Hessian near the start, not a quadratic's."""
    if said is None:
        return RegimeEnd(None)
    word = said[0].value
    shown = f"{word} near the start" if local else word
    values = np.asarray(values)  # the history's own column: a million rows copied
    finite = np.isfinite(values)  # to float64 would be 8 MB at the run's end
    if not finite.all():
        values = values[finite]
    if len(values) < 2 and outcome not in (Outcome.DIVERGED, Outcome.UNBOUNDED):
        return RegimeEnd(shown)  # one row says nothing about a regime
    if len(values) and _held(said[0], values, outcome):
        return RegimeEnd(shown)
    did = what_f_did(values, outcome) if len(values) else "no step was taken"
    if local:
        return RegimeEnd(
            None,
            f"the local regime near the start ({word}) did not hold along the path: {did}",
            f"local regime ({word}) did not hold: {did}",
        )
    return RegimeEnd(
        None,
        f"the regime ({word}) did not show in this run: {did}",
        f"regime ({word}) did not show: {did}",
    )


def end_lines(
    outcome: Outcome,
    message: str,
    said: tuple[Regime, str] | None,
    local: bool,
    values: np.ndarray,
) -> list[str]:
    """What the CLI says after a run, in one line: the outcome's ``message`` (a
    divergence's or a stationary point's), or else, where the regime said at the start
    did not hold, what f did instead (a message already contradicts the start's line)."""
    if message:
        return [message]
    end = regime_at_end(said, local, values, outcome)
    return [end.note] if end.note else []
