"""Compare: several η and optimizers on one problem, run together, drawn together.

The fields choose a problem, η values and optimizers; every combination is a
member. ``r`` runs them as one batched computation (:mod:`solvers.run.compare`) in a
worker (:mod:`tui.app.compare_run`); the keys do what the run controller's phase
table says (:mod:`tui.app.run_controller`), as on a chapter: ``space`` pauses and
resumes (once the members are held, the status and the table show the same
iteration), ``s`` stops. The loss curves share one log plot, the paths are drawn
over the problem's landscape (a contour map, or f's curve for one parameter),
each ending in its member's mark, and the table has one row per member, named
after its mark in its colour: the table is the plot's legend. A member that
diverges stops alone and its row says where.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
)

from solvers.chapters.registry import chapter_of, chapters
from solvers.core.specs import ProblemSpec
from solvers.core.validation import SettingError
from solvers.optim.choices import OPTIMIZERS
from solvers.run.members import CompareSettings
from tui.app.compare_run import COMPARE, Members, MembersReport
from tui.app.display import colour
from tui.app.messages import RunEnded, RunFailed, RunProgress, RunStarted
from tui.app.run_controller import PLOT_SECONDS, Controller, Phase
from tui.app.run_keys import RUN_BINDINGS
from tui.app.screens.compare_fields import members_of
from tui.app.screens.member_curves import FullObjectives, loss_series
from tui.app.widgets.members_status import MembersStatus
from tui.app.widgets.members_table import MembersTable
from tui.app.widgets.ordered_input import OrderedInput
from tui.app.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    import numpy as np

    from solvers.core.control import RunControl
    from solvers.run.compare import MemberResult, MemberRun
    from tui.app.widgets.compare_plots import MembersLossPlot
    from tui.app.widgets.landscape import LandscapePlot

FIRST = "3"
"""The chapter the screen opens on."""
COMPARABLE = tuple(OPTIMIZERS)
"""Every optimizer, at its knobs' defaults (the CLI sets knobs)."""
GOING = "going"
"""The outcome of a member still going in a live run, paused or not."""
TABLE_SECONDS = 0.5
"""How often the table is redrawn while rows stream (a chapter's: 0.2 s; the
status line counts iterations at 10 Hz). Each redraw formats every member's row:
~2 ms for 16 members, more with 64."""
COLUMNS = (("member", 20), ("outcome", 14), ("f", 11), ("distance", 9), ("iterations", 10))
"""The table's columns and their widths (fixed: the first rows would size them). The
member's cell starts with its mark: the table is the loss plot's legend."""
SHORT = 30
"""Below this many lines the table may take 60% of the live area (all of 12 members
at 80x24) and the loss plot keeps the rest with slim margins."""


def _ticked(name: str, on: bool) -> str:
    """An optimizer's line in the checklist: its tick is a character, not only a
    colour, so it reads with NO_COLOR and in 16 colours."""
    return f"{'✓' if on else '·'} {name}"


