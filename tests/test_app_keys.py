"""The app's keys, driven with Textual's Pilot: stop, pause, step, reset, bad input, quit.

Long runs have 10,000,000 iterations (most of an hour's work), so a test only
ends if stop, reset or quit really reach the worker. Every check polls in short
pauses with a bounded timeout; no sleep is a check on its own.

``pilot.press`` waits until the process looks idle, which takes up to a second or
two while a run keeps a core busy. Keys sent during runs therefore go through
``App.simulate_key`` (the same binding dispatch) and the test polls for the effect.
Polls sleep with asyncio (the app runs on the same loop) rather than
``pilot.pause``, which first waits for every widget's queue to drain: 0.1-0.4 s
a poll here, too coarse to time a stop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from app_helpers import (
    RUN_TIMEOUT,
    HeldSolverApp,
    HoldingChapterScreen,
    HoldingScreensApp,
    HoldWatch,
    chapter,
    first_screen,
    holds_for,
    live_ready,
    set_fields,
    tap,
    text_of,
    wait_until,
)
from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, ProgressBar, Static
from textual.widgets._footer import FooterKey

from tui.app.app import GdlabApp
from tui.app.messages import RunEnded
from tui.app.run_controller import Phase, cancel_all, driving
from tui.app.screens.chapter import ChapterScreen
from tui.app.screens.help import HelpScreen
from tui.app.widgets.iteration_table import IterationTable

STOP_SECONDS = 10.0
"""A stopped 10,000,000-iteration run must end within this (it would take an hour):
a deadline for the condition, generous for a loaded machine; the bench (B3) times it."""
LONG = "10000000"
"""Iterations of a run that never ends by itself within a test."""


# ---------------------------------------------------------------- helpers


async def quit_with_q(pilot: Pilot[None]) -> None:
    """Press q and wait (without touching the screen stack) until the app exits."""
    app = pilot.app
    app.simulate_key("q")
    deadline = time.monotonic() + 5
    while app.return_code is None and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert app.return_code == 0, "q did not quit the app"


async def wait_for_end(pilot: Pilot[None], screen: ChapterScreen, timeout: float = RUN_TIMEOUT):
    await wait_until(pilot, lambda: not screen.controller.phase.live, "the run to end", timeout)


async def start_long_run(pilot: Pilot[None]) -> ChapterScreen:
    """The current chapter with 10,000,000 iterations, running, with rows coming in."""
    screen = await first_screen(pilot)
    screen.query_one("#iterations", Input).value = LONG
    await tap(pilot, "r")
    await wait_until(
        pilot,
        lambda: screen.controller.count > 0,
        "the first rows of the long run",
    )
    assert screen.controller.phase.live
    return screen


def count(screen: ChapterScreen) -> int:
    assert screen.controller.view is not None
    return screen.controller.count


def table_rows(screen: ChapterScreen) -> int:
    assert screen.live is not None, "the table is not mounted"
    table = screen.query_one("#table", IterationTable)
    assert table is screen.live.table
    return table.row_count


def record_notices(app: App[None]) -> list[str]:
    """Every notification the app is asked to show from now on (``App.notify``, which
    a screen's ``notify`` calls too): none is missed for having expired."""
    notices: list[str] = []
    notify = app.notify

    def recorded(message: str, **kwargs: Any) -> None:
        notices.append(message)
        notify(message, **kwargs)

    app.notify = recorded  # type: ignore[method-assign]
    return notices


def threads_driving_runs() -> list[str]:
    """Names of the threads now inside the run worker (tui.app.run_controller._drive)."""
    return sorted(driving())


async def wait_for_no_run_threads(timeout: float) -> list[str]:
    """Poll (outside the app) until no thread drives a run; return those left."""
    deadline = time.monotonic() + timeout
    while (busy := threads_driving_runs()) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    return busy


def cancel_every_run() -> None:
    """Cancel every run not yet ended, on every screen."""
    cancel_all()


@pytest.fixture(autouse=True)
async def no_leftover_runs() -> AsyncIterator[None]:
    """After each test, cancel any run still going, so one failure cannot hang the rest.

    Async so that it is torn down before the event loop, whose executor would
    otherwise wait forever for a worker thread that was never stopped.
    """
    yield
    if threads_driving_runs():
        cancel_every_run()
        await wait_for_no_run_threads(5.0)


# ---------------------------------------------------------------- stop / pause


async def test_stop_ends_a_long_run() -> None:
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_long_run(pilot)
        assert screen.problem_id == "3"
        await tap(pilot, "s")
        # the run had hours of work left: ending within seconds proves the stop reached
        # the worker's loop. How fast a key reaches the screen is the bench's B3.
        await wait_until(
            pilot, lambda: not screen.controller.phase.live, "the run to stop", STOP_SECONDS
        )
        assert screen.controller.phase is Phase.STOPPED
        assert "stopped" in text_of(screen, "#status")
        rows = count(screen)
        assert 0 < rows < 10_000_000
        assert table_rows(screen) == rows
        assert await wait_for_no_run_threads(STOP_SECONDS) == []  # no more rows can come
        await pilot.pause()  # the worker's last messages, handled
        assert count(screen) == rows, "rows kept coming after the stop"
        assert table_rows(screen) == rows


@pytest.mark.slow
async def test_pause_holds_the_count_resume_continues_and_stop_while_paused(
    hold_watch: HoldWatch,
) -> None:
    app = GdlabApp()
    toasts = record_notices(app)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_long_run(pilot)
        classes = set(screen.classes)
        table = screen.live.table if screen.live is not None else None
        assert table is not None
        await wait_until(pilot, lambda: table.virtual_size.height > 1_000_000, "the run's range")
        scroll_range = table.virtual_size.height
        await wait_until(pilot, lambda: not footer_keys(screen)["s"][1], "s shown on", 5)
        keys = footer_keys(screen)
        assert keys["r"][1] and not keys["s"][1]  # r shown dimmed while running
        await tap(pilot, "space")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.PAUSED, "paused", 5)
        assert "paused" in text_of(screen, "#status")
        # what a pause changes is cheap to draw (B3): a class on the status line, not on
        # the screen (that restyles every widget), the table keeps its scroll range, and
        # the footer keeps its keys, r turned on (a rebuilt footer has new keys)
        status = screen.query_one("#status")
        await wait_until(pilot, lambda: status.has_class("-paused"), "the status paused", 5)
        assert set(screen.classes) == classes
        assert table.virtual_size.height == scroll_range
        await wait_until(pilot, lambda: not footer_keys(screen)["r"][1], "r turned on", 5)
        paused_keys = footer_keys(screen)
        assert [key for key, _ in paused_keys.values()] == [key for key, _ in keys.values()]
        control = screen.controller.control
        assert screen.controller.view is not None and control is not None and control.held
        # the chunk in flight when space was pressed finishes; then the worker holds
        await wait_until(pilot, lambda: hold_watch.holding(control), "the worker held", 10)
        held = count(screen)
        await holds_for(pilot, lambda: count(screen) == held, "rows kept coming while paused")
        assert screen.controller.phase.live
        # a paused run shows every row recorded, and no rate or ETA
        await wait_until(pilot, lambda: table_rows(screen) == held, "every row in the table", 5)
        status = text_of(screen, "#status")
        assert "it/s" not in status and "ETA" not in status, status

        # while paused: n takes one step and holds again; the run is the same run
        view, run_id = screen.controller.view, screen.controller.run_id
        await tap(pilot, "n")
        await wait_until(pilot, lambda: count(screen) == held + 1, "one step while paused", 5)
        assert screen.controller.phase is Phase.STEPPING
        await wait_until(
            pilot, lambda: f"step {held}:" in text_of(screen, "#step-detail"), "its explanation", 5
        )
        await wait_until(pilot, lambda: hold_watch.holding(control), "held after the step", 10)
        await holds_for(pilot, lambda: count(screen) == held + 1, "a step while paused ran on")
        assert screen.controller.view is view and screen.controller.run_id == run_id
        assert not toasts, "a key while paused raised a toast"
        held += 1

        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.RUNNING, "resumed", 5)
        await wait_until(pilot, lambda: count(screen) > held, "rows after resuming", 10)
        assert text_of(screen, "#step-detail") == "", "the step explanation outlived the step"

        await tap(pilot, "space")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.PAUSED, "paused again", 5)
        await tap(pilot, "s")
        await wait_until(
            pilot, lambda: not screen.controller.phase.live, "the paused run to stop", STOP_SECONDS
        )
        assert screen.controller.phase is Phase.STOPPED
        assert table_rows(screen) == count(screen)


