"""What η does under the facts, for the optimizer and schedule chosen (solvers.optim.regimes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

from solvers.core.facts import Facts
from solvers.core.validation import SettingError, parse_eta

if TYPE_CHECKING:  # imported when a sentence is made: not before the first frame
    from solvers.optim.choices import OptimizerChoice, ScheduleChoice


def regime_text(
    facts: Facts | None,
    eta_text: str | None,
    *,
    short: bool = False,
    optimizer: OptimizerChoice | None = None,
    schedule: ScheduleChoice | None = None,
    batch: int | None = None,
) -> str:
    """The sentence of :func:`solvers.optim.regimes.said_regime` (``η = 0.4: monotone`` only
    where ``short``) for ``optimizer`` and ``schedule`` (default: plain descent, constant
    η; ``batch`` rows an iteration, None: every row); "" where η does not parse or nothing
    is known."""
    if facts is None or eta_text is None:
        return ""
    try:
        eta = parse_eta(eta_text)
    except SettingError:
        return ""
    from solvers.optim.choices import CONSTANT, PLAIN
    from solvers.optim.regimes import said_regime

    said = said_regime(eta, facts, optimizer or PLAIN, schedule or CONSTANT, batch)
    if said is None:
        return ""
    if not short:
        return said.text
    return said.label if said.local else f"η = {eta:g}: {said.short}"


class RegimeLine(Static):
    """A fixed-height line (the fields below stay put when its text comes)."""

    def show(
        self,
        facts: Facts | None,
        eta_text: str | None,
        *,
        short: bool = False,
        optimizer: OptimizerChoice | None = None,
        schedule: ScheduleChoice | None = None,
        batch: int | None = None,
    ) -> None:
        self.update(
            regime_text(
                facts, eta_text, short=short, optimizer=optimizer, schedule=schedule, batch=batch
            )
        )
