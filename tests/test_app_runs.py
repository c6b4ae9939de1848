"""The app, driven with Textual's Pilot: each chapter runs to the book's end values.

Runs happen on a worker thread, so every test polls ``screen.running`` with
short pauses (bounded by a generous timeout) and then asserts on what the
screen shows: its history, its table and its status line.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from book_outputs import CH1_START
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tui.app import GdlabApp
from tui.screens.chapter import ChapterScreen
from tui.widgets.iteration_table import IterationTable

RUN_TIMEOUT = 60.0
"""Seconds a run may take before a test gives up (chapter 3 takes ~5-15 s here)."""


async def wait_until(
    pilot: Pilot[None], predicate: Callable[[], bool], what: str, timeout: float = RUN_TIMEOUT
) -> None:
    """Let the app work in short pauses until ``predicate()`` holds; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await pilot.pause(0.05)


async def chapter(pilot: Pilot[None], key: int) -> ChapterScreen:
    """Press the chapter's key and return its screen once it is showing."""
    app = pilot.app
    await pilot.press(str(key))

    def showing() -> bool:
        screen = app.screen
        return isinstance(screen, ChapterScreen) and screen.chapter == key

    await wait_until(pilot, showing, f"chapter {key}'s screen", timeout=10)
    screen = app.screen
    assert isinstance(screen, ChapterScreen)
    return screen


def current(pilot: Pilot[None]) -> ChapterScreen:
    screen = pilot.app.screen
    assert isinstance(screen, ChapterScreen)
    return screen


async def set_field(pilot: Pilot[None], screen: ChapterScreen, name: str, text: str) -> None:
    """Type ``text`` into field ``name`` and leave it with escape."""
    field = screen.query_one(f"#{name}", Input)
    field.focus()
    field.value = text
    await pilot.press("escape")
    assert not isinstance(pilot.app.focused, Input)


async def run_to_end(pilot: Pilot[None], screen: ChapterScreen) -> None:
    """Press r and wait until the run has ended."""
    await pilot.press("r")
    assert screen.running or screen.descent is not None, "r started no run"
    await wait_until(pilot, lambda: not screen.running, "the run to end")


def status(screen: ChapterScreen) -> str:
    return str(screen.query_one("#status", Static).render())


def rows(screen: ChapterScreen) -> np.ndarray:
    assert screen.descent is not None
    return screen.descent.history.rows


def table_matches_history(screen: ChapterScreen) -> None:
    table = screen.query_one("#table", IterationTable)
    assert screen.descent is not None
    assert table.row_count == screen.descent.history.count


# ---------------------------------------------------------------- chapter 1


async def test_chapter1_runs_the_books_fifteen_iterations() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = current(pilot)
        assert screen.chapter == 1
        assert screen.state == "ready"
        await set_field(pilot, screen, "start", CH1_START)
        await run_to_end(pilot, screen)

        history = rows(screen)
        assert len(history) == 15
        assert float(history[0, 0]) == pytest.approx(float(CH1_START), abs=1e-9)
        assert float(history[-1, 0]) == 1.9984387159347534  # the book's last line, exactly
        assert screen.state == "finished"
        text = status(screen)
        assert "finished" in text
        assert "iteration 14 of 15" in text
        table_matches_history(screen)


async def test_chapter1_random_start_ends_near_the_books_value() -> None:
    """Without a start the book draws x from normal(0, 0.01): x ends at about 1.99844."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = current(pilot)
        await run_to_end(pilot, screen)

        history = rows(screen)
        assert len(history) == 15
        assert abs(float(history[0, 0])) < 0.1  # a normal(0, 0.01) draw
        assert float(history[-1, 0]) == pytest.approx(1.99844, abs=1e-4)
        assert "iteration 14 of 15" in status(screen)
        table_matches_history(screen)


# ---------------------------------------------------------------- chapter 2


async def test_chapter2_runs_the_books_ten_iterations() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await chapter(pilot, 2)
        await set_field(pilot, screen, "start", "-0.004, 0.0005")
        await run_to_end(pilot, screen)

        history = rows(screen)
        assert len(history) == 10
        assert history[0, :2].tolist() == pytest.approx([-0.004, 0.0005], abs=1e-7)
        assert history[-1, :2].tolist() == pytest.approx([-2.0, -2.5], abs=5e-5)
        assert screen.state == "finished"
        assert "iteration 9 of 10" in status(screen)
        table_matches_history(screen)


# ---------------------------------------------------------------- chapter 3


async def test_chapter3_runs_the_books_thirty_thousand_iterations() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await chapter(pilot, 3)
        await run_to_end(pilot, screen)

        history = rows(screen)
        assert len(history) == 30_000
        w0, w1, b = (float(v) for v in history[-1, :3])
        assert [w0, w1] == pytest.approx([3.2567, 4.0443], abs=1e-4)
        assert b == pytest.approx(0.6755, abs=1e-4)
        assert screen.state == "finished"
        assert "iteration 29,999 of 30,000" in status(screen)
        table = screen.query_one("#table", IterationTable)
        assert table.row_count == 30_000
        table_matches_history(screen)


# ---------------------------------------------------------------- divergence


async def test_chapter1_divergence_is_reported_with_the_stable_bound() -> None:
    """η = 3 doubles |x - 2| each step; the gap passes 1e6 × the start's at iteration 11."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = current(pilot)
        await set_field(pilot, screen, "eta", "3")
        await set_field(pilot, screen, "start", "1")
        await run_to_end(pilot, screen)

        assert "diverged at iteration 11" in screen.state
        assert "stable here for η < 2" in screen.state
        text = status(screen)
        assert "diverged at iteration 11" in text
        assert "stable here for η < 2" in text
        assert len(rows(screen)) == 11
        assert screen.has_class("-diverged")
        table_matches_history(screen)


# ---------------------------------------------------------------- sizes


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_a_run_completes_at_small_and_large_sizes(size: tuple[int, int]) -> None:
    app = GdlabApp()
    async with app.run_test(size=size) as pilot:
        screen = current(pilot)
        await set_field(pilot, screen, "start", CH1_START)
        await run_to_end(pilot, screen)
        assert screen.state == "finished"
        assert len(rows(screen)) == 15
        table_matches_history(screen)
        screen2 = await chapter(pilot, 2)
        await run_to_end(pilot, screen2)
        assert screen2.state == "finished"
        assert len(rows(screen2)) == 10
        await pilot.pause()
    assert app.return_code in (None, 0)
