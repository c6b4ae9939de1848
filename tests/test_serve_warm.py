"""`gdlab serve`'s warm process leaves a tab's app nothing to import or parse.

The zygote (tui/serve/fork.py) imports every module and parses every stylesheet
before it forks; a forked app that still did either before its first frame paid
for it 30 times over when a class opened the page together (B10 in `gdlab bench`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

AFTER_WARM = """
import asyncio, gc, json, os, sys
from tui.serve import fork as serve_fork
from tui.app import shared_css
from solvers.chapters.registry import chapters
from tui.app.app import GdlabApp

def screen_of_key(key):
    return next((c.id for c in chapters() if c.key == key), None)

from tui.app.solver_state import SolverStatus

serve_fork._warm_imports()
serve_fork._warm_css()
gc.collect()
warmed = shared_css.parses
modules = set(sys.modules)
report = {"warmed": warmed}

async def tab():
    import textual.drivers.headless_driver, textual.pilot  # the test's, not the app's
    modules.update(sys.modules)
    serve_fork._reseed()  # what a forked child does before its app
    app = GdlabApp()
    after_first_frame = app._after_first_frame

    def first_frame():
        report["imported"] = sorted(set(sys.modules) - modules)
        report["parsed_by_first_frame"] = shared_css.parses - warmed
        after_first_frame()

    app._after_first_frame = first_frame
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(600):
            if app.solver.status is not SolverStatus.LOADING:
                break
            await pilot.pause(0.05)
        assert app.solver.status is SolverStatus.READY, app.solver
        for key in ("2", "3", "4", "question_mark"):
            await pilot.press(key)
            for _ in range(600):  # until it shows: a chapter with its table and plots, or help
                await pilot.pause(0.05)
                if shown(app.screen, screen_of_key(key)):
                    break
            assert shown(app.screen, screen_of_key(key)), (key, app.screen)

def shown(screen, chapter):
    if chapter is None:
        return type(screen).__name__ == "HelpScreen"
    live = getattr(screen, "live", None)
    return (
        getattr(screen, "problem_id", None) == chapter
        and live is not None
        and live.table is not None
        and bool(screen.query("#objective-plot"))
    )

asyncio.run(tab())
report["parsed"] = shared_css.parses - warmed
os.write(1, json.dumps(report).encode())
"""


@pytest.mark.slow
def test_a_tab_forked_from_the_warm_process_imports_and_parses_nothing_first() -> None:
    """What a forked tab does: its first frame, then chapters, help and plots."""
    # the default theme, as a class's server has it (--plain's theme is another)
    env = {k: v for k, v in os.environ.items() if k not in ("GDLAB_PLAIN", "NO_COLOR")}
    done = subprocess.run(
        [sys.executable, "-c", AFTER_WARM],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["warmed"] > 50  # app.tcss, the app's, and every widget's DEFAULT_CSS
    assert report["imported"] == []
    assert report["parsed_by_first_frame"] == 0
    assert report["parsed"] == 0
