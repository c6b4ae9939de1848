"""The app, driven with Textual's Pilot: each chapter runs to the book's end values.

Runs happen on a worker thread, so every test polls ``screen.controller.phase.live`` with
short pauses (bounded by a generous timeout) and then asserts on what the
screen shows: its history, its table and its status line.

The table and plots mount once torch has loaded; most tests wait for that before
pressing r (a run that ends before it is a bug of its own, tested below).
"""

from __future__ import annotations

import re
from functools import partial

import numpy as np
import pytest
from app_helpers import HeldSolverApp, chapter, first_screen, live_ready, set_fields, text_of
from app_helpers import wait_until as poll_until
from book_outputs import CH1_START
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.chapter import ChapterScreen
from tui.app.solver_state import SolverStatus
from tui.app.widgets.iteration_table import IterationTable

wait_until = partial(poll_until, drain=True)
"""Polls here let every widget handle its messages: the checks read the table right after."""


async def run_to_end(pilot: Pilot[None], screen: ChapterScreen) -> None:
    """Press r and wait until the run has ended."""
    await pilot.press("r")
    assert screen.controller.phase.live or screen.controller.view is not None, "r started no run"
    await wait_until(pilot, lambda: not screen.controller.phase.live, "the run to end")


def status(screen: ChapterScreen) -> str:
    return text_of(screen, "#status")


def counted(text: str, count: str) -> bool:
    """The status counts ``count`` of ``count`` iterations, in words or, where the line
    is narrow, as ``count/count`` (tui/app/widgets/run_status.py)."""
    return f"{count} of {count} iterations" in text or f"{count}/{count} " in text


def rows(screen: ChapterScreen) -> np.ndarray:
    assert screen.controller.view is not None
    assert screen.controller.view is not None
    return screen.controller.view.rows


def status_of_facts(screen: ChapterScreen) -> str:
    return str(screen.query_one("#facts", Static).render())


def table_of(screen: ChapterScreen) -> IterationTable:
    table = screen.query_one("#table", IterationTable)
    assert screen.live is not None and screen.live.table is table
    return table


def assert_table_matches_history(screen: ChapterScreen) -> None:
    """The table shows exactly the history's rows."""
    assert screen.controller.view is not None
    assert table_of(screen).row_count == screen.controller.count


# ---------------------------------------------------------------- chapter 1


@pytest.mark.slow
async def test_chapter1_runs_the_books_fifteen_iterations() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        assert screen.controller.phase is Phase.IDLE
        await set_fields(pilot, screen, start=CH1_START)
        await run_to_end(pilot, screen)

        history = rows(screen)
        assert len(history) == 15
        assert float(history[0, 0]) == pytest.approx(float(CH1_START), abs=1e-9)
        assert float(history[-1, 0]) == 1.9984387159347534  # the book's last line, exactly
        assert screen.controller.phase is Phase.FINISHED
        text = status(screen)
        assert "finished" in text
        assert "15 of 15 iterations" in text
        assert_table_matches_history(screen)


@pytest.mark.slow
async def test_a_run_that_ends_before_torch_has_loaded_still_fills_the_table() -> None:
    """r pressed as the app opens: the run (which imports torch itself) ends first.

    Regression: the screen's redraw on mounting the table came before the table
    existed and was dropped, so the table stayed empty.

    SolverReady is held back until the run has ended, as a cold torch import
    (seconds) does; the test is then independent of the machine's speed.
    """
    app = HeldSolverApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, ChapterScreen)
        await wait_until(pilot, lambda: screen.controls_mounted, "the fields")
        screen.query_one("#start", Input).value = CH1_START
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        await wait_until(pilot, lambda: bool(app.held_solver), "torch to load")
        app.release_solver()
        await wait_until(pilot, lambda: live_ready(screen), "the table", 30)
        # the redraw on mounting the table (it was dropped: the table stayed empty)
        await wait_until(pilot, lambda: table_of(screen).row_count > 0, "the table's rows", 10)
        assert len(rows(screen)) == 15
        assert_table_matches_history(screen)


# ---------------------------------------------------------------- chapter 2


