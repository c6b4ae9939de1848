"""Driving the app headless (Textual's run_test) for the bench and the tests."""

from __future__ import annotations

import time

from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import GdlabApp
from tui.screens.chapter import ChapterScreen
from tui.solver_state import SolverStatus


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
    """Press r and wait for the run to end; seconds from the key to the end."""
    started = time.perf_counter()
    await pilot.press("r")
    while screen.controller.phase.live:
        await pilot.pause(poll)
    return time.perf_counter() - started
