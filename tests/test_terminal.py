"""Terminals as users have them: NO_COLOR, 80x24, 200x60."""

from __future__ import annotations

import pytest
from app_helpers import wait_until
from textual.filter import Monochrome, NoColor

from tui.app.app import GdlabApp
from tui.bench.headless import ready_screen, run_to_end


def test_no_color_is_honoured(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = GdlabApp()
    assert app.no_color
    assert any(isinstance(f, (NoColor, Monochrome)) for f in app.get_line_filters())


@pytest.mark.slow
@pytest.mark.parametrize(("size", "plots_shown"), [((80, 24), False), ((200, 60), True)])
async def test_small_and_large_terminals_run_a_chapter(size, plots_shown):
    app = GdlabApp(start_chapter="2")
    async with app.run_test(size=size) as pilot:
        screen = await ready_screen(app, pilot)
        await run_to_end(pilot, screen)
        await wait_until(
            pilot,
            lambda: screen.live is not None and screen.live.table.row_count == 10,
            "the table's ten rows",
        )
        assert screen.controller.count == 10
        assert screen.query_one("#plots").display is plots_shown
        table = screen.live.table
        assert table is not None and table.row_count == 10
        assert table.region.height >= 5  # the table keeps room on a small screen
