"""A screen's run: one object, one phase, and what every key does in each phase.

The phase is owned here, not by the screen. What a key does follows from the
phase alone, by this table (``·`` = the key does nothing and the footer does
not show it):

=========  ===========  =========  =========  ================  ========
phase      r run        s stop     space      n step *          ctrl+r *
=========  ===========  =========  =========  ================  ========
idle       start        ·          ·          new run, 1 step   ·
running    ·            stop       pause      hold, 1 step      clear
paused     resume       stop       resume     1 step            clear
stepping   resume       stop       resume     1 step            clear
stopping   ·            ·          ·          ·                 clear
finished   start        ·          ·          new run, 1 step   clear
stopped    start        ·          ·          new run, 1 step   clear
diverged   start        ·          ·          new run, 1 step   clear
unbounded  start        ·          ·          new run, 1 step   clear
refused    start        ·          ·          new run, 1 step   clear
failed     start        ·          ·          new run, 1 step   clear
=========  ===========  =========  =========  ================  ========

* a chapter's only: a compare has no single step and no reset, so on the compare
screen n and ctrl+r do nothing in every phase (and "stepping" is never reached).

"stepping" is a run held between single steps; "resume" runs the rest of it
with the settings it started with (a field changed meanwhile does not change a
run). "clear" cancels any run and forgets its rows.

What runs is the controller's :class:`RunKind`: a chapter's (:data:`DESCENT`)
drives one :class:`~solvers.run.descent.Descent` and has all five keys; a compare's
(:data:`tui.app.compare_run.COMPARE`) drives one :class:`~solvers.run.compare.Comparison`
and has r, s and space only (the table's ``*``). Either kind's worker posts the
one message family of :mod:`tui.app.messages`.

There is one way to stop a run: its :class:`~solvers.core.control.RunControl`,
created here on the UI thread (before torch may have loaded) and cancelled by
stop, clear, a new run or quitting. The worker gets everything it needs as
arguments and never reads the screen.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from textual.dom import DOMNode

from solvers.core.control import RunControl
from solvers.core.specs import ProblemSpec
from tui.app.descent_run import drive_descent
from tui.app.messages import RunEnded, RunFailed, RunProgress, RunRefused, RunStarted

if TYPE_CHECKING:
    from solvers.run.settings import Outcome, RunReport  # imported with the first run, not at start
    from solvers.run.view import RunView

PLOT_SECONDS = 2.0
"""While rows stream in, the plots redraw at most this often..."""
TABLE_SECONDS = 0.2
"""...and the table this often; the status line and progress bar follow every
progress message (10 Hz). Each table frame rewrites every visible row and each
plot frame hundreds of braille cells: at 10 Hz both would cost a terminal (over
SSH, a link) several times the bytes for no more information."""


class Phase(Enum):
    """Where a screen's run is; the status shows the value."""

    IDLE = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    STEPPING = "stepping"
    STOPPING = "stopping"
    FINISHED = "finished"
    STOPPED = "stopped"
    DIVERGED = "diverged"
    UNBOUNDED = "unbounded below"
    REFUSED = "refused"
    """The settings were refused before the run (f not finite at the start)."""
    FAILED = "failed"

    @property
    def live(self) -> bool:
        """A worker is driving (or holding) a run in this phase."""
        return self in LIVE

    @property
    def held(self) -> bool:
        """The run exists and waits for a key."""
        return self in (Phase.PAUSED, Phase.STEPPING)


LIVE = frozenset({Phase.RUNNING, Phase.PAUSED, Phase.STEPPING, Phase.STOPPING})
ENDED = (
    Phase.IDLE,
    Phase.FINISHED,
    Phase.STOPPED,
    Phase.DIVERGED,
    Phase.UNBOUNDED,
    Phase.REFUSED,
    Phase.FAILED,
)

KEYS = ("run", "stop", "pause", "step", "reset")
"""The run keys, by action name (r, s, space, n, ctrl+r)."""

_HELD_ROW = {"run": "resume", "stop": "stop", "pause": "resume", "step": "step", "reset": "clear"}
_ENDED_ROW = {"run": "start", "step": "first_step", "reset": "clear"}
TABLE: dict[Phase, dict[str, str]] = {
    Phase.IDLE: {"run": "start", "step": "first_step"},
    Phase.RUNNING: {"stop": "stop", "pause": "pause", "step": "step", "reset": "clear"},
    Phase.PAUSED: _HELD_ROW,
    Phase.STEPPING: _HELD_ROW,
    Phase.STOPPING: {"reset": "clear"},
    **{phase: _ENDED_ROW for phase in ENDED if phase is not Phase.IDLE},
}
"""What each key does in each phase (the docstring's table); a missing key does nothing."""

