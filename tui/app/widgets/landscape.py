"""The landscape under the run: f's curve with the iterates on it, or a contour map.

One parameter: a textual-plot curve of f over the visited range with the
iterates on it (:mod:`tui.app.widgets.curve_plot`). Two: a character map of f's
levels under the path (:mod:`tui.app.widgets.contour_view`). More (chapter 3): the
map over the first two with the others held at their current values, the title
saying so. This module holds the panel: its title and legend, which of the two
shows, and the worker that computes them.

Nothing here imports torch: :meth:`LandscapePlot.update_from` computes in a
thread worker (importing :mod:`solvers.pictures.landscape` there, once torch is loaded)
and posts the result back. The map's grid is reused while the path stays in its
box, so a call costs a few milliseconds of the worker's time, and none of the UI's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, Protocol

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.worker import get_current_worker

from solvers.core.facts import Facts
from solvers.pictures.landscape_model import ContourMap, Curve, Landscape, NoLandscape
from solvers.pictures.members_map import MembersCurve, MembersMap
from solvers.run.history import Layout
from tui.app.widgets.contour_view import ContourView
from tui.app.widgets.curve_plot import CurvePlot
from tui.app.widgets.text_line import TextLine

DEFAULT_SIZE = (60, 20)
"""The map's cells before the widget has a size of its own."""


class ViewLike(Protocol):
    """What the plot reads of a run (:class:`solvers.run.view.RunView` has it)."""

    @property
    def rows(self) -> np.ndarray: ...

    @property
    def layout(self) -> Layout: ...

    @property
    def facts(self) -> Facts: ...


Drawn = Landscape | MembersMap | MembersCurve
"""What the plot draws: a run's landscape, or a compare's members over one."""
Job = Callable[[tuple[int, int], Drawn], Drawn]
"""Computes what to draw at a size, given what was drawn last (its grid may serve)."""


def _run_job(problem: Any, path: np.ndarray, facts: Facts, size: tuple[int, int],
             previous: Drawn) -> Drawn:  # fmt: skip
    from solvers.pictures.landscape import compute_landscape  # torch: in the worker's thread

    return compute_landscape(problem, path, size, facts=facts, previous=previous)


def _members_job(
    problem: Any,
    paths: list[np.ndarray],
    counted: list[bool],
    facts: Facts,
    size: tuple[int, int],
    previous: Drawn,
) -> Drawn:
    from solvers.pictures.landscape import (
        compute_members_landscape,  # torch: in the worker's thread
    )

    return compute_members_landscape(problem, paths, counted, size, facts=facts, previous=previous)


