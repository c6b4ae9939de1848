"""A chapter's own inputs on the settings form beyond text fields: a switch (an on/off
input), a choice among values the other inputs offer (chapter 3's target, from the
file's header) and a choice of several of them (its features). Read as text like every
input: ``ON`` or "" for a switch, the chosen value or "" for a choice, the chosen values
comma-separated for a choice of several."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Select, SelectionList, Static, Switch

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
        if given.multiple:
            yield from self._chosen_several(given, offered, value)
            return
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

    def _chosen_several(
        self, given: ChapterInput, offered: tuple[str, ...], value: str
    ) -> ComposeResult:
        """A chapter input of several values chosen among those offered, as a selection
        list under its label, and a line saying in words what is chosen (the list's marks
        differ only in colour)."""
        chosen = {part.strip() for part in value.split(",")}
        yield Label(given.label, classes="field-label")
        yield SelectionList[str](
            *[(option, option, option in chosen) for option in offered],
            id=given.name,
            classes="several",
        )
        yield Static(
            self._chosen_words(given, offered, [o for o in offered if o in chosen]),
            id=f"{given.name}-chosen",
            classes="several-chosen",
        )
        yield Static("", id=f"{given.name}-error", classes="field-error -empty")

    @staticmethod
    def _chosen_words(given: ChapterInput, offered: tuple[str, ...], chosen: list[str]) -> str:
        """What is chosen, in words; nothing while nothing is offered."""
        if not offered:
            return ""
        return f"chosen: {', '.join(chosen)}" if chosen else f"none chosen: {given.placeholder}"

    @on(SelectionList.SelectedChanged)
    def _several_chosen(self, event: SelectionList.SelectedChanged[str]) -> None:
        if str(event.selection_list.id) in self._inputs:
            self._show_chosen(str(event.selection_list.id))

    def _show_chosen(self, name: str) -> None:
        """Say in words which of the offered values the selection list ``name`` holds."""
        chosen = set(self.query_one(f"#{name}", SelectionList).selected)
        offered = self.offered(name)
        words = self._chosen_words(self._inputs[name], offered, [o for o in offered if o in chosen])
        self.query_one(f"#{name}-chosen", Static).update(words)

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
            elif isinstance(widget, SelectionList):
                chosen = set(widget.selected)
                texts[name] = ",".join(o for o in self._offered.get(name, ()) if o in chosen)
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
            if given.multiple:
                self._offer_several(name, offered)
                continue
            select = self.query_one(f"#{name}", Select)
            current = select.value
            select.set_options([(option, option) for option in offered])
            if current in offered:
                select.value = current

    def _offer_several(self, name: str, offered: tuple[str, ...]) -> None:
        """The selection list ``name`` offers ``offered``; what was chosen stays chosen
        where it is still offered."""
        several: SelectionList[str] = self.query_one(f"#{name}", SelectionList)
        chosen = set(several.selected)
        several.clear_options()
        several.add_options([(option, option, option in chosen) for option in offered])
        self._show_chosen(name)