Post = Callable[[Any], object]
Drive = Callable[[Post, threading.Lock, int, ProblemSpec, Any, RunControl], None]
"""A kind's worker, given ``(post, one_run, run_id, spec, settings, control)``: it posts
RunStarted, RunProgress, RunEnded (or RunRefused) and holds ``one_run`` while it runs."""


@dataclass(frozen=True)
class RunKind:
    """What a controller runs: its worker, and the run keys that kind of run has."""

    name: str
    """The worker's name, before the problem's id."""
    drive: Drive
    keys: tuple[str, ...] = KEYS
    """The columns of the phase table it has; the others do nothing in every phase."""


DESCENT = RunKind("run", drive_descent)


class Viewed(Protocol):
    @property
    def count(self) -> int:
        """Rows recorded so far: what the controller reads of a run's view."""


class Ending(Protocol):
    @property
    def outcome(self) -> Outcome:
        """What the controller reads of a run's report: the phase follows it."""


ViewT = TypeVar("ViewT", bound=Viewed)
ReportT = TypeVar("ReportT", bound=Ending)

_CONTROLS: weakref.WeakSet[RunControl] = weakref.WeakSet()
"""Every run not yet ended, so that quitting can stop them all."""
_DRIVING: set[str] = set()
"""Names of the threads inside :func:`_drive` right now."""


def driving() -> set[str]:
    """The threads driving a run at this moment (tests check that quitting ends them)."""
    return set(_DRIVING)


def cancel_all() -> None:
    """Stop every run of every screen at its next iteration (on quit)."""
    for control in list(_CONTROLS):
        control.cancel()


