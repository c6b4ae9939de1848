"""Columns of a Line-API table that scroll sideways by whole columns, and are shown
whole or not at all: a number cut at the table's edge (0.0013 for 0.00135) reads as
another number. Shared by the iteration table and the compare's members table."""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.actions import SkipAction
from textual.scroll_view import ScrollView
from textual.strip import Strip

Span = tuple[int, int]
"""A column's first cell and its width, in the scrolled part of a line."""


def spans_of(widths: Sequence[int], gap: int = 0) -> list[Span]:
    """Each column's span, columns ``gap`` cells apart."""
    spans, at = [], 0
    for width in widths:
        spans.append((at, width))
        at += width + gap
    return spans


def whole_columns(text: str, spans: Sequence[Span], scroll_x: int, shown: int) -> str:
    """The ``shown`` cells of ``text`` from ``scroll_x`` on, with blanks where a column
    is only partly in view."""
    visible = list(text[scroll_x : scroll_x + shown].ljust(shown))
    end = scroll_x + shown
    for start, width in spans:
        stop = start + width
        if stop <= scroll_x or start >= end or (start >= scroll_x and stop <= end):
            continue
        for cell in range(max(start, scroll_x), min(stop, end)):
            visible[cell - scroll_x] = " "
    return "".join(visible)


def next_start(spans: Sequence[Span], scroll_x: int, most: int) -> int:
    """The scroll position that brings the column after the first shown to the left
    edge (at most ``most``, the scroll's end)."""
    later = [start for start, _ in spans if start > scroll_x]
    return min(later[0] if later else most, most)


def previous_start(spans: Sequence[Span], scroll_x: int) -> int:
    """The scroll position that brings the column before the first shown (or the
    partly shown first one) whole to the left edge."""
    earlier = [start for start, _ in spans if start < scroll_x]
    return earlier[-1] if earlier else 0


class ColumnScrollView(ScrollView):
    """A Line-API table whose first column stays and whose other columns ``←`` ``→``
    move by whole columns; ◀ ▶ in its header say where columns lie off screen."""

    def _spans(self) -> list[Span]:
        """The scrolled columns' spans, in the scrolled part's cells."""
        raise NotImplementedError

    def _pinned_cells(self) -> int:
        """Cells of the first column and its space, which never scroll."""
        raise NotImplementedError

    def action_scroll_right(self) -> None:
        """The next column: the one after the first shown comes first."""
        if not self.allow_horizontal_scroll:
            raise SkipAction()
        x = next_start(self._spans(), int(self.scroll_target_x), int(self.max_scroll_x))
        self.scroll_to(x=x, animate=False)

    def action_scroll_left(self) -> None:
        """The previous column, whole (from a part-shown one: that one, whole)."""
        if not self.allow_horizontal_scroll:
            raise SkipAction()
        self.scroll_to(x=previous_start(self._spans(), int(self.scroll_target_x)), animate=False)

    def _mark_hidden_columns(self, strip: Strip, scroll_x: int, width: int, style: Style) -> Strip:
        """◀ after the first column and ▶ at the header's end where columns lie off
        screen."""
        left = scroll_x > 0
        right = scroll_x + width < self.virtual_size.width
        at = self._pinned_cells() - 1
        if not (left or right) or width < at + 3:
            return strip
        text = strip.text
        first, last = ("◀" if left else text[at]), ("▶" if right else text[-1])
        return Strip([Segment(text[:at] + first + text[at + 1 : -1] + last, style)])
