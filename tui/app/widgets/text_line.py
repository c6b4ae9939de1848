"""A line or two of plain text that asks Textual for a layout pass only when the
number of lines it takes changes; a legend's items wrapped whole, never cut."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static


class TextLine(Static):
    """Plain text, updated only when it changes, laid out again only when the lines
    it takes at its width do.

    A ``Static.update`` asks Textual for a layout pass of the whole screen by default;
    the landscape is redrawn every couple of seconds during a run, its title and legend
    the same or with other numbers on as many lines. A text that wraps to another
    number of lines (a longer title in a narrow panel) does need the layout."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(Text(text), **kwargs)
        self.text = text
        self._groups: tuple[tuple[str, ...], ...] = ()
        """The items shown by :meth:`show_items`, packed again at each new width."""
        self._gap = "   "

    def show_items(self, *groups: Sequence[str], gap: str = "   ") -> bool:
        """Show each group's items on as few lines as they fit at this width, ``gap``
        between two on a line, each group from a new line. An item is a phrase: it is
        never cut between lines, unless it is wider than the widget on its own."""
        self._groups = tuple(tuple(group) for group in groups)
        self._gap = gap
        return self._show(self._packed())

    def _packed(self) -> str:
        gap = self._gap
        width = self.content_size.width if self.is_attached else 0
        lines: list[str] = []
        for group in self._groups:
            line = ""
            for item in group:
                if line and width > 0 and cell_len(line + gap + item) > width:
                    lines.append(line)
                    line = item
                else:
                    line = line + gap + item if line else item
            if line:
                lines.append(line)
        return "\n".join(lines)

    def on_resize(self) -> None:
        """Items are packed for a width: at another, pack them again."""
        if self._groups:
            self._show(self._packed())

    def show(self, text: str) -> bool:
        """Show ``text``; whether it differs from what was shown."""
        self._groups = ()
        return self._show(text)

    def _show(self, text: str) -> bool:
        if text == self.text:
            return False
        relayout = self._lines(text) != self._lines(self.text)
        self.text = text
        self.update(Text(text), layout=relayout)
        return True

    def blank(self) -> None:
        """Show nothing, on as many lines as the text shown takes now."""
        self.show("\n" * max(0, self._lines(self.text) - 1))

    def _lines(self, text: str) -> int:
        """How many lines ``text`` takes at this widget's width (none when empty)."""
        if not text:
            return 0
        width = self.content_size.width
        if width <= 0 or not self.is_attached:
            return text.count("\n") + 1
        return len(Text(text).wrap(self.app.console, width))
