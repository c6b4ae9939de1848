"""Faults during runs: keys mashed at 50 per second, resizes, field edits, quitting.

After the storm the app must still answer, hold at most one run per screen, and
show in each table exactly the rows its history holds.
"""

from __future__ import annotations

import asyncio
import random
import time

import pytest
from app_helpers import chapter_screens, keys_handled, poll_until, wait_until
from textual import events
from textual.widgets import Input

from tui.app.app import GdlabApp
from tui.app.run_controller import Phase, driving
from tui.app.screens.chapter import ChapterScreen
from tui.bench.headless import ready_screen

pytestmark = pytest.mark.slow  # a storm of keys, and runs raced against screens and fields

KEYS = [
    "r",
    "s",
    "space",
    "n",
    "ctrl+r",
    "1",
    "2",
    "3",
    "escape",
    "tab",
    "question_mark",
    "escape",
    "down",
    "up",
    "pageup",
    "end",
    "0",
    "x",
    "backspace",
]


def send_key(app: GdlabApp, key: str) -> None:
    """Deliver a key as a terminal would, without Pilot's wait for an idle process
    (which, with a run burning CPU, waits about a second per key)."""
    char = {"space": " "}.get(key, key if len(key) == 1 else None)
    event = events.Key(key, char)
    event.set_sender(app)
    app._driver.send_message(event)


async def settle(pilot, app: GdlabApp, timeout: float = 30.0) -> None:
    """Wait until no chapter screen is running, no thread drives a run, and the
    messages are handled."""
    await wait_until(
        pilot,
        lambda: not any(s.controller.phase.live for s in chapter_screens(app)) and not driving(),
        "every run to end",
        timeout,
    )
    await pilot.pause()  # the widgets' queues: what the last messages asked them to draw


async def test_keys_mashed_at_50_per_second_leave_the_app_consistent():
    rng = random.Random(1234)
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready_screen(app, pilot)
        await pilot.press("r")
        started = time.monotonic()
        for pressed in range(300):  # 50 keys a second for 6 s, on a wall-clock schedule
            key = rng.choice(KEYS)
            if key == "question_mark" and rng.random() < 0.5:
                key = "r"
            send_key(app, key)
            if pressed % 40 == 39:
                await pilot.resize_terminal(rng.choice([80, 120, 200]), rng.choice([24, 40, 60]))
            await asyncio.sleep(max(0.0, started + (pressed + 1) * 0.02 - time.monotonic()))
        # let the keys still queued in the driver arrive, leave any modal, stop
        # everything, then check every screen
        await keys_handled(pilot, app)
        while not isinstance(app.screen, ChapterScreen):
            await pilot.press("escape")
        for screen in chapter_screens(app):
            screen.controller.cancel()
        await settle(pilot, app)
        assert chapter_screens(app), "no chapter screen found"
        for screen in chapter_screens(app):
            workers = [w for w in screen.workers if w.group == "run" and w.is_running]
            assert len(workers) <= 1
            if screen.live is not None:
                # no redraw here: the screen must have drawn the final rows by itself
                assert screen.live.table.row_count == screen.controller.count
        # the app still answers: a fresh, valid run on chapter 1 completes
        app.screen.set_focus(None)  # a tab may have left a field focused, where 1 types
        await pilot.press("1")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, ChapterScreen)
                and app.screen.problem_id == "1"
                and app.screen.controls_mounted
            ),
            "chapter 1 with its fields",
        )
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        await pilot.press("ctrl+r")
        for name, value in (("eta", "0.4"), ("iterations", "15"), ("start", "0.5")):
            screen.query_one(f"#{name}", Input).value = value
        screen.action_leave_field()
        await pilot.press("r")
        await settle(pilot, app)
        assert screen.controller.count == 15


async def test_changing_a_field_during_a_run_does_not_change_the_run():
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready_screen(app, pilot)
        screen.query_one("#iterations", Input).value = "3000"
        await pilot.press("r")
        # the worker has built the run from the fields as they were
        await wait_until(pilot, lambda: screen.controller.view is not None, "the run started")
        screen.query_one("#iterations", Input).value = "abc"
        screen.query_one("#eta", Input).value = "5"
        await settle(pilot, app)
        assert screen.controller.view is not None
        assert screen.controller.count == 3000
        assert screen.controller.phase is Phase.FINISHED
        assert "not a number" in str(screen.query_one("#iterations-error").render())


async def test_quitting_during_a_paused_run_ends_its_worker():
    """A paused run of hours' work holds its worker until a key: quitting releases and
    ends it. (How fast is the bench's to measure; a test only sees that it ends.)"""
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready_screen(app, pilot)
        screen.query_one("#iterations", Input).value = "10000000"
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.controller.count > 0, "the run's first rows")
        await pilot.press("space")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.PAUSED, "the pause")
        assert driving(), "no thread drives the run"
        await pilot.press("q")
    # the run's worker has returned, and no worker of the app is still running
    await poll_until(lambda: not driving(), "the paused run's worker to end after q", 10)
    assert not [w for w in app.workers if w.is_running]


async def test_a_run_started_the_moment_a_chapter_opens_draws_without_error():
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready_screen(app, pilot)
        for chapter in ("2", "3"):
            send_key(app, chapter)
            send_key(app, "r")  # before the new screen's plots have composed

            def running(chapter: str = chapter) -> bool:
                screen = app.screen
                opened = isinstance(screen, ChapterScreen) and screen.problem_id == chapter
                return opened and screen.controller.count > 0

            await wait_until(pilot, running, f"chapter {chapter}'s run", 20, drain=True)
            screen = app.screen
            assert isinstance(screen, ChapterScreen)
            assert screen.problem_id == chapter
            screen.controller.cancel()
            await settle(pilot, app)
            assert screen.controller.count > 0
