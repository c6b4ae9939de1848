"""The objective against iteration on a log scale, and the parameters' path.

Both wrap textual-plot's PlotWidget and are fed downsampled series (a few
hundred points whatever the run's length): drawing 30,000 points costs about
300 ms a frame, drawing 400 costs a few.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from rich.segment import Segment
from textual.app import ComposeResult
from textual.containers import Grid
from textual.strip import Strip
from textual_hires_canvas import Canvas
from textual_plot import PlotWidget
from textual_plot.axis_formatter import NumericAxisFormatter
from textual_plot.plot_widget import Legend

from tui.display import line_mode
from tui.widgets.series import min_max_buckets


class PowerOfTenFormatter(NumericAxisFormatter):
    """Ticks at whole powers of ten for an axis that holds log10 values."""

    def get_ticks(self, min_: float, max_: float, max_ticks: int = 8) -> list[float]:
        lo, hi = int(np.floor(min_)), int(np.ceil(max_))
        step = max(1, -(-(hi - lo) // max(1, max_ticks - 1)))
        return [float(k) for k in range(lo, hi + 1, step) if min_ <= k <= max_]

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        return [f"1e{int(t)}" for t in ticks]


class StyledCanvas(Canvas):
    """A Canvas whose every segment has a style, so ``NO_COLOR`` can filter it.

    textual-hires-canvas 0.14's ``Canvas.render_line`` returns
    ``Strip.blank(cell_length=0)`` -- one segment whose style is None -- for a line
    below the canvas or before it has a size. Textual's ``Monochrome`` filter,
    which ``NO_COLOR`` turns on, calls ``monochrome_style(segment.style)`` and
    fails on None (its ``NoColor`` filter checks for None; ``Monochrome`` does
    not). This gives such segments the canvas's own style.
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


class _Plot(PlotWidget):
    """A PlotWidget that ignores data until its own children exist.

    PlotWidget.clear() looks up its legend, which is only there once the widget
    has composed; a run started right after the screen opens can get here first.
    """

    def compose(self) -> ComposeResult:
        """PlotWidget's own children, with canvases that ``NO_COLOR`` can filter."""
        with Grid():
            yield StyledCanvas(1, 1, id="margin-top")
            yield StyledCanvas(1, 1, id="margin-left")
            yield StyledCanvas(1, 1, id="plot")
            yield StyledCanvas(1, 1, id="margin-bottom")
        yield Legend(id="legend")

    @property
    def composed(self) -> bool:
        return bool(self.query("#legend"))


class ObjectivePlot(_Plot):
    """Gap to the optimum, f - f*, against iteration, log10 y axis."""

    DEFAULT_CSS = """
    ObjectivePlot { height: 1fr; min-height: 6; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_pan_and_zoom=False, **kwargs)

    def on_mount(self) -> None:
        self.set_y_formatter(PowerOfTenFormatter())
        self.set_xlabel("iteration")
        self.set_ylabel("f - f*")

    def show(self, log_values: np.ndarray) -> None:
        """Plot log10 gaps (one per iteration), downsampled to the widget's width."""
        if not self.composed:
            return
        self.clear()
        if len(log_values) == 0:
            return
        xs, ys = min_max_buckets(log_values, max(8, self.size.width))
        self.plot(xs, ys, line_style="bold green", hires_mode=line_mode())


class PathPlot(_Plot):
    """Where the parameters went: x against iteration (one parameter) or x1 against x0."""

    DEFAULT_CSS = """
    PathPlot { height: 1fr; min-height: 6; }
    """

    def __init__(self, names: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(allow_pan_and_zoom=False, **kwargs)
        self.names = names
        self.optimum: tuple[float, ...] | None = None
        """Drawn as a marker once known (it is computed after torch loads)."""

    def on_mount(self) -> None:
        if len(self.names) == 1:
            self.set_xlabel("iteration")
            self.set_ylabel(self.names[0])
        else:
            self.set_xlabel(self.names[0])
            self.set_ylabel(self.names[1])

    def show(self, params: np.ndarray) -> None:
        """Plot the path of rows of parameters (n, 1) or (n, 2)."""
        if not self.composed:
            return
        self.clear()
        if len(params) == 0:
            return
        if params.shape[1] == 1:
            xs, ys = min_max_buckets(params[:, 0], max(8, self.size.width))
            self.plot(xs, ys, line_style="bold cyan", hires_mode=line_mode())
            if self.optimum is not None:
                end = max(1.0, float(len(params) - 1))
                self.plot(
                    [0.0, end],
                    [self.optimum[0]] * 2,
                    line_style="yellow",
                    hires_mode=line_mode(),
                )
            return
        step = max(1, len(params) // 400)
        path = np.vstack([params[::step, :2], params[-1:, :2]]).astype(np.float64)
        self.plot(path[:, 0], path[:, 1], line_style="bold cyan", hires_mode=line_mode())
        self.scatter(path[:1, 0], path[:1, 1], marker="o", marker_style="white")
        if self.optimum is not None:
            self.scatter([self.optimum[0]], [self.optimum[1]], marker="*", marker_style="yellow")
