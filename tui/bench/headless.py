"""Driving the app headless (Textual's run_test) for the bench and the tests."""

from __future__ import annotations

import asyncio
import time

from textual.pilot import Pilot
from textual.widgets import Input

from tui.app.app import GdlabApp
from tui.app.screens.chapter import ChapterScreen
from tui.app.solver_state import SolverStatus


async def ready_screen(app: GdlabApp, pilot: Pilot[None]) -> ChapterScreen:
    """Wait until torch has loaded; return the chapter screen on show."""
    while app.solver.status is SolverStatus.LOADING:
        await pilot.pause(0.05)
    screen = app.screen
    assert isinstance(screen, ChapterScreen)
    return screen


async def set_iterations(pilot: Pilot[None], screen: ChapterScreen, iterations: int) -> None:
    """Type an iteration count into the screen's field."""
    screen.query_one("#iterations", Input).value = str(iterations)
    await pilot.pause(0.1)


async def run_to_end(pilot: Pilot[None], screen: ChapterScreen, poll: float = 0.01) -> float:
    """Press r and wait for the run to end; seconds from the key to the end.

    It polls with ``asyncio.sleep``, not ``pilot.pause``: each pause schedules a
    callback on every widget of the screen and waits for them all (about 80
    widgets: some 3,700 callbacks a second at a 10 ms poll), which cost the app
    more than its own drawing did and made B2 measure the harness. Once the run
    has ended, one pause lets every widget catch up before a test looks at them.
    """
    started = time.perf_counter()
    await pilot.press("r")
    while screen.controller.phase.live:
        await asyncio.sleep(poll)
    elapsed = time.perf_counter() - started
    await pilot.pause()
    return elapsed
