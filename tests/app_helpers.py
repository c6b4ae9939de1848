"""Helpers shared by the app's Pilot tests.

Polls sleep with asyncio (the app runs on the same loop) by default rather than
``pilot.pause``, which first waits for every widget's queue to drain: 0.1-0.4 s
a poll while a run keeps a core busy, too coarse to time a stop. Keys go
through ``App.simulate_key`` (the same binding dispatch as a key press) because
``pilot.press`` waits for the process to look idle, which takes a second or two
during a run.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from textual import events
from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

import tui.app.app
from solvers.chapters.registry import chapters
from solvers.core.control import RunControl
from tui.app.app import GdlabApp
from tui.app.messages import RunEnded, RunFailed, RunProgress, RunStarted, SolverReady
from tui.app.screens.chapter import ChapterScreen

RUN_TIMEOUT = 60.0
"""Seconds a run may take before a test gives up (chapter 3 takes ~5-15 s here)."""
UI_TIMEOUT = 10.0
"""Seconds a key's or a message's effect on the screen may take on a loaded machine."""

T = TypeVar("T")


async def wait_until(
    pilot: Pilot[None],
    predicate: Callable[[], bool],
    what: str,
    timeout: float = RUN_TIMEOUT,
    *,
    drain: bool = False,
) -> None:
    """Let the app work until ``predicate()`` holds; fail after ``timeout``.

    ``drain`` polls with ``pilot.pause(0.05)`` instead, so every widget has also
    handled its messages when this returns.
    """
    if not drain:
        await poll_until(predicate, what, timeout)
        return
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await pilot.pause(0.05)


async def poll_until(
    predicate: Callable[[], bool], what: str, timeout: float = RUN_TIMEOUT
) -> None:
    """Sleep in short steps until ``predicate()`` holds; fail after ``timeout``. Also
    after the app has exited (no pilot then): its threads still end."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await asyncio.sleep(0.02)


async def resized(pilot: Pilot[None], width: int, height: int) -> None:
    """Resize the terminal; return once the screen has its new size and a frame at it
    has been drawn."""
    await pilot.resize_terminal(width, height)
    await wait_until(
        pilot, lambda: tuple(pilot.app.screen.size) == (width, height), f"{width}x{height}"
    )
    await pilot.pause()  # the refresh that lays out and draws the frame at that size


async def landscapes_drawn(pilot: Pilot[None], timeout: float = 20.0) -> None:
    """Wait until the app's workers have finished, what they posted has been handled,
    and each landscape map was made for its view's size (a map drawn once asks again
    at the size its title and legend then leave it)."""
    from solvers.pictures.landscape_model import ContourMap
    from solvers.pictures.members_map import MembersMap
    from tui.app.widgets.contour_view import ContourView
    from tui.app.widgets.landscape import LandscapePlot

    app = pilot.app

    def idle() -> bool:
        return all(worker.is_finished for worker in app.workers)

    def fitted() -> bool:
        for plot in app.screen.query(LandscapePlot):
            drawn, views = plot.landscape, plot.query(ContourView)
            if isinstance(drawn, ContourMap | MembersMap) and views:
                cells = views.first().size
                if cells.area and drawn.plan.size != (cells.width, cells.height):
                    return False
        return True

    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause()  # what a worker posted before it finished: handled
        if idle():
            await pilot.pause()  # and what handling it asked for (a map at a new size)
            if idle() and fitted():
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for the landscapes")
        await asyncio.sleep(0.02)


async def handled_up_to(pilot: Pilot[None], widget: Widget, ancestor: Widget) -> None:
    """Wait until the messages ``widget`` has posted so far (a Select's Changed, an
    Input's) have bubbled up to ``ancestor`` and been handled there.

    A bubbling message is handled in one widget's queue, then posted to its
    parent's; a callback that follows the same path, one queue after the other,
    reaches each queue after the message did.
    """
    path = [widget]
    while path[-1] is not ancestor:
        parent = path[-1].parent
        assert isinstance(parent, Widget), f"{ancestor!r} is not above {widget!r}"
        path.append(parent)
    await handled_by(pilot, *path)


async def handled_by(pilot: Pilot[None], *pumps: MessagePump) -> None:
    """Wait until each of ``pumps`` in turn has handled every message in its queue
    now, and (from the second on) what the one before passed it meanwhile: keys
    posted to the app, then forwarded to the focused field, for instance."""
    done = asyncio.Event()

    def hop(index: int) -> None:
        if index == len(pumps):
            done.set()
        else:
            pumps[index].call_later(hop, index + 1)

    hop(0)
    await poll_until(done.is_set, f"the queues of {pumps!r}", UI_TIMEOUT)