class Controller(Generic[ViewT, ReportT]):
    """The run of one screen, of any kind: its phase, its control and its worker.

    ``host`` is the screen: the worker runs under it and posts its messages to it,
    and the screen hands them back to :meth:`started`, :meth:`progress`,
    :meth:`ended` and :meth:`failed`. ``changed`` is called after every change of
    phase or data, on the UI thread. ``kind`` says what runs; ``problem_id`` names
    its worker.
    """

    def __init__(
        self, host: DOMNode, problem_id: str, changed: Callable[[], None], kind: RunKind
    ) -> None:
        self.host = host
        self.problem_id = problem_id
        self.changed = changed
        self.kind = kind
        self.phase = Phase.IDLE
        self.view: ViewT | None = None
        """The current run's rows and facts, once its worker has built it."""
        self.report: ReportT | None = None
        self.failure = ""
        """Why the last run failed (phase FAILED)."""
        self.ending: dict[str, object] | None = None
        """The run's final state and outcome, as JSON carries them (solvers.run.descent)."""
        self.step_after: tuple[float, ...] | None = None
        """Parameters after the last single step, for its explanation (None: no step)."""
        self.run_id = 0
        self.control: RunControl | None = None
        self.total = 0
        """Iterations the current run heads for."""
        self.rate = 0.0
        """Iterations per second since the run (re)started; 0 while unknown."""
        self._mark = (time.monotonic(), 0)
        self._one_run = threading.Lock()
        """Held by the worker driving a run: two runs of one screen never overlap."""

    # ---------------------------------------------------------------- keys
    def effect(self, key: str) -> str | None:
        """What ``key`` does now (a TABLE entry), or None (also for a key the kind lacks)."""
        return TABLE[self.phase].get(key) if key in self.kind.keys else None

    def offered(self, key: str, as_resume: bool = False) -> bool | None:
        """Whether a binding of ``key`` is shown (True), dimmed (None) or hidden (False):
        shown where it does something; ``as_resume``, the space binding that reads
        Resume, only where space resumes and its Pause binding elsewhere. Through a
        run the same keys stay, dimmed where they do nothing now, so that pausing and
        resuming do not rebuild the footer (tui.app.widgets.steady_footer)."""
        effect = self.effect(key)
        if key == "pause" and (effect == "resume") != as_resume:
            return False
        if effect is not None:
            return True
        return None if self.phase.live and key in self.kind.keys else False

    def press(self, key: str, read: Callable[[], tuple[ProblemSpec, Any] | None]) -> None:
        """Do what ``key`` does in this phase. ``read`` gives the problem and settings the
        fields describe (None after flagging a bad one); it is called only when a new
        run needs them."""
        effect = self.effect(key)
        if effect is None:
            return
        control = self.control
        if effect in ("start", "first_step"):
            wanted = read()
            if wanted is not None:
                self._start(*wanted, held=effect == "first_step")
            return
        assert control is not None
        if effect == "stop":
            control.cancel()
            self._set(Phase.STOPPING)
        elif effect == "pause":
            control.pause()
            self._set(Phase.PAUSED)
        elif effect == "resume":
            self.step_after = None
            self._mark = (time.monotonic(), self.count)
            self.rate = 0.0
            control.resume()
            self._set(Phase.RUNNING)
        elif effect == "step":
            control.release(1)
            self._set(Phase.STEPPING)
        elif effect == "clear":
            self.clear()

    def clear(self) -> None:
        """Cancel any run and forget it: back to idle."""
        if self.control is not None:
            self.control.cancel()
        self.run_id += 1  # what the old run's worker still posts is ignored from now on
        self.control = None
        self.view = None
        self.report = None
        self.ending = None
        self.step_after = None
        self.rate = 0.0
        self._set(Phase.IDLE)

    def cancel(self) -> None:
        """Stop the run, if any, without changing what is shown (quitting, unmounting)."""
        if self.control is not None:
            self.control.cancel()

    @property
    def count(self) -> int:
        return self.view.count if self.view is not None else 0

    # ------------------------------------------------------------- the run
    def _start(self, spec: ProblemSpec, settings: Any, *, held: bool) -> None:
        if self.control is not None:
            self.control.cancel()
        self.run_id += 1
        control = RunControl(held=held)
        if held:
            control.release(1)
        _CONTROLS.add(control)
        self.control = control
        self.view = None
        self.report = None
        self.ending = None
        self.step_after = None
        self.total = settings.iterations
        self.rate = 0.0
        self._mark = (time.monotonic(), 0)
        self._set(Phase.STEPPING if held else Phase.RUNNING)
        post, lock, run_id = self.host.post_message, self._one_run, self.run_id
        worker = partial(_drive, self.kind.drive, post, lock, run_id, spec, settings, control)
        name = f"{self.kind.name} {self.problem_id}".rstrip()
        self.host.run_worker(worker, name=name, group="run", thread=True, exit_on_error=False)

    def _set(self, phase: Phase) -> None:
        self.phase = phase
        self.changed()

    # ------------------------------------------------- the worker's messages
    def started(self, message: RunStarted[ViewT]) -> None:
        if message.run_id == self.run_id:
            self.view = message.view
            self.changed()

    def progress(self, message: RunProgress) -> None:
        if message.run_id != self.run_id:
            return
        now = time.monotonic()
        mark_time, mark_count = self._mark
        if self.phase is Phase.RUNNING and now > mark_time and self.count > mark_count:
            self.rate = (self.count - mark_count) / (now - mark_time)
        if message.held and self.phase is Phase.STEPPING:
            self.step_after = message.after
        self.changed()

    def ended(self, message: RunEnded[ReportT]) -> None:
        from solvers.run.settings import Outcome

        if message.run_id != self.run_id:
            return
        report = message.report
        self.report = report
        self.ending = message.ending
        went_on = report.outcome in (Outcome.FINISHED, Outcome.NOT_MINIMUM)
        if self.phase is Phase.STEPPING and went_on:
            self.step_after = message.after  # the last step of the run was a single step
        else:
            self.step_after = None
        self._forget_control()
        self._set(
            {
                Outcome.FINISHED: Phase.FINISHED,
                Outcome.STOPPED: Phase.STOPPED,
                Outcome.DIVERGED: Phase.DIVERGED,
                Outcome.UNBOUNDED: Phase.UNBOUNDED,
                Outcome.NOT_MINIMUM: Phase.FINISHED,  # the status says where it ended
            }[report.outcome]
        )

    def failed(self, message: RunFailed) -> None:
        if message.run_id != self.run_id:
            return
        self.failure = message.reason
        self._forget_control()
        refused = isinstance(message, RunRefused)
        if refused:
            self.view = None  # nothing ran: no rows, no facts of a run
        self._set(Phase.REFUSED if refused else Phase.FAILED)

    def _forget_control(self) -> None:
        """The run has ended: quitting need not stop it; it has no rate any more."""
        if self.control is not None:
            _CONTROLS.discard(self.control)
        self.rate = 0.0

    @property
    def eta_seconds(self) -> float | None:
        """Seconds to the end at the current rate, while running; None otherwise."""
        if self.phase is not Phase.RUNNING or self.rate <= 0:
            return None
        return max(0, self.total - self.count) / self.rate


class RunController(Controller[Any, Any]):
    """A chapter screen's run: one Descent, every run key."""

    view: RunView | None
    report: RunReport | None

    def __init__(self, host: DOMNode, problem_id: str, changed: Callable[[], None]) -> None:
        super().__init__(host, problem_id, changed, DESCENT)


def _drive(drive: Drive, post: Post, one_run: threading.Lock, run_id: int, *args: Any) -> None:
    """The worker of every kind: ``drive`` builds the run (importing torch there if
    need be) and drives it; what it raises is shown on the screen, the app stays up."""
    me = threading.current_thread().name
    _DRIVING.add(me)
    try:
        drive(post, one_run, run_id, *args)
    except Exception as error:
        post(RunFailed(run_id, f"{type(error).__name__}: {error}"))
    finally:
        _DRIVING.discard(me)
