"""Columns of a Line-API table that scroll sideways by whole columns, and are shown
whole or not at all: a number cut at the table's edge (0.0013 for 0.00135) reads as
another number. Shared by the iteration table and the compare's members table."""

from __future__ import annotations

from collections.abc import Sequence

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
