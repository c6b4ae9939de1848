"""One problem (a chapter of the book) as a screen: composition and routing.

Data flows one way. The screen's keys go to its :class:`RunController`, which
owns the run's phase and its worker; the worker posts messages that come back
here and are handed to the controller; the controller's changes redraw the
status, the step explanation and the live view from a read-only view of the
run. The screen computes nothing about the problem: the solver does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Header, Input, Static

from solvers.chapters.registry import chapter_of
from solvers.core.specs import ProblemSpec
from tui.app.messages import RunEnded, RunFailed, RunProgress, RunRefused, RunStarted
from tui.app.run_controller import KEYS, Phase, RunController
from tui.app.run_keys import RUN_BINDINGS
from tui.app.screens.field_facts import FieldFacts
from tui.app.screens.teaching_keys import TEACHING_BINDINGS
from tui.app.solver_state import SolverState, SolverStatus
from tui.app.widgets.live_slot import LiveSlot
from tui.app.widgets.problem_facts import ProblemFacts
from tui.app.widgets.regime_line import RegimeLine
from tui.app.widgets.run_status import RunStatus
from tui.app.widgets.step_detail import StepDetail

if TYPE_CHECKING:
    from textual.widgets import Footer, ProgressBar

    from solvers.run.settings import RunReport, RunSettings
    from solvers.run.view import RunView
    from tui.app.widgets.live_view import LiveView

MIN_WIDTH = 70
MIN_HEIGHT = 20
"""Below this size the screen cannot show its controls, status and table: it says so."""


def _phase_class(phase: Phase) -> str:
    """The status line's CSS class in ``phase`` (app.tcss styles it by the class).

    On the status, not the screen: a class changed on the screen restyles every
    widget under it, and a key pressed during a run would wait for it."""
    return f"-{phase.name.lower()}"


class ChapterScreen(FieldFacts):
    """A problem: formula, facts, fields, and the live table and plots of its run."""

    AUTO_FOCUS = ""  # none: the table takes focus once it is mounted (on_live_view_ready)
    BINDINGS: ClassVar[list[BindingType]] = [
        *RUN_BINDINGS,
        Binding("n", "key('step')", "Step"),
        Binding("ctrl+r", "key('reset')", "Reset"),
        *TEACHING_BINDINGS,
        Binding("escape", "leave_field", "Leave field"),
    ]

    def __init__(self, problem_id: str) -> None:
        super().__init__(id=f"chapter{problem_id}")
        self.problem_id = problem_id
        self.chapter = chapter_of(problem_id)
        self.spec = self.chapter.default
        self.controller = RunController(self, problem_id, self._run_changed)
        self.controls_mounted = False
        """Fields, buttons, progress bar and footer are mounted (see mount_controls)."""
        self._mounting_controls = False
        self._solver = SolverState()
        self._shown_phase: Phase = self.controller.phase
        self._live_slot: LiveSlot | None = None
        self._fit: tuple[int, Any] = (-1, None)  # (run id, a network's latest FitPoints)
        self._resumed = False

    @property
    def live(self) -> LiveView | None:
        """Plots and table; mounted once torch has loaded (they import numpy)."""
        slot = self._live_slot
        if slot is None or not slot.is_attached:
            # found once: a query walks the whole screen, and this is read at 10 Hz
            slot = self._live_slot = self.query_one_optional(LiveSlot)
        return slot.live if slot is not None else None

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        spec = self.spec
        controls_now = bool(getattr(self.app, "first_frame_shown", True))
        yield Header()
        with Horizontal(id="body"):
            with VerticalScroll(id="controls", can_focus=False):
                yield Static(spec.full_title, id="title")
                yield Static(spec.formula, id="formula")
                yield ProblemFacts(spec, id="facts")
                yield RegimeLine("", id="regime")
                with Vertical(id="fields"):
                    if controls_now:
                        yield from self._controls()
            with Vertical(id="live"):
                yield RunStatus("", id="status", classes=_phase_class(self.controller.phase))
                with Vertical(id="progress-row"):
                    if controls_now:
                        yield self._progress_bar()
                yield LiveSlot(id="live-slot")
        yield Static("", id="too-small")
        if controls_now:
            yield self._footer()
        self.controls_mounted = controls_now

    # The controls' widgets and modules (fields, optimizers, progress bar, footer) are
    # imported when the controls are mounted: after the first frame, on the first screen.
    def _controls(self) -> ComposeResult:
        from tui.app.widgets.settings_form import SettingsForm

        yield SettingsForm(self.spec, self._solver.devices, id="form")
        with Horizontal(id="buttons"):
            yield Button("Run (r)", id="run", variant="success", compact=True)
            yield Button("Stop (s)", id="stop", variant="error", compact=True)
        yield StepDetail("", id="step-detail")

    def _progress_bar(self) -> ProgressBar:
        from textual.widgets import ProgressBar

        # no ETA from the bar: it would count down while paused; the status has one
        return ProgressBar(id="progress", show_eta=False)

    def _footer(self) -> Footer:
        from tui.app.widgets.steady_footer import SteadyFooter

        return SteadyFooter(compact=True, show_command_palette=False)

    async def mount_controls(self) -> None:
        """Mount the fields, buttons, progress bar and footer, once the app's first
        frame is out. The app's first screen composes without them: their styles
        and layout cost more than the rest of the frame. Screens opened later
        compose them at once.

        Each mount waits for the last, some 0.1 s in all: if the app is told to leave
        meanwhile (ctrl+q, q, a signal), the screen is no longer attached from then
        on and mounts nothing more. ``controls_mounted`` turns true only when all
        are in (until then the run keys do nothing: there are no fields to read).
        """
        if self.controls_mounted or self._mounting_controls:
            return
        self._mounting_controls = True
        if self.is_attached:  # false once the app is leaving
            await self.query_one("#fields").mount_compose(self._controls())
        if self.is_attached:
            await self.query_one("#progress-row").mount(self._progress_bar())
        if self.is_attached:
            await self.mount(self._footer())
        if not self.is_attached:
            return
        self.controls_mounted = True
        self.refresh_bindings()  # the footer lists the keys when bindings change: now
        self._run_changed()

    # ------------------------------------------------------------ life cycle
    def on_mount(self) -> None:
        self.watch(self.app, "first_frame_shown", self._first_frame_shown, init=True)
        self.watch(self.app, "solver", self._solver_changed, init=True)
        self._run_changed()

    async def _first_frame_shown(self, shown: bool) -> None:
        if shown:
            await self.mount_controls()

    def _solver_changed(self, state: SolverState) -> None:
        """torch has loaded (or failed): show the facts and the devices, mount the live view."""
        self._solver = state
        if not self.is_attached:
            return  # the app is leaving (a quit as torch finished loading)
        facts = self.query_one(ProblemFacts)
        if state.status is SolverStatus.FAILED:
            facts.show_failed(state.error)
            return
        problem = state.problems.get(self.problem_id)
        if problem is None:
            return
        if not self.chapter.typed:
            facts.show(problem.facts)
        else:  # the facts of what the input fields say (the default, or typed)
            self.know_facts(problem.spec, problem.facts, self.chapter.notes(problem))
            self.follow_fields()
        from tui.app.widgets.settings_form import SettingsForm  # not before the first frame

        for form in self.query(SettingsForm):
            form.set_devices(state.devices)
        self.query_one(LiveSlot).ensure(self.spec)
        self._show_regime()

    def on_live_view_ready(self) -> None:
        """Draw into the new live view what the run (if any) has done so far."""
        self._run_changed()
        if not isinstance(self.focused, Input):
            self.action_leave_field()  # focus the table, unless the user is typing

    def on_resize(self, event: events.Resize) -> None:
        """Small terminals narrow the controls and drop the plots; too small ones say so."""
        width, height = event.size
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        # one restyle of the screen for the three, not one each
        self.update_classes(
            {"-narrow": width < 110, "-short": height < 32, "-too-small": too_small}
        )
        self._show_regime()
        if too_small:
            self.query_one("#too-small", Static).update(
                f"gdlab needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}; "
                f"this one is {width}×{height}. Enlarge it, or press q to quit."
            )

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._resumed:
            # Textual restyles the whole screen at every resume. The first comes just after
            # mounting, every widget styled already: that restyle was ~12 ms before the first
            # frame. (This handler runs before Screen's own, which reads the flag.)
            self._resumed = True
            event.refresh_styles = False
        if isinstance(self.focused, Input):
            self.action_leave_field()

    def on_unmount(self) -> None:
        self.controller.cancel()

    # ---------------------------------------------------------------- keys
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key is offered (and shown in the footer) only where it does something;
        through a run the run keys stay, dimmed while they do nothing."""
        in_field = isinstance(self.focused, Input)
        if action == "leave_field":
            return in_field
        if action == "key":
            key = str(parameters[0])
            if in_field and key != "reset":
                return False  # letters and space type into the field
            return self.controller.offered(key, as_resume=len(parameters) > 1)
        if action == "preset":
            # the phase first: it costs nothing, the facts parse the form (bindings are
            # checked at every refresh_bindings, during runs too)
            return not in_field and not self.controller.phase.live and self._facts() is not None
        if action == "export":
            return not in_field and self.controller.count > 0 and not self.controller.phase.live
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def action_key(self, key: str, _words: str = "") -> None:
        """r, s, space, n, ctrl+r: whatever the phase table says (tui.app.run_controller);
        ``_words`` only tells the footer which of a key's effects a binding names."""
        if key not in KEYS or not self.controls_mounted:
            return  # the first ~0.1 s after start: no fields to read yet
        self.controller.press(key, self._read_settings)

    def _read_settings(self) -> tuple[ProblemSpec, RunSettings] | None:
        if self._solver.status is SolverStatus.FAILED:
            self.notify("torch could not be loaded; runs are off.", severity="error")
            return None
        from tui.app.widgets.settings_form import SettingsForm

        settings = self.query_one(SettingsForm).read()
        if settings is None:
            self.app.bell()
            self.query_one(RunStatus).update(
                f"{self.controller.phase.value}\nfix the flagged field first", layout=False
            )
        return settings

    def action_leave_field(self) -> None:
        """Escape: leave the text field so single-letter keys work again."""
        self.set_focus(self.live.table if self.live is not None else None)  # None: no focus

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        if event.validation_result is None or event.validation_result.is_valid:
            self.action_leave_field()

    @on(Button.Pressed, "#run")
    def _run_pressed(self) -> None:
        self.action_key("run" if self.controller.effect("run") else "step")

    @on(Button.Pressed, "#stop")
    def _stop_pressed(self) -> None:
        self.action_key("stop")

    # ------------------------------------------------------ worker messages
    @on(RunStarted)
    async def _run_started(self, message: RunStarted[RunView]) -> None:
        self.controller.started(message)
        if message.run_id == self.controller.run_id:
            await self._adopt(message.view)

    async def _adopt(self, view: RunView) -> None:
        """A live view with the run's columns and problem. The facts shown stay those
        of the fields (the run's, unless edited since): a typed chapter's run adds its
        facts to those known."""
        if self.chapter.typed:
            self.know_facts(view.spec, view.facts)
            self.follow_fields()
        await self.query_one(LiveSlot).fit(view.spec, view.layout.extra_names)

    @on(RunProgress)
    def _run_progress(self, message: RunProgress) -> None:
        if message.fit is not None:  # a network's fit to its data, from its worker
            self._fit = (message.run_id, message.fit)
        self.controller.progress(message)

    @on(RunEnded)
    def _run_ended(self, message: RunEnded[RunReport]) -> None:
        self.controller.ended(message)
        focused = self.focused
        if focused is None or isinstance(focused, Button):
            self.action_leave_field()

    @on(RunFailed)
    def _run_failed(self, message: RunFailed) -> None:
        self.controller.failed(message)
        if isinstance(message, RunRefused) and self.controls_mounted:
            from tui.app.widgets.settings_form import SettingsForm

            reason = message.reason.removeprefix(f"{message.field}: ")
            self.query_one(SettingsForm).flag(message.field, reason)

    # -------------------------------------------------------------- drawing
    def _run_changed(self) -> None:
        """Redraw what follows the run: status, progress, step, styles, keys, live view."""
        if not self.is_attached:
            return  # the app is leaving: widgets mounted just now may have no children
        controller = self.controller
        phase = controller.phase
        view = controller.view
        loading = self._solver.status is SolverStatus.LOADING
        status = self.query_one(RunStatus)
        status.show(controller, loading=loading)
        paused_now = phase is Phase.PAUSED and phase is not self._shown_phase
        if phase is not self._shown_phase:
            self._shown_phase = phase
            for name in Phase:
                status.set_class(phase is name, _phase_class(name))
            self.refresh_bindings()  # the footer shows the keys that work in this phase
        if self.controls_mounted:
            from textual.widgets import ProgressBar

            count = controller.count
            progress = self.query_one_optional(ProgressBar)
            detail = self.query_one_optional(StepDetail)
            if progress is None or detail is None:
                return  # the app is leaving and has begun removing the screen's widgets
            if phase is Phase.IDLE:
                progress.update(total=1, progress=0)  # total=None would animate, 15 frames/s
            else:
                progress.update(total=max(controller.total, count, 1), progress=count)
            detail.show(view, controller.step_after)
        if paused_now:  # the frame that says "paused" first, not held up by the table
            self.call_after_refresh(self._show_live)  # and plots with every row so far
        else:
            self._show_live()

    def _show_live(self) -> None:
        """The table, plots and landscape, for the run as it is now."""
        if self.live is None or not self.is_attached:
            return
        controller = self.controller
        phase = controller.phase
        streaming = phase in (Phase.RUNNING, Phase.STOPPING)
        # the table's scroll range stays the run's length while it is paused, and its
        # scrollbars stay hidden: either changed at each pause cost a layout pass of
        # the screen
        capacity = controller.total if phase.live else 0
        self.live.show(
            controller.view,
            streaming=streaming,
            capacity=capacity,
            live=phase.live,
            fit=self._fit[1] if self._fit[0] == controller.run_id else None,
        )