async def keys_handled(pilot: Pilot[None], app: App[Any]) -> None:
    """Wait until every key sent so far through the app's driver has been handled.

    The driver delivers each key as a message to the app; a callback sent the same
    way after them runs after them, and the pause then lets the focused widget and
    the screen handle what the app forwarded to them.
    """
    done = asyncio.Event()
    callback = events.Callback(callback=done.set)
    callback.set_sender(app)
    app._driver.send_message(callback)  # type: ignore[union-attr]  # the keys' way in
    await poll_until(done.is_set, "the keys sent so far to reach the app", UI_TIMEOUT)
    await pilot.pause()


async def wait_for(
    pilot: Pilot[None],
    get: Callable[[], T | None],
    what: str,
    timeout: float = UI_TIMEOUT,
    *,
    drain: bool = False,
) -> T:
    """Let the app work until ``get()`` returns something truthy; return it (the
    value the wait was for, read once: no second read that could differ)."""
    found: list[T] = []

    def got() -> bool:
        value = get()
        if value:
            found.append(value)
            return True
        return False

    await wait_until(pilot, got, what, timeout, drain=drain)
    return found[-1]


async def wait_for_text(
    pilot: Pilot[None], screen: Screen[Any], selector: str, words: str, timeout: float = UI_TIMEOUT
) -> str:
    """Let the app work until the Static at ``selector`` shows ``words``; return its text."""

    def shown() -> str | None:
        text = text_of(screen, selector)
        return text if words in text else None

    return await wait_for(pilot, shown, f"{words!r} in {selector}", timeout)


async def settled(
    pilot: Pilot[None], read: Callable[[], T], what: str, timeout: float = UI_TIMEOUT
) -> T:
    """Let the app draw until ``read()`` (what the screen shows) is the same after one
    more refresh cycle; return it. For a picture drawn in several frames (a plot's
    canvas is filled on one frame and shown on the next), where no state says done."""
    deadline = time.monotonic() + timeout
    before = read()
    while True:
        await pilot.pause()
        now = read()
        if now == before:
            return now
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what} to settle")
        before = now


async def holds_for(
    pilot: Pilot[None], predicate: Callable[[], bool], what: str, seconds: float = 0.5
) -> None:
    """Check that ``predicate()`` stays true for ``seconds`` while the app works.

    Only for "nothing more happens" (a held or ended run writes no rows): wait first
    for the state that makes a change impossible (:class:`HoldWatch`, the worker's
    thread gone), so a loaded machine can only make this easier to pass, never flaky.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert predicate(), what
        await asyncio.sleep(0.02)
    assert predicate(), what


class HoldWatch:
    """Which runs' workers are blocked in :meth:`RunControl.wait_turn` right now.

    A pause only asks the worker to hold after its current chunk; a test that checks
    "no rows while paused" waits for :meth:`holding` first. Installed by
    :meth:`installed`, which wraps ``RunControl.wait_turn`` for every control.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: set[int] = set()

    def holding(self, control: RunControl | None) -> bool:
        """``control``'s worker is blocked, waiting for a key (or a cancel)."""
        with self._lock:
            return control is not None and id(control) in self._held

    @contextmanager
    def installed(self) -> Iterator[HoldWatch]:
        original = RunControl.wait_turn
        watch = self

        def wait_turn(control: RunControl, on_hold: Callable[[], None] | None = None) -> int | None:
            def hold() -> None:
                if on_hold is not None:
                    on_hold()
                with watch._lock:
                    watch._held.add(id(control))

            try:
                return original(control, hold)
            finally:
                with watch._lock:
                    watch._held.discard(id(control))

        RunControl.wait_turn = wait_turn  # type: ignore[method-assign]
        try:
            yield self
        finally:
            RunControl.wait_turn = original  # type: ignore[method-assign]


async def tap(pilot: Pilot[None], key: str) -> None:
    """Send a key through the app's bindings without waiting for an idle CPU."""
    pilot.app.simulate_key(key)
    await asyncio.sleep(0)


async def set_fields(pilot: Pilot[None], screen: ChapterScreen, **values: str) -> None:
    """Type each value into its field (focused, as a user would), then leave with escape."""
    for name, text in values.items():
        field = screen.query_one(f"#{name}", Input)
        field.focus()
        field.value = text
    await pilot.press("escape")
    assert not isinstance(pilot.app.focused, Input)


