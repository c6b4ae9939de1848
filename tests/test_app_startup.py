"""Start-up order: the first frame, then the fields, then torch.

The first screen composes only its header, title, formula, facts and status;
the fields, buttons, progress bar and footer are mounted once the first frame is out,
and torch is imported after that (the bench's B4 measures the first frame).
These tests pin the order and what a key does in the short gap before the
fields exist.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from app_helpers import first_screen, wait_until
from textual.widgets import Footer, Input, ProgressBar, Select

import tui.app
from tui.app import GdlabApp
from tui.run_controller import Phase
from tui.screens.chapter import ChapterScreen


class NoControlsYet(GdlabApp):
    """The app frozen in the gap between its first frame and its fields."""

    CSS_PATH = str(Path(tui.app.__file__).with_name("app.tcss"))

    def _after_first_frame(self) -> None:
        # later screens compose whole; the first one is not told, and stays bare
        self.set_reactive(GdlabApp.first_frame_shown, True)


async def test_the_first_screen_starts_bare_and_gets_its_fields_before_torch_loads() -> None:
    app = GdlabApp()
    seen_at_load: list[bool] = []
    load = app._load_solver

    def recording_load() -> None:
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        seen_at_load.append(screen.controls_mounted and bool(screen.query("#eta")))
        load()

    app._load_solver = recording_load  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        await wait_until(pilot, lambda: bool(seen_at_load), "torch's import to start")
        assert seen_at_load == [True]
        assert screen.query_one("#eta", Input).value == "0.4"
        assert screen.query_one("#iterations", Input).value == "15"
        assert screen.query_one("#device", Select).value == "auto"
        assert len(screen.query(ProgressBar)) == 1
        assert len(screen.query(Footer)) == 1


@pytest.mark.slow
async def test_keys_before_the_fields_exist_do_nothing_and_break_nothing() -> None:
    app = NoControlsYet()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        for key in ("r", "n", "space", "s", "ctrl+r", "escape"):
            await pilot.press(key)
        await pilot.pause()
        assert not screen.controls_mounted
        assert not screen.query("#eta")
        assert not screen.query(Footer)
        assert screen.controller.view is None and not screen.controller.phase.live
        assert screen.controller.phase is Phase.IDLE
        # the fields come when asked, with the book's values
        await screen.mount_controls()
        await pilot.pause()
        assert screen.query_one("#eta", Input).value == "0.4"
        # the footer lists the keys at once, not at the next change of focus or bindings
        await wait_until(pilot, lambda: bool(screen.query("FooterKey")), "the footer's keys", 5)
        assert {getattr(key, "key", None) for key in screen.query("FooterKey")} >= {"r", "n", "q"}
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        assert screen.controller.count == 15


async def test_a_chapter_opened_after_the_first_frame_has_its_fields_at_once() -> None:
    app = NoControlsYet()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.first_frame_shown, "the first frame")
        await pilot.press("2")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ChapterScreen) and app.screen.problem_id == "2",
            "chapter 2",
        )
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        assert screen.controls_mounted
        assert screen.query_one("#iterations", Input).value == "10"


async def test_the_collector_paused_for_the_start_is_on_again_after_the_first_frame() -> None:
    """tui.launch turns garbage collection off while the app imports and composes."""
    gc.disable()
    try:
        app = GdlabApp(collect_after_first_frame=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: app.first_frame_shown, "the first frame")
            assert gc.isenabled()
            # leave once the table and plots are up: quitting while they mount is another story
            await first_screen(pilot)
    finally:
        gc.enable()