def footer_keys(screen: ChapterScreen) -> dict[str, tuple[FooterKey, bool]]:
    """The footer's keys by key: the widget, and whether it is dimmed (disabled)."""
    return {key.key: (key, key.has_class("-disabled")) for key in screen.query(FooterKey)}


async def start_held_long_run(pilot: Pilot[None]) -> HoldingChapterScreen:
    """A 10,000,000-iteration run whose worker has posted RunStarted, held back from
    the screen (``held_runs``) as a busy UI would.

    Keys are dispatched by the app and the run's messages by the screen's own queue,
    so a key can be handled while RunStarted still waits.
    """
    screen = await first_screen(pilot)
    assert isinstance(screen, HoldingChapterScreen)
    screen.query_one("#iterations", Input).value = LONG
    screen.hold_runs = True
    await tap(pilot, "r")
    await wait_until(pilot, lambda: bool(screen.held_runs), "the worker to post RunStarted", 10)
    return screen


@pytest.mark.slow
async def test_stop_before_the_run_started_message_is_handled() -> None:
    app = HoldingScreensApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start_held_long_run(pilot)
        held = screen.held_runs
        assert screen.controller.view is None  # the screen has not adopted the run yet
        await tap(pilot, "s")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.STOPPING, "the stop", 5)
        # the worker must see the stop although the screen never gave it the Descent
        await wait_until(pilot, lambda: isinstance(held[-1], RunEnded), "RunEnded", 3)
        screen.release_runs()
        await wait_until(
            pilot, lambda: not screen.controller.phase.live, "the run to end", timeout=3
        )
        assert screen.controller.phase is Phase.STOPPED
        assert count(screen) < 10_000_000
        assert table_rows(screen) == count(screen)


