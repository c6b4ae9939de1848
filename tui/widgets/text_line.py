"""A line or two of plain text that asks Textual for a layout pass only when the
number of lines it takes changes."""

from __future__ import annotations

from typing import Any

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

    def show(self, text: str) -> bool:
        """Show ``text``; whether it differs from what was shown."""
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
