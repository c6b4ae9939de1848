"""The optimizer's and the schedule's knobs on the settings form: a hidden row per
knob, shown when its optimizer or schedule is chosen, and read by the CLI's parsers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from solvers.optim.choices import OPTIMIZERS, SCHEDULES, Knob, parse_optimizer, parse_schedule
from tui.app.widgets.ordered_input import OrderedInput


def knob_text(knob: Knob) -> str:
    """A knob's default as the field shows it (betas as "0.9, 0.999")."""
    value = knob.default
    if isinstance(value, tuple):
        return ", ".join(f"{v:g}" for v in value)
    return "" if value is None else f"{value:g}"


KNOB_LABEL_WIDTH = 13
"""The knobs' label column, where their values line up: a name of up to 12 letters
(``weight-decay``) and a space (the other fields' is 11 wide, in app.tcss). A longer
name (``momentum-decay``) widens its own label only, so no name runs into its value
and the others keep the width their values need on an 80-column terminal."""


def split_start(text: str) -> list[str]:
    """Start values as typed: separated by commas and/or spaces."""
    return [part for part in text.replace(",", " ").split() if part]


DEFAULT_T_MAX = "the run's iterations"
"""What an empty t-max means (cosine's default): the placeholder says so."""


class KnobFields(Widget):
    """The settings form's part that composes and reads the knobs."""

    @staticmethod
    def _knobs(names: Iterable[str]) -> ComposeResult:
        """A hidden row per knob (#knob-NAME: the optimizers' and the schedules' knob
        names do not overlap); choosing its optimizer or schedule shows it."""
        for name in names:
            with Horizontal(classes="field knob -hidden", id=f"knob-row-{name}"):
                label = Label(name, classes="field-label")
                label.styles.width = max(KNOB_LABEL_WIDTH, len(name) + 1)
                yield label
                yield OrderedInput("", id=f"knob-{name}", compact=True)
            yield Static("", id=f"knob-{name}-error", classes="field-error -empty")

    def _optimizer(self) -> Any:
        """The optimizer and its shown knobs, checked by the CLI's parser."""
        chosen = str(self.query_one("#optimizer", Select).value)
        texts: dict[str, str | list[str]] = {}
        for knob in OPTIMIZERS.get(chosen, ()):
            text = self.query_one(f"#knob-{knob.name}", Input).value
            texts[knob.name] = split_start(text) if knob.pair else text
        return parse_optimizer(chosen, texts)

    def _schedule(self) -> Any:
        """The schedule and its shown knobs, checked by the CLI's parser; an empty knob
        that has no default of its own (t-max) is left to the run, as the CLI leaves it."""
        chosen = str(self.query_one("#schedule", Select).value)
        texts: dict[str, str] = {}
        for knob in SCHEDULES.get(chosen, ()):
            text = self.query_one(f"#knob-{knob.name}", Input).value
            if knob.default is None and not text.strip():
                continue
            texts[knob.name] = text
        return parse_schedule(chosen, texts)