@pytest.mark.slow
async def test_quit_before_the_run_started_message_is_handled() -> None:
    app = HoldingScreensApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await start_held_long_run(pilot)
        await quit_with_q(pilot)
    busy = await wait_for_no_run_threads(STOP_SECONDS)
    assert busy == [], f"threads still running the worker after q: {busy}"


# ---------------------------------------------------------------- step / reset


@pytest.mark.slow
async def test_three_steps_then_run_continues_the_same_run() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await set_fields(pilot, screen, start="0.5")
        for expected in (1, 2, 3):
            await tap(pilot, "n")
            await wait_until(
                pilot,
                lambda n=expected: (
                    screen.controller.view is not None
                    and count(screen) == n
                    and f"step {n - 1}:" in text_of(screen, "#step-detail")
                ),
                f"step {expected}",
            )
            assert screen.controller.phase is Phase.STEPPING
        detail = text_of(screen, "#step-detail")
        for word in ("forward", "backward", "update"):
            assert word in detail
        assert "step 2" in detail
        view = screen.controller.view
        assert view is not None
        first_three = view.rows[:3].copy()
        assert float(first_three[0, 0]) == 0.5
        # x ← x − 0.4 (x − 2): the book's update
        assert float(first_three[1, 0]) == pytest.approx(0.5 - 0.4 * (0.5 - 2), abs=1e-6)
        assert table_rows(screen) == 3

        await tap(pilot, "r")
        await wait_until(
            pilot, lambda: count(screen) == 15 and not screen.controller.phase.live, "the rest"
        )
        assert screen.controller.view is view, "r after steps started a new run"
        assert (view.rows[:3] == first_three).all()
        assert screen.controller.phase is Phase.FINISHED
        assert "15 of 15 iterations" in text_of(screen, "#status")
        assert text_of(screen, "#step-detail") == "", "the step explanation outlived the steps"
        assert table_rows(screen) == 15


