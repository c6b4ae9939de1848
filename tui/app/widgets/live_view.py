"""The live half of a chapter screen: loss sparkline, plots and the iteration table.

It imports numpy and textual-plot, so the screen mounts it only after the first
frame is on the terminal (see ChapterScreen.mount_live).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Sparkline
from textual_plot import PlotWidget

from solvers.chapters.registry import chapter_for
from solvers.core.specs import ProblemSpec, problem_key
from solvers.run.epochs import is_minibatch, judged_column
from solvers.run.history import Layout
from solvers.run.table_view import table_view
from solvers.run.view import RunView
from tui.app.run_controller import PLOT_SECONDS, TABLE_SECONDS
from tui.app.widgets.fit_plot import FitPlot
from tui.app.widgets.iteration_table import IterationTable
from tui.app.widgets.landscape import LandscapePlot
from tui.app.widgets.plots import ObjectivePlot, PathPlot
from tui.app.widgets.series import held, log_etas, log_progress

PLOT_POINTS = 20_000
"""Longer histories are strided to this many rows before the plots bucket them."""


class LiveView(Vertical):
    """Sparkline of log10(f - f*), the objective and path plots, and the table."""

    def __init__(
        self,
        spec: ProblemSpec,
        problem: Any = None,
        extra_names: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.extra_names = extra_names
        """The update rule's columns (the step taken, its state), after the problem's."""
        self.problem = problem
        """The solver's Problem, for the landscape (computed off the UI thread)."""
        self.problem_spec = spec
        """The spec ``problem`` was made from: the landscape draws only runs of its
        function and start (:func:`solvers.core.specs.problem_key`)."""
        self._composed = False
        self._plotted_at = 0.0
        self._tabled_at = 0.0

    def compose(self) -> ComposeResult:
        yield Sparkline([], id="sparkline")
        with Horizontal(id="plots"):
            yield ObjectivePlot(id="objective-plot")
            if self.spec.norms_only:
                yield FitPlot(id="fit-plot")
            elif self.problem is not None and self.spec.n_params <= 3:
                yield LandscapePlot(id="landscape-plot")
            elif self.spec.n_params <= 2:
                yield PathPlot(self.spec.param_names, id="path-plot")
        layout = Layout.of(self.spec, self.extra_names)
        yield IterationTable(table_view(layout), id="table")

    class Ready(Message):
        """The view's children exist: whatever happened before can be drawn now."""

    def on_mount(self) -> None:
        if not self.query_children(IterationTable):
            return  # removed before it composed (the app is leaving): nothing to draw in
        # the plots do not zoom or pan, so they take no focus and offer no keys
        for plot in self.query(PlotWidget):
            plot.can_focus = False
        self._composed = True  # the children exist from here on
        self.post_message(self.Ready())

    def follow(self, spec: ProblemSpec, problem: Any) -> None:
        """Draw the landscape of ``problem`` (``spec``'s) from now on: a run of another
        function, of as many variables. The landscape drawn for the last one goes."""
        self.problem = problem
        self.problem_spec = spec
        for landscape in self.query(LandscapePlot):
            landscape.clear()

    @property
    def table(self) -> IterationTable | None:
        """The iteration table, once this view has composed."""
        return self.query_one(IterationTable) if self._composed else None

    def show(
        self,
        view: RunView | None,
        *,
        streaming: bool = False,
        capacity: int = 0,
        live: bool = False,
        fit: Any = None,
    ) -> None:
        """Redraw from the run's rows (all of them: the table is virtual).

        While ``streaming``, the table and the plots redraw only when TABLE_SECONDS
        and PLOT_SECONDS have passed; ``capacity`` is the row count the run heads for
        (0: just the rows there are, so End lands on the last one). While the run is
        ``live`` (streaming or paused) the table hides its scrollbars. ``fit``: a
        network's latest fit to its data (its worker's), for the fit plot.
        """
        table = self.table
        if table is None:
            return  # the screen redraws once this view is mounted
        rows = view.rows if view is not None else np.empty((0, 0), np.float32)
        now = time.monotonic()
        # while rows stream in, and while paused, the table hides its scrollbars:
        # redrawing them costs more than the rows, and showing or hiding them is a
        # layout pass of the whole screen
        table.set_class(streaming or live, "-live")
        plots_due = not streaming or now - self._plotted_at >= PLOT_SECONDS
        # while streaming, never the table and the plots in one frame (a key pressed
        # then would wait for both); the table catches up at the next tick
        if not streaming or (now - self._tabled_at >= TABLE_SECONDS and not plots_due):
            self._tabled_at = now
            table.show(rows, capacity)
        if not plots_due:
            return
        self._plotted_at = now
        for fit_plot in self.query(FitPlot):
            fit_plot.show(fit if view is not None else None)
        if view is None or len(rows) == 0:
            self.query_one(Sparkline).data = []
            self.query_one(ObjectivePlot).show(np.empty(0))
            for plot in self.query(PathPlot):
                plot.show(np.empty((0, self.spec.n_params)))
            for landscape in self.query(LandscapePlot):
                landscape.clear()
            return
        every = max(1, len(rows) // PLOT_POINTS)
        sample = rows[::every]
        values = sample[:, view.layout.objective]
        optimum = view.facts.optimum
        logs, label = log_progress(values, optimum.value if optimum is not None else None)
        log_full = None
        if is_minibatch(view.layout):  # the objective on all rows, held through each epoch
            full = held(rows[:, judged_column(view.layout)])[::every]
            low = float(np.nanmin(values)) if np.isfinite(values).any() else None
            log_full, _ = log_progress(full, optimum.value if optimum is not None else None, low)
        finite = logs[np.isfinite(logs)]
        sparkline = self.query_one(Sparkline)
        step = max(1, len(finite) // max(1, sparkline.size.width or 60))
        sparkline.data = finite[::step].tolist()
        objective_plot = self.query_one(ObjectivePlot)
        if label != objective_plot.gap_label:
            objective_plot.set_gap_label(label)
        said = chapter_for(view.spec).batch_loss
        objective_plot.show(logs, log_etas(sample, view.layout.columns), log_full, said)
        for plot in self.query(PathPlot):
            plot.optimum = optimum.params if optimum is not None else None
            plot.show(sample[:, view.layout.params])
        if problem_key(view.spec) != problem_key(self.problem_spec):
            return  # a run of another function: the slot hands its problem over first
        for landscape in self.query(LandscapePlot):
            landscape.update_from(view, self.problem)
