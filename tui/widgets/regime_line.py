"""Which regime of plain descent the η field is in, and why, under the facts."""

from __future__ import annotations

from textual.widgets import Static

from solvers.facts import Facts, regime
from solvers.validation import SettingError, parse_eta


def regime_text(facts: Facts | None, eta_text: str | None, *, short: bool = False) -> str:
    """``η = 0.4: monotone. why…`` (only the word where ``short``); "" where η does not
    parse or the bound is unknown."""
    if facts is None or eta_text is None:
        return ""
    try:
        eta = parse_eta(eta_text)
    except SettingError:
        return ""
    said = regime(eta, facts)
    if said is None:
        return ""
    kind, why = said
    return f"η = {eta:g}: {kind.value}" + ("" if short else f". {why}")


class RegimeLine(Static):
    """A fixed-height line (the fields below stay put when its text comes)."""

    def show(self, facts: Facts | None, eta_text: str | None, *, short: bool = False) -> None:
        self.update(regime_text(facts, eta_text, short=short))
