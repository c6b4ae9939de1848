"""One chapter of the book as a screen: its controls, and its run shown live.

Data flows one way. The screen reads its fields into RunSettings, starts a
thread worker, and the worker drives the solver's generator, which writes every
iteration into the run's history. The worker posts a RunProgress message at most
ten times a second (never blocking on the UI); the screen then redraws from the
history what changed. Nothing here computes an objective, a gradient or an
optimum: the problem does.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.validation import ValidationResult, Validator
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)

from solvers.chapters import CHAPTERS, ChapterSpec
from solvers.validation import (
    RunSettings,
    SettingError,
    parse_eta,
    parse_iterations,
    parse_seed,
    parse_start,
)
from tui.messages import RunEnded, RunFailed, RunProgress, RunStarted

if TYPE_CHECKING:
    from solvers.descent import Descent
    from solvers.problems import Problem
    from tui.app import GdlabApp
    from tui.widgets.live_view import LiveView

REFRESH_SECONDS = 0.1
"""The worker posts progress at most this often: about ten redraws a second."""


def split_start(text: str) -> list[str]:
    """Start values as typed: separated by commas and/or spaces."""
    return [part for part in text.replace(",", " ").split() if part]


class SettingValidator(Validator):
    """Adapts one of solvers.validation's parsers to a Textual Input."""

    def __init__(self, parse: Any) -> None:
        super().__init__()
        self.parse = parse

    def validate(self, value: str) -> ValidationResult:
        try:
            self.parse(value)
        except SettingError as error:
            return self.failure(error.reason)
        return self.success()


ROUND_OFF = 1e-12
"""An optimum value this close to 0 is float64 round-off of an exact 0 (chapter 3's
three samples fit exactly; lstsq's residual prints as 4e-28, varying run to run)."""


def _shown_value(value: float) -> float:
    return 0.0 if abs(value) < ROUND_OFF else value


def _vector(values: Any) -> str:
    return "[" + ", ".join(f"{float(v):.6g}" for v in values) + "]"


