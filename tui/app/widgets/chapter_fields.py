"""A chapter's own inputs on the settings form beyond text fields: a switch (an on/off
input) and a choice among values the other inputs offer (chapter 3's target, from the
file's header). Read as text like every input: ``ON`` or "" for a switch, the chosen
value or "" for a choice."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, Switch

from solvers.chapters.base import ON, ChapterInput
from solvers.core.specs import ProblemSpec
from tui.app.widgets.choice import Choice


class ChapterFields(Widget):
    """The settings form's part that composes and reads a chapter's inputs."""

    spec: ProblemSpec
    _inputs: dict[str, ChapterInput]
    _offered: dict[str, tuple[str, ...]]
    """The options each choice input offers now."""

    @staticmethod
    def _switch(name: str, label: str, value: bool) -> ComposeResult:
        """A chapter's on/off input."""
        with Horizontal(classes="field"):
            yield Label(label, classes="field-label")
            yield Switch(value, id=name)
        yield Static("", id=f"{name}-error", classes="field-error -empty")

    def _chosen_field(self, given: ChapterInput, value: str) -> ComposeResult:
        """A chapter input chosen among the values the other inputs offer (blank: none
        chosen); its options follow the other fields (:meth:`_offer`)."""
        offered = given.choices(dict(self.spec.inputs)) if given.choices else ()
        self._offered[given.name] = offered
        with Horizontal(classes="field"):
            yield Label(given.label, classes="field-label")
            options = [(option, option) for option in offered]
            prompt = given.placeholder or "Select"
            if value in offered:
                yield Choice(
                    options,
                    value=value,
                    prompt=prompt,
                    allow_blank=True,
                    compact=True,
                    id=given.name,
                )
            else:
                yield Choice(options, prompt=prompt, allow_blank=True, compact=True, id=given.name)
        yield Static("", id=f"{given.name}-error", classes="field-error -empty")

    def input_texts(self) -> dict[str, str]:
        """The chapter's inputs as the fields hold them: text, ``ON`` or "" for a
        switch, the chosen value or "" for a choice."""
        texts: dict[str, str] = {}
        for name in self._inputs:
            widget = self.query_one(f"#{name}")
            if isinstance(widget, Switch):
                texts[name] = ON if widget.value else ""
            elif isinstance(widget, Select):
                texts[name] = "" if widget.is_blank() else str(widget.value)
            else:
                texts[name] = self.query_one(f"#{name}", Input).value
        return texts

    def offered(self, name: str) -> tuple[str, ...]:
        """The values the choice input ``name`` offers now."""
        return self._offered.get(name, ())

    def _offer(self) -> None:
        """Each choice input's options, from the other fields as they are now (a file's
        header, say); the chosen value stays where it is still offered."""
        texts = self.input_texts()
        for name, given in self._inputs.items():
            if given.choices is None:
                continue
            offered = given.choices(texts)
            if self._offered.get(name) == offered:
                continue
            self._offered[name] = offered
            select = self.query_one(f"#{name}", Select)
            current = select.value
            select.set_options([(option, option) for option in offered])
            if current in offered:
                select.value = current
