"""The objective against iteration on a log scale, and the parameters' path.

Both wrap textual-plot's PlotWidget and are fed downsampled series (a few
hundred points whatever the run's length): drawing 30,000 points costs about
300 ms a frame, drawing 400 costs a few.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.text import Text
from textual import events
from textual_hires_canvas import Canvas, TextAlign
from textual_plot import PlotWidget

from tui.app.display import line_mode
from tui.app.widgets.axis_ticks import PowerOfTenTicks, SpacedTicks
from tui.app.widgets.series import min_max_buckets
from tui.compat.textual_plot import LEGEND_LINE, PlotBase


class _Plot(PlotBase):
    """A PlotWidget that ignores data until its own children exist.

    PlotWidget.clear() looks up its legend, which is only there once the widget
    has composed; a run started right after the screen opens can get here first.
    A plot removed (or whose app leaves) between being mounted and composing never
    gets its children at all, yet its Mount handler and its margins' first watch
    still run: PlotWidget's would look up the grid and the legend and fail, so
    here they do nothing without them. Subclasses set up their axes in
    :meth:`label_axes`, called once the children exist. Tick labels stand apart
    (:mod:`tui.app.widgets.axis_ticks`).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.set_x_formatter(SpacedTicks(self, "x"))
        self.set_y_formatter(SpacedTicks(self, "y"))

    @property
    def composed(self) -> bool:
        """The grid's canvases and the legend are mounted (none are, before compose)."""
        return bool(self.query_children("#legend")) and bool(self.query("#plot"))

    def on_mount(self, event: events.Mount) -> None:  # type: ignore[override]
        if not self.composed:
            event.prevent_default()  # PlotWidget's on_mount (a base class's) is not called
            return
        self.label_axes()

    def label_axes(self) -> None:
        """Axis labels, formatters and legend: the subclass's set-up at mount."""


ETA_STYLE = "bold magenta"
"""η's line on the objective plot (the gap's is green)."""
GAP_STYLE = "bold green"
BATCH_STYLE = "yellow"
"""A minibatch run's batch loss (noisy), under the objective on all rows (green)."""
BATCH_LABEL = "batch"
"""A minibatch run's recorded f: the batch's loss, scaled to estimate all rows' (the
chapter's ``batch_loss`` says how; the legend adds it)."""
FULL_LABEL = "all rows, each epoch"
"""The objective on every row, evaluated at each epoch's first iteration."""


class ObjectivePlot(_Plot):
    """Gap to the optimum, f - f*, against iteration, log10 y axis; and, where η changes
    from iteration to iteration (a schedule, armijo's line search), log10 η on the same
    axis, with a legend.

    One axis for both: each is a positive number read in powers of ten, and on a shared
    iteration axis the gap's slope visibly changes where η does, which is what the line
    is there to show; a plot of its own would get a few rows of the plots' dozen at
    120x40, too few to read a step. The legend is one line in the plot's top margin,
    right of the axis label: textual-plot's own legend is a bordered box inside the
    data area, which at this height covers part of one curve or the other.
    """

    DEFAULT_CSS = """
    ObjectivePlot { height: 1fr; min-height: 6; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_pan_and_zoom=False, **kwargs)
        self.gap_label = "f - f*"
        self.curves: tuple[str, ...] = ()
        """The labels of the curves drawn last: (), (gap,), (gap, "η"), or a minibatch
        run's (its batch label, FULL_LABEL[, "η"])."""
        self.curve_styles: tuple[str, ...] = ()
        """Their lines' styles, in the same order."""

    def label_axes(self) -> None:
        self.set_y_formatter(PowerOfTenTicks(self))
        self.set_xlabel("iteration")
        self.set_ylabel(self.gap_label)

    def set_gap_label(self, label: str) -> None:
        """What the gap is (f - f*, or f - min f where f* is not known)."""
        self.gap_label = label
        self.set_ylabel(f"{label}, η" if len(self.curves) > 1 else label)

    def show(
        self,
        log_values: np.ndarray,
        log_etas: np.ndarray | None = None,
        log_full: np.ndarray | None = None,
        batch_label: str = BATCH_LABEL,
    ) -> None:
        """Plot log10 gaps (one per iteration), downsampled to the widget's width; log10
        η of the same iterations where ``log_etas`` is given (NaN: η ≤ 0, left out); and
        a minibatch run's gap of the objective on all rows (``log_full``, evaluated at
        each epoch's start and held through the epoch) under the batch's, whose legend
        says ``batch_label`` (its chapter's words for how the batch's loss is scaled)."""
        if not self.composed:
            return
        self.clear()
        self.curves = ()
        with_eta = log_etas is not None and len(log_etas) == len(log_values) > 0
        with_full = log_full is not None and len(log_full) == len(log_values) > 0
        self.set_ylabel(f"{self.gap_label}, η" if with_eta else self.gap_label)
        if len(log_values) == 0:
            return
        buckets = max(8, self.size.width)
        lines: list[tuple[str, np.ndarray, str]] = []
        if with_full and log_full is not None:
            lines += [(batch_label, log_values, BATCH_STYLE), (FULL_LABEL, log_full, GAP_STYLE)]
        else:
            lines.append((self.gap_label, log_values, GAP_STYLE))
        if with_eta and log_etas is not None:
            lines.append(("η", log_etas, ETA_STYLE))
        self.curves = tuple(label for label, _, _ in lines)  # before plot(): the legend
        self.curve_styles = tuple(style for _, _, style in lines)
        named = len(lines) > 1  # one curve needs no legend: the axis names it
        for label, values, style in lines:
            xs, ys = min_max_buckets(values, buckets)
            self.plot(
                xs, ys, line_style=style, hires_mode=line_mode(), label=label if named else None
            )

    def legend_text(self) -> Text:
        """The one-line legend: each curve's line in its colour, then its name."""
        if len(self.curves) < 2:
            return Text()
        marker = LEGEND_LINE[line_mode()]
        text = Text()
        for label, style in zip(self.curves, self.curve_styles, strict=True):
            text.append(marker, style)
            text.append(f" {label}  ")
        text.rstrip()
        return text

    def draw_top_margin(self) -> None:
        """The legend at the top right (textual-plot's axis label is at the top left)."""
        legend = self.legend_text()
        if not legend:
            return
        margin = self.query_one("#margin-top", Canvas)
        # right-aligned over the data area's right edge, a space short of the plot beside
        margin.write_text(margin.size.width - 2, 0, legend.markup, TextAlign.RIGHT)


def label_path_axes(plot: PlotWidget, names: tuple[str, ...]) -> None:
    """A path's axes: x against iteration (one parameter), else the second against the first."""
    if len(names) == 1:
        plot.set_xlabel("iteration")
        plot.set_ylabel(names[0])
    else:
        plot.set_xlabel(names[0])
        plot.set_ylabel(names[1])


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

    def label_axes(self) -> None:
        label_path_axes(self, self.names)

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