@pytest.mark.slow
async def test_reset_clears_a_finished_run_and_stops_a_going_one() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        assert table_rows(screen) == 15
        await tap(pilot, "ctrl+r")
        await wait_until(pilot, lambda: screen.controller.view is None, "the reset", 5)
        assert table_rows(screen) == 0
        assert screen.controller.phase is Phase.IDLE
        assert text_of(screen, "#status").startswith("ready")
        assert not screen.controller.phase.live

        screen = await start_long_run(pilot)
        old = screen.controller.control
        assert old is not None
        await tap(pilot, "ctrl+r")
        await wait_until(pilot, lambda: screen.controller.view is None, "the reset", 5)
        assert not screen.controller.phase.live
        assert table_rows(screen) == 0
        assert screen.controller.phase is Phase.IDLE
        assert old.cancelled
        assert await wait_for_no_run_threads(STOP_SECONDS) == []
        await pilot.pause()  # a late message of the old run (handled now) must not bring it back
        assert screen.controller.view is None
        assert table_rows(screen) == 0
        assert screen.controller.phase is Phase.IDLE


# ---------------------------------------------------------------- bad input

BAD_INPUT = [
    ("eta", "abc", "is not a number", "a number > 0"),
    ("eta", "0", "out of range", "a number > 0"),
    ("eta", "-1", "out of range", "a number > 0"),
    ("eta", "nan", "is not a number", "a number > 0"),
    ("eta", "1e999", "is not finite", "a number > 0"),
    ("eta", "", "is empty", "a number > 0"),
    ("iterations", "0", "out of range", "a whole number from 1 to 10,000,000"),
    ("iterations", "10000001", "out of range", "a whole number from 1 to 10,000,000"),
    ("iterations", "2.5", "is not whole", "a whole number from 1 to 10,000,000"),
    ("seed", "-1", "out of range", "a whole number from 0 to 4,294,967,295"),
    ("start", "1, 2", "got 2 value(s)", "expected 1 (x)"),
]


