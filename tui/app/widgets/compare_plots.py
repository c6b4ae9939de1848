"""The compare screen's loss plot: every member's loss curve on one log plot, each
in its own colour (their paths are drawn over the landscape by
:class:`tui.app.widgets.landscape.LandscapePlot`).

Colour tells members apart, and the members' table is the legend: its rows are in
the members' colours. Each member's mark (1, 2, …, a, b, …) stands at the end of
its curve and its path and before its name in the table, so that without colour
(NO_COLOR) or beyond the palette's 16 colours every curve can still be told from
the others. The plot draws no legend of its own: textual-plot's is a box over the
data, which at 80x24 covered the axis and the table and lost members 10 to 12.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from solvers.pictures.members_map import member_mark
from tui.app.display import colour, line_mode
from tui.app.widgets.axis_ticks import PowerOfTenTicks
from tui.app.widgets.plots import _Plot
from tui.app.widgets.series import log_progress, min_max_buckets

POINTS = 1600
"""Points drawn in all, shared by the members: drawing costs per segment, and a
frame that takes long holds up the next key's effect."""


def marked(index: int, label: str) -> str:
    """A member's name as the table shows it and the plot records it: its mark first."""
    return f"{member_mark(index)} {label}"


class MembersLossPlot(_Plot):
    """log10(f − f*) against iteration, one curve per member (f − min f without f*)."""

    DEFAULT_CSS = """
    MembersLossPlot { height: 1fr; min-height: 6; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_pan_and_zoom=False, **kwargs)
        self.can_focus = False

    def label_axes(self) -> None:
        self.set_y_formatter(PowerOfTenTicks(self))
        self.set_xlabel("iteration")
        self.set_ylabel("f - f*")

    def compact(self, short: bool) -> None:
        """On a short screen, one line above the data and one below (the ticks; the
        axis is named by its ticks and the status line's "iteration N of M")."""
        self.margin_top, self.margin_bottom = (1, 1) if short else (2, 3)

    def show(
        self,
        series: Sequence[np.ndarray],
        labels: Sequence[str],
        optimum_value: float | None,
    ) -> None:
        """Plot each member's objective values (one array per member)."""
        if not self.composed:
            return
        with self.legend_once():
            self._curves(series, labels, optimum_value)
        self.set_ylabel("f - f*" if optimum_value is not None else "f - min f")

    def _curves(
        self,
        series: Sequence[np.ndarray],
        labels: Sequence[str],
        optimum_value: float | None,
    ) -> None:
        self.clear()
        lowest = None
        if optimum_value is None:
            finite = [float(np.nanmin(v)) for v in series if len(v) and np.isfinite(v).any()]
            lowest = min(finite) if finite else 0.0
        # each bucket gives two points (its min and max)
        buckets = max(8, min(self.size.width, POINTS // (2 * max(1, len(series)))))
        ends: list[tuple[np.ndarray, np.ndarray, int]] = []
        for index, (values, label) in enumerate(zip(series, labels, strict=True)):
            if len(values) == 0:
                continue
            logs, _ = log_progress(values, optimum_value, lowest)
            xs, ys = min_max_buckets(logs, buckets)
            self.plot(
                xs, ys, line_style=colour(index), hires_mode=line_mode(), label=marked(index, label)
            )
            ends.append((xs, ys, index))
        _mark_ends(self, ends)


def _mark_ends(plot: _Plot, ends: list[tuple[np.ndarray, np.ndarray, int]]) -> None:
    """Each member's mark on the last finite point of its curve, drawn after
    every line so that no later member's line covers it.

    textual-plot maps the top and right edges of the data (its autoscaled range)
    one cell outside its canvas, where a mark would vanish: a curve's end is always
    on the right edge. So a mark on an edge is moved a millionth of the range in."""
    points = [(xs[np.isfinite(xs)], ys[np.isfinite(ys)]) for xs, ys, _ in ends]
    all_x = np.concatenate([x for x, _ in points]) if points else np.empty(0)
    all_y = np.concatenate([y for _, y in points]) if points else np.empty(0)
    if len(all_x) == 0 or len(all_y) == 0:
        return
    x_top, y_top = float(all_x.max()), float(all_y.max())
    x_in = x_top - 1e-6 * max(x_top - float(all_x.min()), 1e-12)
    y_in = y_top - 1e-6 * max(y_top - float(all_y.min()), 1e-12)
    for xs, ys, index in ends:
        finite = np.flatnonzero(np.isfinite(xs) & np.isfinite(ys))
        if len(finite):
            last = finite[-1]
            x, y = min(float(xs[last]), x_in), min(float(ys[last]), y_in)
            plot.scatter([x], [y], marker=member_mark(index), marker_style=f"bold {colour(index)}")