class ChapterScreen(Screen[None]):
    """A chapter: formula, optimum, controls, and the live table and plots of a run."""

    AUTO_FOCUS = ""  # none: the table takes focus once it is mounted (on_live_view_ready)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", "Run"),
        Binding("s", "stop", "Stop"),
        Binding("space", "pause", "Pause"),
        Binding("n", "step", "Step"),
        Binding("ctrl+r", "reset", "Reset"),
        Binding("escape", "leave_field", "Leave field"),
    ]

    def __init__(self, chapter: int) -> None:
        super().__init__(id=f"chapter{chapter}")
        self.chapter = chapter
        self.spec: ChapterSpec = CHAPTERS[chapter]
        self.descent: Descent | None = None
        self.run_id = 0
        self.running = False
        self.state = "ready"
        self._stop_requested = False
        self._stepping = False
        self._rate_mark: tuple[float, int] = (time.monotonic(), 0)
        self._rate = 0.0
        self._device_options: list[str] = []
        self._one_run = threading.Lock()
        """Held by the worker driving a run: two runs of one screen never overlap."""
        self.live: LiveView | None = None
        """Plots and table; mounted after the first frame (they import numpy)."""
        self.controls_mounted = False
        """Fields, buttons, progress bar and footer are mounted (see mount_controls)."""

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        spec = self.spec
        controls_now = self.gdlab.first_frame_shown
        yield Header()
        with Horizontal(id="body"):
            with VerticalScroll(id="controls"):
                yield Static(f"Chapter {spec.key}: {spec.title}", id="title")
                yield Static(spec.formula, id="formula")
                yield Static(
                    "optimum: computing… (loading torch)\nf* = …\nstable for η < …\n"
                    f"start: {spec.start_rule}",
                    id="facts",
                )
                with Vertical(id="fields"):
                    if controls_now:
                        yield from self._fields()
            with Vertical(id="live"):
                yield Static("", id="status")
                with Vertical(id="progress-row"):
                    if controls_now:
                        yield self._progress_bar()
                yield Static("loading torch…", id="live-placeholder")
        if controls_now:
            yield Footer(compact=True)
        self.controls_mounted = controls_now

    async def mount_controls(self) -> None:
        """Mount the fields, buttons, progress bar and footer (the app calls this after its
        first frame).

        The app's first screen composes without them: their styles and layout
        cost more than the rest of the frame (the footer alone is a dozen
        widgets), and the frame comes first. Screens opened later compose them
        at once.
        """
        if self.controls_mounted:
            return
        await self.query_one("#fields").mount_compose(self._fields())
        await self.query_one("#progress-row").mount(self._progress_bar())
        await self.mount(Footer(compact=True))
        self.refresh_bindings()  # the footer lists the keys when bindings change: now
        self.controls_mounted = True
        self._refresh_live()

    def _progress_bar(self) -> ProgressBar:
        return ProgressBar(id="progress", show_eta=True)

    def _fields(self) -> ComposeResult:
        """η, iterations, device, seed (chapters with a random start), start, buttons."""
        spec = self.spec
        yield from self._field("eta", "η", str(spec.eta), parse_eta)
        yield from self._field("iterations", "iterations", str(spec.iterations), parse_iterations)
        with Horizontal(classes="field"):
            yield Label("device", classes="field-label")
            self._device_options = self.app_devices()
            yield Select(
                [(name, name) for name in self._device_options],
                value="auto",
                allow_blank=False,
                compact=True,
                id="device",
            )
        if spec.book_start is None:
            yield from self._field(
                "seed", "seed", "", parse_seed, placeholder="random", optional=True
            )
        yield from self._field(
            "start",
            "start",
            "",
            self._parse_start_text,
            placeholder=self._start_placeholder(),
            optional=True,
        )
        with Horizontal(id="buttons"):
            yield Button("Run (r)", id="run", variant="success", compact=True)
            yield Button("Stop (s)", id="stop", variant="error", compact=True)
        yield Static("", id="step-detail")

    def _field(
        self,
        name: str,
        label: str,
        value: str,
        parse: Any,
        *,
        placeholder: str = "",
        optional: bool = False,
    ) -> ComposeResult:
        validator = SettingValidator(
            lambda text: None if optional and not text.strip() else parse(text)
        )
        with Horizontal(classes="field"):
            yield Label(label, classes="field-label")
            yield Input(
                value,
                placeholder=placeholder,
                id=name,
                compact=True,
                validators=[validator],
                validate_on=["changed", "submitted"],
                max_length=200,
            )
        yield Static("", id=f"{name}-error", classes="field-error -empty")

    def _start_placeholder(self) -> str:
        if self.spec.book_start is None:
            return "drawn from the seed"
        return ", ".join(f"{v:g}" for v in self.spec.book_start)

    def _parse_start_text(self, text: str) -> tuple[float, ...]:
        return parse_start(split_start(text), self.spec.param_names)

    @property
    def gdlab(self) -> GdlabApp:
        """The app, typed (this module cannot import tui.app at run time: it imports us)."""
        return cast("GdlabApp", self.app)

    def app_devices(self) -> list[str]:
        return list(self.gdlab.devices)

    # ------------------------------------------------------------ life cycle
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape is offered (and shown in the footer) only while a text field has focus."""
        if action == "leave_field":
            return isinstance(self.focused, Input)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def on_resize(self, event: events.Resize) -> None:
        """Small terminals (80x24) drop the plots and narrow the controls."""
        self.set_class(event.size.width < 110, "-narrow")
        self.set_class(event.size.height < 32, "-short")

    def on_mount(self) -> None:
        self.gdlab.chapter_screens[self.chapter] = self
        if self.gdlab.problems is not None:
            self.solver_ready()
        elif self.gdlab.solver_error:
            self.solver_failed(self.gdlab.solver_error)
        self._show_status()

    def on_screen_resume(self) -> None:
        if isinstance(self.focused, Input):
            self.action_leave_field()

    def mount_live(self) -> None:
        """Mount the plots and the table (numpy, textual-plot) once the first frame is out."""
        if self.live is not None:
            return
        from tui.widgets.live_view import LiveView

        self.live = LiveView(self.spec, id="live-view")
        self.query_one("#live-placeholder").remove()
        self.query_one("#live").mount(self.live)

    def on_live_view_ready(self) -> None:
        """Draw into the new live view what the run (if any) has done so far."""
        problem = self._problem()
        if problem is not None and self.live is not None:
            self.live.set_optimum(problem.optimum.params)
        self._refresh_live()
        if not isinstance(self.focused, Input):
            self.action_leave_field()  # focus the table, unless the user is typing

    def solver_ready(self) -> None:
        """torch has loaded: show the computed optimum and the real device list."""
        problem = self._problem()
        if problem is None:
            return
        optimum = problem.optimum
        names = self.spec.param_names
        where = ", ".join(f"{n}* = {v:.6g}" for n, v in zip(names, optimum.params, strict=True))
        self.query_one("#facts", Static).update(
            f"optimum: {where}\nf* = {_shown_value(optimum.value):.6g}\n"
            f"stable for η < {problem.stable_eta:.6g}\nstart: {self.spec.start_rule}"
        )
        if self.app_devices() != self._device_options:
            self.call_after_refresh(self._update_devices)
        if self.live is not None:
            self.live.set_optimum(optimum.params)
        self.mount_live()

    def _update_devices(self) -> None:
        """Offer the devices torch found (the Select was composed with auto and cpu)."""
        if not self.controls_mounted:
            return  # mount_controls composes the Select with the devices found
        select = self.query_one("#device", Select)
        current = select.value
        self._device_options = self.app_devices()
        select.set_options([(name, name) for name in self._device_options])
        select.value = current if current in self._device_options else "auto"

    def solver_failed(self, reason: str) -> None:
        self.query_one("#facts", Static).update(
            f"torch could not be loaded: {reason}\nRuns are off; install torch and restart."
        )

    def _problem(self) -> Problem | None:
        problems = self.gdlab.problems
        return None if problems is None else problems.get(self.chapter)

    # ------------------------------------------------------------- settings
    @on(Input.Changed)
    @on(Input.Submitted)
    def _show_field_error(self, event: Input.Changed | Input.Submitted) -> None:
        result = event.validation_result
        reason = "" if result is None or result.is_valid else result.failure_descriptions[0]
        self._flag(str(event.input.id), reason)
        if isinstance(event, Input.Submitted) and (result is None or result.is_valid):
            self.action_leave_field()

    def _flag(self, name: str, reason: str) -> None:
        """Show ``reason`` under field ``name`` (an empty reason clears the flag)."""
        error = self.query_one(f"#{name}-error", Static)
        error.update(reason)
        error.set_class(not reason, "-empty")
        self.query_one(f"#{name}", Input).set_class(bool(reason), "-invalid")

    def read_settings(self) -> RunSettings | None:
        """The fields as RunSettings, or None after flagging every bad one."""
        values: dict[str, Any] = {}
        parsers: dict[str, Any] = {
            "eta": parse_eta,
            "iterations": parse_iterations,
            "seed": lambda t: None if not t.strip() else parse_seed(t),
            "start": lambda t: None if not t.strip() else self._parse_start_text(t),
        }
        first_bad: Input | None = None
        for name, parse in parsers.items():
            found = self.query(f"#{name}")
            if not found:
                continue
            field = found.first(Input)
            try:
                values[name] = parse(field.value)
                self._flag(name, "")
            except SettingError as problem:
                self._flag(name, problem.reason)
                first_bad = first_bad or field
        if first_bad is not None:
            return None
        device = self.query_one("#device", Select).value
        return RunSettings(
            eta=values["eta"],
            iterations=values["iterations"],
            device=str(device),
            seed=values.get("seed"),
            start=values.get("start"),
        )

    # --------------------------------------------------------------- actions
    def action_leave_field(self) -> None:
        """Escape: leave the text field so single-letter keys work again."""
        self.set_focus(self.live.table if self.live is not None else None)  # None: no focus

    def action_run(self) -> None:
        """Run (or, after single steps, continue) up to the iterations field."""
        if self.running:
            self.notify("A run is going: s stops it, space pauses it.", severity="warning")
            return
        settings = self._checked_settings()
        if settings is None:
            return
        descent = self.descent
        if (
            self._stepping
            and descent is not None
            and descent.settings == settings
            and descent.diverged is None
            and descent.history.count < settings.iterations
        ):
            self._launch(descent, settings, settings.iterations - descent.history.count)
        else:
            self._launch(None, settings, None)
        self._stepping = False

    def action_step(self) -> None:
        """One iteration, explained: forward value, gradient and update."""
        if self.running:
            self.notify("Pause or stop the run before stepping.", severity="warning")
            return
        settings = self._checked_settings()
        if settings is None:
            return
        descent = self.descent
        fresh = (
            not self._stepping
            or descent is None
            or descent.settings != settings
            or descent.diverged is not None
        )
        self._stepping = True
        self._launch(None if fresh else descent, settings, 1)

    def action_stop(self) -> None:
        if self.running:
            self.stop_run()
            self.state = "stopping"
            self._show_status()

    def action_pause(self) -> None:
        """Pause or resume the run (takes effect within one chunk, ~50 ms)."""
        descent = self.descent
        if not self.running or descent is None:
            return
        if descent.control.paused:
            descent.control.resume()
            self.state = "running"
            self._rate_mark = (time.monotonic(), descent.history.count)
        else:
            descent.control.pause()
            self.state = "paused"
        self._show_status()

    def action_reset(self) -> None:
        """Stop any run and clear its rows; the fields keep their values."""
        self.stop_run()
        self.run_id += 1  # messages from the old run are ignored from now on
        self.descent = None
        self.running = False
        self._stepping = False
        self.state = "ready"
        if self.controls_mounted:
            self.query_one("#step-detail", Static).update("")
        self._refresh_live()
        self.action_leave_field()

    def stop_run(self) -> None:
        """Ask the current run to stop at its next iteration (any thread may call)."""
        self._stop_requested = True
        if self.descent is not None:
            self.descent.control.cancel()

    @on(Button.Pressed, "#run")
    def _run_pressed(self) -> None:
        self.action_run()

    @on(Button.Pressed, "#stop")
    def _stop_pressed(self) -> None:
        self.action_stop()

    def _checked_settings(self) -> RunSettings | None:
        if not self.controls_mounted:
            return None  # the first ~0.1 s after start: no fields to read yet
        if self.gdlab.solver_error:
            self.notify("torch could not be loaded; runs are off.", severity="error")
            return None
        settings = self.read_settings()
        if settings is None:
            self.notify("Fix the flagged field first.", severity="error")
            self.app.bell()
        return settings

    # ------------------------------------------------------------------- runs
    def _launch(self, descent: Descent | None, settings: RunSettings, count: int | None) -> None:
        self.run_id += 1
        self.running = True
        self._stop_requested = False
        if descent is None:
            self.descent = None
            self.query_one("#step-detail", Static).update("")
        self.state = "running" if self._problem() is not None else "loading torch…"
        self._rate_mark = (time.monotonic(), 0 if descent is None else descent.history.count)
        self._rate = 0.0
        self._refresh_live()
        self.action_leave_field()
        self._drive(self.run_id, descent, settings, count)

    @work(thread=True, group="run", exit_on_error=False)
    def _drive(
        self, run_id: int, descent: Descent | None, settings: RunSettings, count: int | None
    ) -> None:
        """The worker: build the run if needed (importing torch here), then drive it."""
        try:
            if descent is None:
                from solvers.descent import Descent
                from solvers.problems import make_problem

                problem = self._problem() or make_problem(self.chapter)
                descent = Descent(problem, settings)
                self.post_message(RunStarted(run_id, descent))
            with self._one_run:  # a superseded run still ending holds it for one iteration
                self._drive_locked(run_id, descent, count)
        except Exception as error:  # shown on screen; the app stays up
            self.post_message(RunFailed(run_id, f"{type(error).__name__}: {error}"))

    def _drive_locked(self, run_id: int, descent: Descent, count: int | None) -> None:
        if self._superseded(run_id):
            descent.control.cancel()
        last = 0.0
        for _ in descent.run(count):
            if self._superseded(run_id):
                descent.control.cancel()
            now = time.monotonic()
            if now - last >= REFRESH_SECONDS:
                self.post_message(RunProgress(run_id))
                last = now
        after = tuple(float(v) for p in descent.params for v in p.detach().reshape(-1).tolist())
        self.post_message(RunEnded(run_id, descent.report, after))

    def _superseded(self, run_id: int) -> bool:
        """A reset, a newer run or a stop request has replaced run ``run_id``."""
        return run_id != self.run_id or self._stop_requested

    @on(RunStarted)
    def _run_started(self, message: RunStarted) -> None:
        if message.run_id == self.run_id:
            self.descent = message.descent
            self.state = "running"
            self._refresh_live()

    @on(RunProgress)
    def _run_progress(self, message: RunProgress) -> None:
        if message.run_id == self.run_id:
            self._refresh_live()

    @on(RunEnded)
    def _run_ended(self, message: RunEnded) -> None:
        if message.run_id != self.run_id:
            return
        self.running = False
        report = message.report
        if report is None:
            self.state = "ready"
        elif report.divergence is not None:
            self.state = report.divergence.message
            self._stepping = False
        elif report.outcome.value == "stopped":
            self.state = "stopped"
            self._stepping = False
        else:
            self.state = "stepped" if self._stepping else "finished"
        if self._stepping:
            self._explain_step(message.after)
        self._refresh_live()
        focused = self.focused
        if focused is None or isinstance(focused, (Input, Button)):
            self.action_leave_field()

    @on(RunFailed)
    def _run_failed(self, message: RunFailed) -> None:
        if message.run_id != self.run_id:
            return
        self.running = False
        self.state = f"failed: {message.reason}"
        self._show_status()
        self.notify(message.reason, title="Run failed", severity="error")

    # ---------------------------------------------------------------- drawing
    def _explain_step(self, after: tuple[float, ...]) -> None:
        descent = self.descent
        if descent is None or descent.history.count == 0 or not after:
            return
        layout = descent.layout
        row = descent.history.rows[-1]
        before = [float(v) for v in row[layout.params]]
        moved = [a - b for a, b in zip(after, before, strict=True)]
        self.query_one("#step-detail", Static).update(
            f"step {descent.history.count - 1}:\n"
            f" forward  f(θ) = {float(row[layout.objective]):.6g}\n"
            f" backward ∇f   = {_vector(row[layout.grads])}\n"
            f" update  −η∇f  = {_vector(moved)}\n"
            f" θ {_vector(before)}\n → {_vector(after)}"
        )

    def _refresh_live(self) -> None:
        """Redraw the progress, the status, and the table and plots from the history."""
        descent = self.descent
        count = descent.history.count if descent is not None else 0
        if self.controls_mounted:
            progress = self.query_one(ProgressBar)
            if descent is not None:
                progress.update(total=max(descent.settings.iterations, count), progress=count)
            else:
                progress.update(total=1, progress=0)  # total=None would animate, 15 frames/s
        now = time.monotonic()
        mark_time, mark_count = self._rate_mark
        if self.running and not self._stepping and now > mark_time and count > mark_count:
            self._rate = (count - mark_count) / (now - mark_time)
        self._show_status()
        if self.live is not None:
            capacity = descent.settings.iterations if descent is not None and self.running else 0
            self.live.show(descent, streaming=self.running, capacity=capacity)

    def _show_status(self) -> None:
        descent = self.descent
        parts = [self.state]
        if descent is not None and descent.history.count:
            layout = descent.layout
            last = descent.history.rows[-1]
            total = max(descent.settings.iterations, descent.history.count)  # steps may pass it
            parts.append(f"iteration {descent.history.count - 1:,} of {total:,}")
            parts.append(f"f = {float(last[layout.objective]):.6g}")
            distance = float(descent.problem.distance_to_optimum(last[layout.params]))
            parts.append(f"‖θ−θ*‖ = {distance:.3g}")
            if self._rate:
                parts.append(f"{self._rate:,.0f} it/s")
        # a fixed-height line: no layout pass for a text change, ten times a second
        self.query_one("#status", Static).update("  ·  ".join(parts), layout=False)
        self.set_class(self.state.startswith("diverged"), "-diverged")
