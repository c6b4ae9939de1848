"""textual-plot's (and textual-hires-canvas's) private names that gdlab uses: written
for textual-plot 0.10 and textual-hires-canvas 0.14.

On another minor version of textual-plot (:data:`tui.compat.TEXTUAL_PLOT` decides, once) the
overrides of :class:`PlotBase` step aside and PlotWidget's own behaviour runs: its
own canvases and legend, a legend rewritten at every change, no one-line legend in
the top margin. ``PRIVATE_NAMES`` lists every private name used;
tests/test_compat_textual_plot.py checks they are still there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.segment import Segment
from textual.containers import Grid
from textual.strip import Strip
from textual_hires_canvas import Canvas
from textual_plot import PlotWidget
from textual_plot.plot_widget import LEGEND_LINE, Legend

from tui.compat import HIRES_CANVAS, TEXTUAL_PLOT

if TYPE_CHECKING:
    from textual.app import ComposeResult

__all__ = [
    "HIRES_CANVAS",
    "LEGEND_LINE",
    "PRIVATE_NAMES",
    "TEXTUAL_PLOT",
    "PlotBase",
    "StyledCanvas",
    "check",
]


PRIVATE_NAMES: dict[str, tuple[str, ...]] = {
    "textual_plot.PlotWidget": (
        "_update_margin_sizes", "_update_legend", "_render_y_label",
        "_labels", "_datasets", "_v_lines_labels",
    ),
    "textual_plot.plot_widget": ("Legend", "LEGEND_LINE"),
}  # fmt: skip
"""Every private (or undocumented: not in ``textual_plot.__all__``) name used here;
an instance attribute counts where PlotWidget sets it in ``__init__``."""


def check() -> str | None:
    """Called once at start-up: None, or the one line saying the overrides are off."""
    return TEXTUAL_PLOT.check()


class StyledCanvas(Canvas):
    """A Canvas whose every segment has a style, so ``NO_COLOR`` can filter it.

    textual-hires-canvas's bug: ``Canvas.render_line`` returns
    ``Strip.blank(cell_length=0)``, one segment whose style is None, for a line below
    the canvas or before it has a size, and Textual's ``Monochrome`` filter (which
    ``NO_COLOR`` turns on) fails on a None style. This gives such segments the
    canvas's own style. Public names only, so it stays on whatever the version.
    """

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if all(segment.style is not None for segment in segments):
            return strip
        style = self.rich_style
        return Strip(
            [
                segment if segment.style is not None else Segment(segment.text, style)
                for segment in segments
            ],
            strip.cell_length,
        )


class PlotBase(PlotWidget):
    """PlotWidget with canvases that ``NO_COLOR`` can filter, margins and a legend that
    wait for its children, a legend redrawn only when what it lists changed, and a
    hook, :meth:`draw_top_margin`, after the y axis label is drawn."""

    def compose(self) -> ComposeResult:
        """PlotWidget's own children (its grid of canvases and its legend), with
        canvases that ``NO_COLOR`` can filter."""
        if not TEXTUAL_PLOT.active():
            yield from super().compose()
            return
        with Grid():
            yield StyledCanvas(1, 1, id="margin-top")
            yield StyledCanvas(1, 1, id="margin-left")
            yield StyledCanvas(1, 1, id="plot")
            yield StyledCanvas(1, 1, id="margin-bottom")
        yield Legend(id="legend")

    def _update_margin_sizes(self) -> None:
        # PlotWidget's margin watchers call this at mount, whether it composed or not
        # (a plot removed before composing has no grid to size)
        if not TEXTUAL_PLOT.active() or self.query_children(Grid):
            super()._update_margin_sizes()

    _legend_held = False
    _legend_shown: object = None

    @contextmanager
    def legend_once(self) -> Iterator[None]:
        """Within, clear/plot/scatter leave the legend alone; it is updated once at the
        end, and only if what it lists changed.

        textual-plot rewrites its legend (a Static) at every clear/plot/scatter, and
        each rewrite asks for a layout of the whole screen: a compare redrawing 16
        curves with marks asked for 33."""
        self._legend_held = True
        try:
            yield
        finally:
            self._legend_held = False
            self._update_legend()

    def _update_legend(self) -> None:
        # PlotWidget calls this after every change of its datasets
        if not TEXTUAL_PLOT.active():
            super()._update_legend()
            return
        if self._legend_held:
            return
        legends = self.query_children("#legend")
        listed = (
            bool(legends) and legends.first().display,
            tuple(
                (label, type(data).__name__, str(getattr(data, "line_style", "")),
                 str(getattr(data, "marker_style", "")), getattr(data, "marker", None))
                for label, data in zip(self._labels, self._datasets, strict=False)
                if label is not None
            ),
            tuple(label for label in self._v_lines_labels if label is not None),
        )  # fmt: skip
        if listed == self._legend_shown:
            return
        self._legend_shown = listed
        super()._update_legend()

    def draw_top_margin(self) -> None:
        """Draw in the top margin, right after PlotWidget wrote the y axis label there
        (not called on another textual-plot)."""

    def _render_y_label(self) -> None:
        super()._render_y_label()
        if TEXTUAL_PLOT.active():
            self.draw_top_margin()