class CompareScreen(Screen[None]):
    """Members side by side: fields, a shared loss plot, paths, and a table."""

    AUTO_FOCUS = "#compare-table"
    """The table, so r, s and space work at once (in a field, letters type)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        *RUN_BINDINGS,
        Binding("escape", "leave_field", "Leave field"),
    ]

    def __init__(self) -> None:
        super().__init__(id="compare")
        # its worker is named after the kind alone: the problem is chosen at each run
        self.controller = Controller[Members, MembersReport](self, "", self._run_changed, COMPARE)
        self._shown_phase = self.controller.phase
        self.spec: ProblemSpec = chapter_of(FIRST).default
        self._drawn_at = (0.0, 0.0)
        """When the plots and the table were last drawn (monotonic seconds)."""
        self._plotted_rows = False
        """Whether the plots were last drawn with some rows (not only the members)."""
        self._fulls = FullObjectives()
        """The minibatch members' f cells, read as their rows arrive."""

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        # the plots import numpy and textual_plot: the screen is first shown long after
        # the app's first frame, and the app imports this module only then
        from tui.app.widgets.compare_plots import MembersLossPlot
        from tui.app.widgets.landscape import LandscapePlot

        yield Header()
        with Horizontal(id="compare-body"):
            with VerticalScroll(id="compare-controls", can_focus=False):
                yield Static("Compare side by side", id="compare-title")
                yield Label("problem")
                yield Select(
                    [(c.default.full_title, c.id) for c in chapters() if c.compare_etas],
                    value=FIRST,
                    allow_blank=False,
                    id="compare-problem",
                    compact=True,
                )
                yield Label("η values")
                yield OrderedInput(
                    " ".join(chapter_of(FIRST).compare_etas), id="compare-etas", compact=True
                )
                yield Label("optimizers")
                yield SelectionList[str](
                    *(
                        (_ticked(name, name == "plain"), name, name == "plain")
                        for name in COMPARABLE
                    ),
                    id="compare-optimizers",
                    compact=True,
                )
                yield Label("iterations")
                yield OrderedInput(str(self.spec.iterations), id="compare-iterations", compact=True)
                yield Label("batch sizes")
                yield OrderedInput("", id="compare-batches", placeholder="all rows", compact=True)
                yield Static("", id="compare-error")
                yield Button("Run (r)", id="compare-run", variant="success", compact=True)
            with Vertical(id="compare-live"):
                yield MembersStatus("", id="compare-status")
                with Horizontal(id="compare-plots"):
                    yield MembersLossPlot(id="compare-loss")
                    yield LandscapePlot(id="compare-paths")
                yield MembersTable(COLUMNS, id="compare-table")
        yield SteadyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self._show_status()

    # ----------------------------------------------------------------- fields
    @on(Select.Changed, "#compare-problem")
    def _problem_changed(self, event: Select.Changed) -> None:
        problem = str(event.value)
        if problem == self.spec.id:
            return
        chapter = chapter_of(problem)
        self.spec = chapter.default
        self.query_one("#compare-etas", Input).value = " ".join(chapter.compare_etas)
        self.query_one("#compare-iterations", Input).value = str(self.spec.iterations)

    @on(SelectionList.SelectedChanged, "#compare-optimizers")
    def _ticks(self, event: SelectionList.SelectedChanged[str]) -> None:
        checklist = event.selection_list
        chosen = set(checklist.selected)
        for index, name in enumerate(COMPARABLE):
            checklist.replace_option_prompt_at_index(index, _ticked(name, name in chosen))

    def on_resize(self) -> None:
        """Narrow terminals (80 columns) drop the paths plot and slim the fields; the
        paths are computed again when it comes back. Short ones (24 lines) give the
        table room for a dozen members."""
        narrow = self.size.width < 100
        widened = self.has_class("-narrow") and not narrow
        self.set_class(narrow, "-narrow")
        short = self.size.height < SHORT
        self.set_class(short, "-short")
        self._loss().compact(short)
        if widened:
            self._draw_paths()
        self.call_after_refresh(self._show_status)  # refit it at its laid-out width

    def _read(self) -> tuple[ProblemSpec, CompareSettings] | None:
        """The problem and members the fields describe; None after showing what is wrong."""
        error = self.query_one("#compare-error", Static)
        try:
            settings = members_of(
                self.query_one("#compare-etas", Input).value,
                self.query_one("#compare-optimizers", SelectionList).selected,
                self.query_one("#compare-iterations", Input).value,
                self.query_one("#compare-batches", Input).value,
                chapter_of(self.spec.id).data_rows,
            )
        except SettingError as problem:
            error.update(Text(str(problem), style="bold red"))
            return None
        error.update("")
        return self.spec, settings

    def action_leave_field(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one(MembersTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only what does something now, by the phase table (through a run,
        dimmed while it does not); in a text field, letters type."""
        in_field = isinstance(self.focused, Input)
        if action == "leave_field":
            return in_field
        if action != "key":
            return True
        return not in_field and self.controller.offered(str(parameters[0]), len(parameters) > 1)

    # ------------------------------------------------------------------- keys
    @on(Button.Pressed, "#compare-run")
    def _run_pressed(self) -> None:
        self.action_key("run")

    def action_key(self, key: str, _words: str = "") -> None:
        """r, s, space: whatever the phase table says (tui.app.run_controller); ``_words``
        only tells the footer which of a key's effects a binding names."""
        self.controller.press(key, self._read)

    # ------------------------------------------------------------------ the run
    @property
    def phase(self) -> Phase:
        return self.controller.phase

    @property
    def count(self) -> int:
        """Iterations recorded by the members still going."""
        return self.controller.count

    @property
    def control(self) -> RunControl | None:
        return self.controller.control

    @property
    def members(self) -> list[MemberRun]:
        """The current run's members, once its worker has built them."""
        view = self.controller.view
        return view.runs if view is not None else []

    @property
    def results(self) -> list[MemberResult]:
        """One per member, once the run has ended."""
        report = self.controller.report
        return report.results if report is not None else []

    def _run_changed(self) -> None:
        """A new phase: its status, the outcomes of a run no longer live, the keys
        it offers; paused, the plots and table with every row so far, after the
        frame that says "paused" (which then is not held up)."""
        phase = self.phase
        if phase is self._shown_phase or not self.is_attached:
            return
        self._shown_phase = phase
        self._show_status()
        if not phase.live:  # a live member's row says "going", paused or not: the
            self._fill_outcomes()  # status line says which
        self.refresh_bindings()
        if phase is Phase.PAUSED:
            self.call_after_refresh(self._draw)

    # ------------------------------------------------------ worker's messages
    @on(RunStarted)
    def _started(self, message: RunStarted[Members]) -> None:
        self.controller.started(message)
        if message.run_id != self.controller.run_id:
            return
        from tui.app.widgets.compare_plots import marked  # numpy: imported once it runs

        table = self.query_one(MembersTable)
        table.clear()
        self._fulls.clear()
        table.set_label(3, "‖∇f‖" if message.view.facts.optimum is None else "distance")
        for index in range(len(self.members)):
            cells = (marked(index, self._label(index)), GOING, "", "", "0")
            table.add_row(cells, style=f"bold {colour(index)}")
        self._plotted_rows = False
        self._paths().clear()
        self._draw()

    @on(RunProgress)
    def _progress(self, message: RunProgress) -> None:
        self.controller.progress(message)
        if message.run_id == self.controller.run_id:
            # paused: the last rows (the chunk that was running, then the hold) are
            # drawn whole, so that the status and the table show the same iteration
            self._draw(streaming=self.phase is not Phase.PAUSED)

    @on(RunEnded)
    def _ended(self, message: RunEnded[MembersReport]) -> None:
        self.controller.ended(message)
        if message.run_id == self.controller.run_id:
            self._draw()

    @on(RunFailed)
    def _failed(self, message: RunFailed) -> None:
        self.controller.failed(message)

    # ----------------------------------------------------------------- drawing
    def _loss(self) -> MembersLossPlot:
        return self.query_one("#compare-loss")  # type: ignore[return-value]

    def _paths(self) -> LandscapePlot:
        return self.query_one("#compare-paths")  # type: ignore[return-value]

    def _label(self, index: int) -> str:
        return self.members[index].member.label

    def _show_status(self) -> None:
        self.query_one(MembersStatus).show(self.controller)

    def _draw(self, *, streaming: bool = False) -> None:
        """The plots and the table, from the members' rows recorded so far. While
        ``streaming``, the table redraws at most every TABLE_SECONDS and the plots
        every PLOT_SECONDS, as a chapter's do: sixteen curves cost a frame ~50 ms,
        and a key's effect waits for the frame being drawn. The first rows are drawn
        as soon as they come: the landscape and its legend then appear, and lay the
        screen out again, right after r rather than 2 s into the run."""
        if not self.is_attached:
            return  # a pause's redraw, called after a refresh the app left before
        self._show_status()
        if not self.members:
            return
        now = time.monotonic()
        plotted_at, tabled_at = self._drawn_at
        first = not self._plotted_rows
        if streaming and now - tabled_at < TABLE_SECONDS and not first:
            return
        if streaming and now - plotted_at < PLOT_SECONDS and not first:
            self._drawn_at = (plotted_at, now)
            self._fill_table([member.view.rows for member in self.members])
            return
        self._drawn_at = (now, now)
        self._plotted_rows = any(len(member.view.rows) for member in self.members)
        optimum = self.controller.view.facts.optimum if self.controller.view else None
        views = [member.view for member in self.members]
        rows = [view.rows for view in views]
        labels = [self._label(i) for i in range(len(rows))]
        series = [loss_series(r, view.layout) for r, view in zip(rows, views, strict=True)]
        self._loss().show(series, labels, optimum.value if optimum is not None else None)
        self._draw_paths()
        self._fill_table(rows)

    def _draw_paths(self) -> None:
        """The members' paths on the landscape, computed off the UI thread; not while
        the plot is hidden (80 columns)."""
        members = self.controller.view
        if members is None or not members.runs or self.has_class("-narrow"):
            return
        counted = [member.diverged is None for member in members.runs]
        views = [member.view for member in members.runs]
        self._paths().update_members(views, counted, members.problem, members.facts)

    def _fill_table(self, rows: list[np.ndarray]) -> None:
        from solvers.run.measures import grad_norm

        table = self.query_one(MembersTable)
        by_index = dict(enumerate(self.results))
        for index, (member_rows, member) in enumerate(zip(rows, self.members, strict=True)):
            view = member.view
            if index >= table.row_count:
                continue
            cells: list[str] = ["", "", "", f"{len(member_rows):,}"]
            if len(member_rows):
                last = member_rows[-1]
                cells[1] = f"{self._fulls.f(index, member_rows, view.layout):.6g}"
                far = view.distance(last[view.layout.params])  # or, unknown, ‖∇f‖
                shown = grad_norm(last[view.layout.grads]) if far is None else far
                cells[2] = f"{float(shown):.3g}"
            cells[0] = self._outcome(index, by_index.get(index))
            for column, value in enumerate(cells, start=1):
                table.update_cell(index, column, value)

    def _outcome(self, index: int, result: MemberResult | None) -> str:
        """A member's outcome cell: its result's, where it diverged, "going" while the
        run is live (the status line says whether it is paused), or the phase."""
        if result is not None:
            return result.outcome
        diverged = self.members[index].diverged
        if diverged is not None:
            return f"diverged at {diverged.iteration}"
        return GOING if self.phase.live else self.phase.value

    def _fill_outcomes(self) -> None:
        """Only the outcome column (a key changed the phase: the rest can wait)."""
        table = self.query_one(MembersTable)
        by_index = dict(enumerate(self.results))
        for index in range(min(len(self.members), table.row_count)):
            table.update_cell(index, 1, self._outcome(index, by_index.get(index)))
