"""Parsed CSS shared by the apps of a process (tui/shared_css.py).

An app parses each CSS source once, not again when its first screen's CSS is
refreshed; `gdlab serve`'s warm process parses every source before forking, so a
tab's app parses none; a theme's CSS is never served for another theme's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app_helpers import wait_until

from tui import shared_css
from tui.app import GdlabApp
from tui.screens.chapter import ChapterScreen

ROOT = Path(__file__).parents[1]

AFTER_WARM = """
import asyncio
from tui import serve_fork, shared_css
from tui.app import GdlabApp
from tui.solver_state import SolverStatus

serve_fork._warm_imports()
serve_fork._warm_css()
warmed = shared_css.parses

async def tab():
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(600):
            if app.solver.status is not SolverStatus.LOADING:
                break
            await pilot.pause(0.05)
        assert app.solver.status is SolverStatus.READY, app.solver
        for key in ("2", "3", "4", "question_mark"):
            await pilot.press(key)
            await pilot.pause(0.2)

asyncio.run(tab())
print(warmed, shared_css.parses - warmed)
"""


def test_an_app_started_after_the_warm_up_parses_no_css() -> None:
    """What a forked tab does: chapters, help and the live view (plots) included."""
    done = subprocess.run(
        [sys.executable, "-c", AFTER_WARM],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    warmed, during = (int(n) for n in done.stdout.split())
    assert warmed > 50  # app.tcss, the app's, and every widget's DEFAULT_CSS
    assert during == 0


async def test_each_source_is_parsed_once_per_theme_and_a_theme_gets_its_own() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.first_frame_shown, "the first frame")
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        controls = screen.query_one("#controls")  # its border is $primary-darken-2
        first = (screen.styles.background, controls.styles.border_right)
        before = shared_css.parses
        # a theme the process has not parsed with yet (the cache knows no other)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert screen.styles.background != first[0]
        assert controls.styles.border_right != first[1]
        assert shared_css.parses > before
        assert isinstance(app.stylesheet, shared_css.SharedStylesheet)
