"""Axis ticks whose labels never run together.

textual-plot's NumericAxisFormatter picks up to 8 ticks whatever the plot's size,
so on a plot 28 cells wide the labels of 0 … 25000 ran into one another
(``0   50001000015002000025000``). These formatters ask the plot where each tick
lands (its public ``get_pixel_from_coordinate``) and take the finest 1-2-5 step
whose labels, placed as PlotWidget places them, stand at least a space apart
(x) or on rows of their own (y); big round numbers are written short (25k, 1.5M).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from math import ceil, floor, isfinite, log10
from typing import Literal

from textual.css.query import NoMatches
from textual_hires_canvas import Canvas
from textual_plot import PlotWidget
from textual_plot.axis_formatter import NumericAxisFormatter

STEPS = (1.0, 2.0, 5.0)
"""A tick step is one of these times a power of ten."""
GAP = 1
"""Blank cells at least between two x labels."""
SUFFIXES = ((1e3, "k"), (1e6, "M"), (1e9, "G"))
"""Units for big ticks (25k for 25000), tried from the smallest."""
SHORTEN_FROM = 1e4
"""Ticks this big or bigger may be written in a unit; 5000 stays 5000."""


def short_labels(ticks: Sequence[float]) -> list[str] | None:
    """25k, 1.5M: every tick in the same unit, each label exact, the unit whose longest
    label is shortest (the smaller unit on a tie: 200k, not 0.2M); None where no unit
    applies (small numbers, or ticks that are not whole)."""
    biggest = max((abs(t) for t in ticks), default=0.0)
    if biggest < SHORTEN_FROM or not all(float(t).is_integer() for t in ticks):
        return None
    best: list[str] | None = None
    for size, suffix in SUFFIXES:
        labels = [f"{t / size:g}{suffix}" if t else "0" for t in ticks]
        exact = all(
            float(label[:-1]) * size == t for label, t in zip(labels, ticks, strict=True) if t
        )
        if not exact or "e" in "".join(labels):
            continue
        if best is None or max(map(len, labels)) < max(map(len, best)):
            best = labels
    return best


class SpacedTicks(NumericAxisFormatter):
    """1-2-5 ticks on one axis of ``plot``, as many as fit apart."""

    def __init__(self, plot: PlotWidget, axis: Literal["x", "y"]) -> None:
        self.plot = plot
        self.axis = axis

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        """25k for 25000; fixed-point as textual-plot writes it, unless a label would
        not fit the y axis's margin (textual-plot cuts it there: 1e-7, 0, -1e-7 read
        0.0000001, 0.0000000, -0.000000), then the fewest significant digits that tell
        the ticks apart (1e-07, 0, -1e-07)."""
        labels = short_labels(ticks) or super().get_labels_for_ticks(ticks)
        room = self.plot.margin_left - 1
        if all(len(label) <= room for label in labels):
            return labels
        for digits in range(1, 10):
            compact = [f"{t:.{digits}g}" for t in ticks]
            if len(set(compact)) == len(compact) and all(len(c) <= room for c in compact):
                return compact
        return labels

    def candidates(self, min_: float, max_: float, max_ticks: int) -> list[list[float]]:
        """Tick lists from the finest step textual-plot would take to a single tick."""
        span = max_ - min_
        power = floor(log10(span / max(1, max_ticks)))
        found: list[list[float]] = []
        for exponent in range(power, power + 30):
            for step in (s * 10.0**exponent for s in STEPS):
                first = ceil(min_ / step)
                count = floor(max_ / step) - first + 1
                if count < 1:
                    return found
                if count <= max_ticks:
                    found.append([(first + k) * step for k in range(count)])
        return found

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        if not (isfinite(min_) and isfinite(max_)) or max_ <= min_:
            return super().get_ticks(min_, max_, max_ticks)
        for ticks in self.candidates(min_, max_, max_ticks):
            if self.fits(ticks, min_, max_):
                return ticks
        return []

    def fits(self, ticks: Sequence[float], min_: float, max_: float) -> bool:
        """The labels, placed as PlotWidget's ``_render_x_ticks``/``_render_y_ticks``
        place them, lie inside the plot and apart from one another."""
        try:
            canvas = self.plot.query_one("#plot", Canvas)
        except NoMatches:
            return True
        labels = self.get_labels_for_ticks(ticks)
        if self.axis == "y":
            rows = [self.plot.get_pixel_from_coordinate(0.0, t)[1] for t in ticks]
            rows = [row + 1 if t == min_ else row for row, t in zip(rows, ticks, strict=True)]
            inside = all(0 <= row < canvas.size.height for row in rows)
            return inside and len(set(rows)) == len(rows)
        spans = []
        for tick, label in zip(ticks, labels, strict=True):
            x = self.plot.get_pixel_from_coordinate(tick, 0.0)[0]
            length = len(label)
            if tick == max_:
                start = x - length + 1  # right-aligned on the last cell
            else:
                x -= 1 if tick == min_ else 0
                start = x - length // 2 + (length % 2 == 0)  # centred (Canvas.write_text)
            spans.append((start, start + length - 1))
        left, right = -self.plot.margin_left, canvas.size.width - 1
        if spans and (spans[0][0] < left or spans[-1][1] > right):
            return False
        return all(b[0] - a[1] > GAP for a, b in pairwise(spans))


class PowerOfTenTicks(SpacedTicks):
    """Ticks at whole powers of ten, on rows of their own, for an axis of log10 values."""

    def __init__(self, plot: PlotWidget) -> None:
        super().__init__(plot, "y")

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        if not (isfinite(min_) and isfinite(max_)) or max_ < min_:
            return []
        lo, hi = ceil(min_), floor(max_)
        for step in range(max(1, -(-(hi - lo) // max(1, max_ticks - 1))), hi - lo + 2):
            ticks = [float(k) for k in range(lo, hi + 1, step)]
            if self.fits(ticks, min_, max_):
                return ticks
        return []

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        return [f"1e{int(t)}" for t in ticks]