@pytest.mark.slow
async def test_bad_input_is_refused_with_a_reason() -> None:
    """Each bad value in turn, in one app: no run starts, the field says what it accepts."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        defaults = {n: screen.query_one(f"#{n}", Input).value for n in ("eta", "iterations")}
        for number, (field, text, why, accepted) in enumerate(BAD_INPUT):
            case = f"{field}={text!r}"
            error = screen.query_one(f"#{field}-error", Static)
            box = screen.query_one(f"#{field}", Input)
            assert not error.display, case
            if number == 0:  # the first by mouse and keyboard, the rest faster
                await pilot.click(box)
                await pilot.press("end", *["backspace"] * len(box.value), *text)
            else:
                box.focus()
                box.value = text
                await wait_until(pilot, lambda b=box: app.focused is b, f"{case}: focus", 5)
            assert app.focused is box, case
            assert box.value == text, case
            await tap(pilot, "escape")
            await wait_until(pilot, lambda b=box: app.focused is not b, f"{case}: escape", 5)
            screen.query_one("#status", Static).update("")
            await tap(pilot, "r")
            await wait_until(
                pilot,
                lambda: "fix the flagged field first" in text_of(screen, "#status"),
                f"{case}: refusal",
                5,
            )
            assert box.value == text, case

            assert not screen.controller.phase.live, case
            assert screen.controller.view is None, case
            assert screen.controller.phase is Phase.IDLE, case
            assert error.display, f"{case}: the reason is hidden"
            message = str(error.render())
            assert why in message, f"{case}: {message}"
            assert "expected" in message, f"{case}: {message}"
            assert accepted in message, f"{case}: {message}"
            assert box.has_class("-invalid"), case
            box.value = defaults.get(field, "")  # put it right for the next case
            await wait_until(pilot, lambda e=error: not e.display, f"{case}: cleared", 5)
            assert not box.has_class("-invalid"), case
        assert app.is_running

        # all fields good again: the run goes
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        assert count(screen) == 15
    assert app.return_code in (None, 0)


# ---------------------------------------------------------------- focus


@pytest.mark.slow
async def test_keys_in_a_text_field_type_into_it() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        eta = screen.query_one("#eta", Input)
        await pilot.click(eta)
        assert app.focused is eta
        await pilot.press("end", "r")  # end: a click selects the whole value
        assert eta.value == "0.4r"
        assert not screen.controller.phase.live and screen.controller.view is None
        assert "not a number" in text_of(screen, "#eta-error")
        await pilot.press("backspace", "2", "q", "s", "n", "question_mark")
        assert eta.value == "0.42qsn?"
        assert app.current_mode == "chapter1", "a digit in a field switched the chapter"
        assert app.screen is screen, "? in a field opened the help"
        assert app.is_running, "q in a field quit the app"
        assert not screen.controller.phase.live and screen.controller.view is None
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        assert eta.value == "0.4"

        await pilot.press("escape")
        assert not isinstance(app.focused, Input)
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        assert count(screen) == 15


@pytest.mark.slow
async def test_focus_is_not_left_in_a_text_field() -> None:
    app = GdlabApp(start_chapter="2")
    async with app.run_test(size=(120, 40)) as pilot:
        screen2 = await first_screen(pilot)
        assert screen2.problem_id == "2"
        assert not isinstance(app.focused, Input), "chapter 2 opened with a field focused"
        screen1 = await chapter(pilot, 1)
        assert not isinstance(app.focused, Input), "chapter 1 opened with a field focused"
        screen2 = await chapter(pilot, 2)

        # a run started with the mouse, from the Run button
        await pilot.click("#run")
        await wait_for_end(pilot, screen2)
        assert screen2.controller.phase is Phase.FINISHED
        assert not isinstance(app.focused, Input)

        # a field focused when the screen is left is not focused on return
        screen2.query_one("#eta", Input).focus()
        await pilot.pause()
        await tap(pilot, "escape")  # escape, then 1: the digit would type otherwise
        await wait_until(pilot, lambda: not isinstance(app.focused, Input), "escape", 5)
        await chapter(pilot, 1)
        assert app.screen is screen1
        assert not isinstance(app.focused, Input)
        screen2.query_one("#eta", Input).focus()  # focused while hidden
        await chapter(pilot, 2)
        await pilot.pause()
        assert not isinstance(app.focused, Input)

        # a field submitted with enter is left
        await pilot.click("#iterations")
        assert isinstance(app.focused, Input)
        await pilot.press("enter")
        assert not isinstance(app.focused, Input)


@pytest.mark.slow
async def test_the_fields_stay_put_when_torch_has_loaded() -> None:
    """SolverReady is held back so that the layout before it can be measured."""
    app = HeldSolverApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: bool(app.held_solver), "torch to load", 30)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        before = {n: screen.query_one(f"#{n}").region for n in ("eta", "start", "run")}
        app.release_solver()
        await first_screen(pilot)
        await pilot.pause()
        after = {n: screen.query_one(f"#{n}").region for n in ("eta", "start", "run")}
        assert after == before


@pytest.mark.slow
async def test_the_table_has_focus_once_mounted() -> None:
    """Regression: AUTO_FOCUS = None inherited the App's "*", which focused the controls'
    VerticalScroll, so the arrows, pgup/end and f scrolled the controls, not the table."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await pilot.pause()
        table = screen.query_one("#table", IterationTable)
        assert app.focused is table
        assert table.follow
        await pilot.press("f")  # the table's own key: follow off
        assert not table.follow


# ---------------------------------------------------------------- chapters, quitting


@pytest.mark.slow
async def test_a_run_goes_on_while_another_chapter_shows_and_quit_stops_it() -> None:
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=(120, 40)) as pilot:
        screen3 = await start_long_run(pilot)
        screen1 = await chapter(pilot, 1)
        assert screen1 is not screen3
        assert app.current_mode == "chapter1"
        before = count(screen3)
        await wait_until(pilot, lambda: count(screen3) > before, "chapter 3 to go on", 10)
        assert screen3.controller.phase.live
        await tap(pilot, "r")  # chapter 1 runs at the same time
        await wait_until(
            pilot, lambda: screen1.controller.phase is Phase.FINISHED, "chapter 1's run", 30
        )
        assert count(screen1) == 15
        assert screen3.controller.phase.live
        assert threads_driving_runs(), "no thread drives the chapter 3 run"
        await quit_with_q(pilot)
    busy = await wait_for_no_run_threads(STOP_SECONDS)
    assert busy == [], f"a run's thread outlived the app: {busy}"
    assert screen3.controller.view is not None and screen3.controller.control.cancelled
    assert screen3.controller.count < 10_000_000


