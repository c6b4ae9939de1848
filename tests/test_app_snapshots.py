"""Snapshots (pytest-textual-snapshot) of each chapter after the book's run.

Update with ``pytest tests/test_app_snapshots.py --snapshot-update`` and look at
the report before committing the SVGs under tests/__snapshots__/.

Two things on a finished run's screen depend on the clock, not on the run:

* the status line's ``N it/s`` rate: set to 0 here (``_rate``), which hides it;
* the progress bar's ETA: ``--:--:--`` when the run's progress samples span under a
  second and ``00:00:00`` otherwise (Textual's ETA needs a second of samples), so
  a short run on a loaded machine could flip it. The bar is given its final
  count again with a fresh ETA (``update(total=None)`` then the count), which
  always reads ``--:--:--``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from app_helpers import live_ready, text_of, wait_until
from book_outputs import CH1_START
from textual.pilot import Pilot
from textual.widgets import Input

from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.chapter import ChapterScreen

pytestmark = pytest.mark.slow  # each builds the app and runs a chapter to its end

SIZE = (120, 40)

SnapCompare = Callable[..., bool]


def assert_no_clock_text(screen: ChapterScreen) -> None:
    """A finished run shows no rate or ETA (they depend on timing): snapshots are stable."""
    status = text_of(screen, "#status")
    assert " it/s" not in status and "ETA" not in status, status


def after_a_run(chapter: int, **fields: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """A run_before: wait for torch, fill ``fields``, press r, wait for the end."""

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, ChapterScreen) and screen.problem_id == str(chapter)
        await wait_until(pilot, lambda: live_ready(screen), "the table", 30)
        for name, text in fields.items():
            screen.query_one(f"#{name}", Input).value = text
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.controller.phase.live, "the run")
        assert screen.controller.phase is Phase.FINISHED
        assert_no_clock_text(screen)
        await pilot.pause()

    return run_before


def test_chapter1_after_the_books_run(snap_compare: SnapCompare) -> None:
    app = GdlabApp()
    assert snap_compare(app, terminal_size=SIZE, run_before=after_a_run(1, start=CH1_START))


def test_chapter2_after_the_books_run(snap_compare: SnapCompare) -> None:
    app = GdlabApp(start_chapter="2")
    assert snap_compare(app, terminal_size=SIZE, run_before=after_a_run(2, start="-0.004, 0.0005"))


def test_chapter3_after_the_books_run(snap_compare: SnapCompare) -> None:
    app = GdlabApp(start_chapter="3")
    assert snap_compare(app, terminal_size=SIZE, run_before=after_a_run(3))
