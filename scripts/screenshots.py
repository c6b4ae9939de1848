"""Write SVG screenshots of each chapter screen after a run into screenshots/.

    python scripts/screenshots.py

Each chapter runs with the book's defaults and a fixed start (chapter 4: seed 0), at
120x40, and
the help screen is captured too, and the graph (g) and code (c) views of chapter 3
after two single steps (``--views``: only those), and the compare screen after
its default members ran on chapter 3 (``--compare``: only that). The README
shows these files.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from textual.widgets import Input

from tui.app.app import GdlabApp
from tui.app.screens.chapter import ChapterScreen
from tui.app.solver_state import SolverStatus

OUT = Path(__file__).resolve().parents[1] / "screenshots"
STARTS = {1: "0.007588282693177462", 2: "-0.004, 0.0005", 3: "", 4: ""}
SEEDS = {4: "0"}
"""Chapter 4's start is drawn from the seed (torch.nn's initialisation)."""
SIZE = (120, 40)


async def capture() -> list[Path]:
    written = []
    app = GdlabApp()
    async with app.run_test(size=SIZE) as pilot:
        while app.solver.status is SolverStatus.LOADING:
            await pilot.pause(0.05)
        for chapter, start in STARTS.items():
            await pilot.press(str(chapter))
            await pilot.pause(0.3)
            screen = app.screen
            assert isinstance(screen, ChapterScreen)
            screen.query_one("#start", Input).value = start
            if chapter in SEEDS:
                screen.query_one("#seed", Input).value = SEEDS[chapter]
            await pilot.press("r")
            while screen.controller.phase.live:
                await pilot.pause(0.05)
            await pilot.pause(0.3)
            path = OUT / f"chapter{chapter}.svg"
            app.save_screenshot(str(path))
            written.append(path)
        await pilot.press("question_mark")
        await pilot.pause(0.3)
        path = OUT / "help.svg"
        app.save_screenshot(str(path))
        written.append(path)
    return written


async def capture_views() -> list[Path]:
    """The graph (g) and code (c) views of chapter 3 after two single steps."""
    from tui.app.screens.code import CodeScreen
    from tui.app.screens.graph import GraphScreen

    written = []
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=SIZE) as pilot:
        while app.solver.status is SolverStatus.LOADING:
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        for _ in range(2):
            await pilot.press("n")
            await pilot.pause(0.5)
        for key, kind, name in (("g", GraphScreen, "graph"), ("c", CodeScreen, "code")):
            await pilot.press(key)
            while not isinstance(app.screen, kind):
                await pilot.pause(0.05)
            await pilot.pause(1.5)  # the footer lists the view's keys once it has focus
            path = OUT / f"{name}.svg"
            app.save_screenshot(str(path))
            written.append(path)
            await pilot.press("escape")
            await pilot.pause(0.3)
    return written


async def capture_compare() -> list[Path]:
    """The compare screen (5) after its default members ran on chapter 3."""
    from tui.app.run_controller import Phase
    from tui.app.screens.compare import CompareScreen
    from tui.app.widgets.landscape import LandscapePlot

    app = GdlabApp()
    async with app.run_test(size=SIZE) as pilot:
        while app.solver.status is SolverStatus.LOADING:
            await pilot.pause(0.05)
        await pilot.press("5")
        while not isinstance(app.screen, CompareScreen):
            await pilot.pause(0.05)
        screen = app.screen
        await pilot.pause(0.5)
        await pilot.press("r")
        while screen.phase is not Phase.FINISHED:
            await pilot.pause(0.1)
        plot = screen.query_one(LandscapePlot)
        while any(worker.is_running for worker in plot.workers):
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        path = OUT / "compare.svg"
        app.save_screenshot(str(path))
    return [path]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    parts = {"--views": capture_views, "--compare": capture_compare}
    chosen = [capture_ for flag, capture_ in parts.items() if flag in sys.argv]
    for capture_ in chosen or [capture, *parts.values()]:
        for path in asyncio.run(capture_()):
            print(path.relative_to(OUT.parent))


if __name__ == "__main__":
    main()