class LandscapePlot(Vertical):
    """f under the path: a title, the curve or the map, and a legend.

    Call :meth:`update_from` (a run) or :meth:`update_members` (a compare) at the
    plots' bounded rate; it returns at once and the plot redraws when the worker is
    done.
    """

    DEFAULT_CSS = """
    LandscapePlot { height: 1fr; min-height: 6; }
    LandscapePlot > #landscape-title { height: 1; text-style: bold; }
    LandscapePlot > #landscape-legend { height: auto; max-height: 6; color: $text-muted; }
    """

    can_focus = False

    class Computed(Message):
        """A landscape computed by the worker, for the request numbered ``serial``."""

        def __init__(self, landscape: Drawn, serial: int) -> None:
            super().__init__()
            self.landscape = landscape
            self.serial = serial

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.landscape: Drawn = NoLandscape("no iterations yet")
        self._serial = 0
        self._shown = 0
        self._again: Callable[[], None] | None = None
        """Asks for the last request again (at a new size, or once composed)."""
        self._problem: Any = None
        """The problem of the last request: a grid computed for another is no cache."""

    def compose(self) -> ComposeResult:
        yield TextLine("", id="landscape-title")
        yield CurvePlot(id="landscape-curve")
        yield ContourView(id="landscape-map")
        yield TextLine("", id="landscape-legend")

    @property
    def composed(self) -> bool:
        """The title, curve, map and legend are mounted (together, or not at all: a plot
        removed before it composed, as the app leaves, never gets them)."""
        return bool(self.query_children(ContourView))

    def on_mount(self) -> None:
        if not self.composed:
            return
        self._draw()
        if self._again is not None:  # asked before its children existed
            self._again()

    def update_from(self, view: ViewLike | None, problem: Any) -> None:
        """Recompute for the run's rows so far, off the UI thread.

        ``problem`` is the run's :class:`solvers.problems.problem.Problem` (anything with
        ``spec`` and ``objective_on``); ``view`` its :class:`~solvers.run.view.RunView`,
        or None to clear the plot.
        """
        rows = view.rows if view is not None else None
        if view is None or rows is None or len(rows) == 0:
            self._nothing()
            return
        self._again = partial(self.update_from, view, problem)
        self._follow_problem(problem)
        path = rows[:, view.layout.params]
        job = partial(_run_job, problem, path, view.facts)
        self._ask(job, one_parameter=view.layout.n_params == 1)

    def update_members(
        self, views: Sequence[ViewLike], counted: Sequence[bool], problem: Any, facts: Facts
    ) -> None:
        """Recompute for a compare's members' rows so far, off the UI thread; the box is
        planned around the ``counted`` ones (those that have not diverged)."""
        if not views or not any(len(view.rows) for view in views):
            self._nothing()
            return
        self._again = partial(self.update_members, views, counted, problem, facts)
        self._follow_problem(problem)
        paths = [view.rows[:, view.layout.params] for view in views]
        job = partial(_members_job, problem, paths, list(counted), facts)
        self._ask(job, one_parameter=views[0].layout.n_params == 1)

    def _follow_problem(self, problem: Any) -> None:
        """A request for another problem than the last: what was drawn is no grid to
        reuse, and no result still to come for the last problem is shown."""
        if problem is self._problem:
            return
        self._problem = problem
        self.landscape = NoLandscape("no iterations yet")  # not drawn: the next result is
        self._shown = self._serial + 1  # the request about to be made, and later ones

    def _nothing(self) -> None:
        self._again = None
        self._serial += 1
        self.workers.cancel_group(self, "landscape")
        self.show_landscape(NoLandscape("no iterations yet"), self._serial)

    def _ask(self, job: Job, *, one_parameter: bool) -> None:
        if not self.composed:
            return  # not composed yet: on_mount asks again
        self._serial += 1
        # a curve: two braille dots a column
        size = (max(64, 2 * self.content_size.width), 1) if one_parameter else self._map_size()
        self._compute(job, size, self.landscape, self._serial)

    def _map_size(self) -> tuple[int, int]:
        """(cols, rows) the map has, or would have if shown (title and legend aside)."""
        cells = self.query_one(ContourView).size
        if cells.area:
            return cells.width, cells.height
        box = self.content_size
        if box.width >= 4 and box.height >= 6:
            return box.width, box.height - 3
        return DEFAULT_SIZE

    def clear(self) -> None:
        """Show no landscape (a reset run)."""
        self._nothing()

    # a description, or Textual describes the worker by repr() of its arguments:
    # the previous landscape's arrays, ~40 ms of the UI thread per request
    @work(thread=True, exclusive=True, group="landscape", exit_on_error=False,
          description="landscape")  # fmt: skip
    def _compute(self, job: Job, size: tuple[int, int], previous: Drawn, serial: int) -> None:
        try:
            landscape = job(size, previous)
            if isinstance(landscape, ContourMap | MembersMap):
                landscape.glyph_rows()  # here, not in the UI thread (it is kept)
            if isinstance(landscape, MembersMap):
                landscape.owners()
        except Exception as error:  # a landscape is a picture: never worth a crash
            landscape = NoLandscape(f"could not evaluate the landscape: {error}")
        if not get_current_worker().is_cancelled:
            self.post_message(self.Computed(landscape, serial))

    def on_landscape_plot_computed(self, message: Computed) -> None:
        message.stop()
        self.show_landscape(message.landscape, message.serial)

    def show_landscape(self, landscape: Drawn, serial: int | None = None) -> None:
        """Draw a computed landscape (older requests' results are dropped)."""
        if serial is not None:
            if serial < self._shown:
                return
            self._shown = serial
        self.landscape = landscape
        if self.composed:  # else on_mount draws it
            self._draw()

    def _draw(self) -> None:
        landscape = self.landscape
        title = self.query_one("#landscape-title", TextLine)
        legend = self.query_one("#landscape-legend", TextLine)
        curve = self.query_one(CurvePlot)
        contour = self.query_one(ContourView)
        if isinstance(landscape, NoLandscape):
            title.show(f"landscape: nothing drawn, {landscape.reason}")
            contour.show(None)
            curve.display = False
            if contour.display:
                # a map shown before keeps its place, blank, and the legend its lines:
                # the next run's first map then draws without a layout pass of the
                # screen
                legend.blank()
            else:
                legend.show("")
            return
        curve.display = isinstance(landscape, Curve | MembersCurve)
        contour.display = isinstance(landscape, ContourMap | MembersMap)
        title.show(landscape.title)
        if isinstance(landscape, Curve):
            curve.show(landscape)
            legend.show_items(landscape.legend_items)
        elif isinstance(landscape, MembersCurve):
            curve.show_members(landscape)
            legend.show_items(landscape.legend_items)
        else:
            contour.show(landscape)
            legend.show_items(landscape.plan.axes_items, landscape.legend_items)
            # the map's own size may have changed with it (shown at last, or a title or
            # legend taking another number of lines): once laid out, ask again if so
            self.call_after_refresh(self._follow_size)

    def on_resize(self) -> None:
        """A new size needs a new grid: ask again with the last rows, once laid out."""
        self.call_after_refresh(self._follow_size)

    def _follow_size(self) -> None:
        """Called after a refresh, by then perhaps removed (its children gone with it)."""
        landscape = self.landscape
        maps = self.query_children(ContourView)
        if self._again is None or not isinstance(landscape, ContourMap | MembersMap) or not maps:
            return
        cells = maps.first().size
        if cells.area and landscape.plan.size != (cells.width, cells.height):
            self._again()