@pytest.mark.slow
async def test_chapter2_runs_the_books_ten_iterations() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 2)
        await set_fields(pilot, screen, start="-0.004, 0.0005")
        await run_to_end(pilot, screen)

        history = rows(screen)
        assert len(history) == 10
        assert history[0, :2].tolist() == pytest.approx([-0.004, 0.0005], abs=1e-7)
        assert history[-1, :2].tolist() == pytest.approx([-2.0, -2.5], abs=5e-5)
        assert screen.controller.phase is Phase.FINISHED
        assert "10 of 10 iterations" in status(screen)
        assert_table_matches_history(screen)


# ---------------------------------------------------------------- chapter 3


@pytest.mark.slow
async def test_chapter3_runs_the_books_thirty_thousand_iterations() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        await run_to_end(pilot, screen)

        history = rows(screen)
        assert len(history) == 30_000
        w0, w1, b = (float(v) for v in history[-1, :3])
        assert [w0, w1] == pytest.approx([3.2567, 4.0443], abs=1e-4)
        assert b == pytest.approx(0.6755, abs=1e-4)
        assert screen.controller.phase is Phase.FINISHED
        assert counted(status(screen), "30,000")
        assert table_of(screen).row_count == 30_000
        assert_table_matches_history(screen)


@pytest.mark.slow
async def test_chapter3_shows_its_exact_minimum_as_zero() -> None:
    """Three samples, three parameters: the fit is exact and f* = 0.

    Regression: f* showed lstsq's float64 round-off (4.35451e-28, 1.00974e-28, ...,
    varying run to run with memory layout)."""
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = pilot.app.screen
        assert isinstance(screen, ChapterScreen) and screen.problem_id == "3"
        await wait_until(
            pilot, lambda: app.solver.status is SolverStatus.READY, "torch to load", 30
        )
        await wait_until(pilot, lambda: "computing" not in status_of_facts(screen), "the facts")
        facts = str(screen.query_one("#facts", Static).render())
        shown = re.search(r"f\* = ≈?\s*(\S+)", facts)
        assert shown is not None, facts
        assert float(shown.group(1)) == 0.0, facts


# ---------------------------------------------------------------- divergence


@pytest.mark.slow
async def test_chapter1_divergence_is_reported_with_the_stable_bound() -> None:
    """η = 3 doubles |x - 2| each step; the gap passes 100 × the start's at iteration 4."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await set_fields(pilot, screen, eta="3", start="1")
        await run_to_end(pilot, screen)

        assert screen.controller.phase is Phase.DIVERGED
        shown = status(screen)
        assert "diverged at iteration 4" in shown
        assert "stable here for η < 2" in shown
        text = status(screen)
        assert "diverged at iteration 4" in text
        assert "stable here for η < 2" in text
        assert len(rows(screen)) == 4
        assert screen.query_one("#status").has_class("-diverged")
        assert not screen.has_class("-diverged")  # on the status only: see _phase_class
        assert_table_matches_history(screen)


# ---------------------------------------------------------------- sizes


@pytest.mark.parametrize(
    ("size", "small"), [((80, 24), True), pytest.param((200, 60), False, marks=pytest.mark.slow)]
)
async def test_a_run_completes_at_small_and_large_sizes(size: tuple[int, int], small: bool) -> None:
    """At 80x24 with the book's start; at 200x60 from the random normal(0, 0.01) start."""
    app = GdlabApp()
    async with app.run_test(size=size) as pilot:
        screen = await first_screen(pilot)
        if small:
            await set_fields(pilot, screen, start=CH1_START)
        await run_to_end(pilot, screen)
        assert screen.controller.phase is Phase.FINISHED
        history = rows(screen)
        assert len(history) == 15
        if small:
            assert float(history[-1, 0]) == 1.9984387159347534
        else:  # without a start the book draws x from normal(0, 0.01): x ends near 1.99844
            assert abs(float(history[0, 0])) < 0.1
            assert float(history[-1, 0]) == pytest.approx(1.99844, abs=1e-4)
        assert_table_matches_history(screen)
        assert counted(status(screen), "15")
        assert screen.has_class("-narrow") is small
        assert screen.has_class("-short") is small
        assert app.screen is screen
    assert app.return_code in (None, 0)