@pytest.mark.slow
async def test_opening_a_chapter_after_torch_loaded_does_not_crash() -> None:
    """Regression: the screen redrew its LiveView before the view's children had mounted
    (NoMatches ObjectivePlot or IterationTable), on every first visit after torch loaded."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        await tap(pilot, "2")  # chapter 2's screen is built now, torch already loaded
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, ChapterScreen)
                and app.screen.problem_id == "2"
                and live_ready(app.screen)
            ),
            "chapter 2 with its table",
            10,
        )
        await pilot.pause()  # the live view's first redraw (it crashed) has been handled
        assert app.is_running and app.return_code is None
        # a chapter key and r at once: the run starts before the new screen's table mounts
        app.simulate_key("3")
        app.simulate_key("r")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, ChapterScreen)
                and app.screen.problem_id == "3"
                and app.screen.controller.view is not None
            ),
            "chapter 3's run",
            10,
        )
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        await tap(pilot, "s")
        await wait_until(pilot, lambda: not screen.controller.phase.live, "the stop", 10)
        assert app.is_running and app.return_code is None
    assert app.return_code in (None, 0)


# ---------------------------------------------------------------- help, palette


def _key_names(app: App[None]) -> list[str]:
    """Every key a binding of the app, the chapter screen or the table answers to."""
    shown = []
    for owner in (type(app), ChapterScreen, IterationTable):
        for binding in owner.BINDINGS:
            assert not isinstance(binding, tuple)
            keys = binding if isinstance(binding, str) else binding.key
            for key in keys.split(","):
                shown.append({"question_mark": "?"}.get(key, key))
    shown.append(app.COMMAND_PALETTE_BINDING)
    return shown


@pytest.mark.slow
async def test_help_lists_every_key_and_escape_closes_it() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        chapter_screen = await first_screen(pilot)
        await pilot.pause()
        focused = app.focused
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        source = app.screen.query_one(Markdown).source
        missing = [key for key in _key_names(app) if f"`{key}`" not in source]
        assert missing == [], f"keys missing from the help: {missing}"
        await pilot.press("escape")
        assert app.screen is chapter_screen
        assert app.focused is focused

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("q")  # closes the help, does not quit
        assert app.screen is chapter_screen
        assert app.is_running


@pytest.mark.slow
async def test_system_commands_switch_chapters() -> None:
    app = GdlabApp(start_chapter="2")  # chapters 1 and 2 are built at start
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert "Chapter 1: A scalar minimum" in commands
        assert "Chapter 2: A vector minimum" in commands
        assert "Chapter 3: Linear regression on three samples" in commands
        assert "Keys" in commands
        commands["Chapter 1: A scalar minimum"].callback()
        await wait_until(pilot, lambda: app.current_mode == "chapter1", "chapter 1", 10)
        app.action_chapter(9)  # no such chapter: nothing happens
        await pilot.pause()
        assert app.current_mode == "chapter1"

        # and through the palette itself
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "palette", 5)
        app.screen.query_one(Input).value = "Chapter 2"

        def chapter_2_highlighted() -> bool:
            """The palette's search (a worker) has listed and highlighted chapter 2."""
            hits = app.screen.query(CommandList)
            index = hits.first().highlighted if hits else None
            return index is not None and "Chapter 2" in str(
                hits.first().get_option_at_index(index).prompt
            )

        await wait_until(pilot, chapter_2_highlighted, "the palette's hit", 10)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current_mode == "chapter2", "chapter 2", 10)
        screen = app.screen
        assert isinstance(screen, ChapterScreen) and screen.problem_id == "2"


@pytest.mark.slow
async def test_an_idle_screen_shows_no_busy_animation() -> None:
    """Regression: with no run the bar had total=None, Textual's indeterminate animation
    (a bouncing bar in the error colour, 15 redraws a second, ~8% of a core here)."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        assert screen.controller.phase is Phase.IDLE
        assert screen.query_one(ProgressBar).percentage is not None
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        await tap(pilot, "ctrl+r")
        await wait_until(pilot, lambda: screen.controller.view is None, "the reset", 5)
        assert screen.query_one(ProgressBar).percentage is not None, "animates after a reset"