def text_of(screen: Screen[Any], selector: str) -> str:
    """What the Static at ``selector`` shows, as plain text."""
    return str(screen.query_one(selector, Static).render())


def live_ready(screen: ChapterScreen) -> bool:
    """The screen's table and plots are mounted (they mount after torch loads)."""
    return (
        screen.live is not None
        and screen.live.table is not None  # None until the view has composed
        and bool(screen.query("#objective-plot"))
    )


async def first_screen(pilot: Pilot[None]) -> ChapterScreen:
    """The screen the app opened on, once torch has loaded and its table is mounted."""
    screen = pilot.app.screen
    assert isinstance(screen, ChapterScreen)
    await wait_until(pilot, lambda: live_ready(screen), "the first screen's table", 30)
    await wait_until(
        pilot,
        lambda: screen.controls_mounted and "loading torch" not in text_of(screen, "#facts"),
        "the first screen's fields and torch's facts",
        30,
    )
    await pilot.pause()  # the layout that moves the controls down under the facts
    return screen


def screen_of_key(key: str) -> str | None:
    """The id of the chapter whose screen ``key`` shows."""
    return next((c.id for c in chapters() if c.key == key), None)


async def chapter(pilot: Pilot[None], key: int) -> ChapterScreen:
    """Press the chapter's key; return its screen once showing, with table and plots."""
    app = pilot.app
    await tap(pilot, str(key))

    def showing() -> bool:
        screen = app.screen
        return (
            isinstance(screen, ChapterScreen)
            and screen.problem_id == screen_of_key(str(key))
            and live_ready(screen)
        )

    await wait_until(pilot, showing, f"chapter {key}'s screen", timeout=30)
    screen = app.screen
    assert isinstance(screen, ChapterScreen)
    return screen


def chapter_screens(app: GdlabApp) -> list[ChapterScreen]:
    """Every chapter screen the app has built so far (modes build them on first visit)."""
    stacks = app._screen_stacks.values()  # Textual keeps a screen stack per mode
    return [screen for stack in stacks for screen in stack if isinstance(screen, ChapterScreen)]


class HeldSolverApp(GdlabApp):
    """The app with its SolverReady kept back, as a slow torch import keeps it, until
    :meth:`release_solver`; ``held_solver`` has it once torch has loaded.

    Textual's ``message_hook`` (``run_test(message_hook=...)``) only watches messages
    go by: it cannot keep one back. A handler can: this class's ``on_solver_ready``
    runs before GdlabApp's (a subclass comes first in the MRO) and its
    ``prevent_default()`` keeps the message from the handlers of the base classes.
    """

    CSS_PATH = str(Path(tui.app.app.__file__).with_name("app.tcss"))
    """A relative CSS_PATH is read beside the module of the class that sets it."""

    def __init__(self, start_chapter: str = "1") -> None:
        super().__init__(start_chapter)
        self.held_solver: list[SolverReady] = []
        self._holding_solver = True

    def on_solver_ready(self, message: SolverReady) -> None:
        if self._holding_solver:
            message.prevent_default()
            self.held_solver.append(message)

    def release_solver(self) -> None:
        """Deliver the held SolverReady, and any later one, to the app."""
        self._holding_solver = False
        for message in self.held_solver:
            self.post_message(message.prevent_default(False))


RUN_MESSAGES = (RunStarted, RunProgress, RunEnded, RunFailed)


class HoldingChapterScreen(ChapterScreen):
    """A chapter screen that, once ``hold_runs`` is set, keeps the next run's messages
    back from itself (from RunStarted on), as a busy UI would; ``release_runs``
    delivers them in order. Held the way :class:`HeldSolverApp` holds SolverReady."""

    def __init__(self, problem_id: str) -> None:
        super().__init__(problem_id)
        self.hold_runs = False
        self.held_runs: list[Message] = []

    def _hold(self, message: Message) -> None:
        if self.hold_runs and (isinstance(message, RunStarted) or self.held_runs):
            message.prevent_default()
            self.held_runs.append(message)

    on_run_started = on_run_progress = on_run_ended = on_run_failed = _hold

    def release_runs(self) -> None:
        self.hold_runs = False
        for message in self.held_runs:
            self.post_message(message.prevent_default(False))


class HoldingScreensApp(GdlabApp):
    """The app with a :class:`HoldingChapterScreen` for each chapter."""

    CSS_PATH = HeldSolverApp.CSS_PATH
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        mode: partial(HoldingChapterScreen, *make.args)
        for mode, make in GdlabApp.MODES.items()
        if isinstance(make, partial)
    }
