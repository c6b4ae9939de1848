"""Parsed CSS shared by the apps of a process (tui/app/shared_css.py).

An app parses each CSS source once, not again when its first screen's CSS is
refreshed, and a theme's CSS is never served for another theme's. (That a tab
forked by `gdlab serve` parses none is tests/test_serve_warm.py's.)
"""

from __future__ import annotations

import pytest
from app_helpers import first_screen

from tui.app import shared_css
from tui.app.app import GdlabApp


async def test_each_source_is_parsed_once_per_theme_and_a_theme_gets_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shared_css, "_PARSED", {})  # this test's own cache
    parsed_before = shared_css.parses
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)  # fields, table and plots: all parsed
        assert shared_css.parses - parsed_before == len(shared_css._PARSED)  # each once
        controls = screen.query_one("#controls")  # its border is $primary-darken-2
        first_theme = app.theme
        first = (screen.styles.background, controls.styles.border_right)
        before = shared_css.parses
        app.theme = "textual-light" if first_theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert shared_css.parses > before  # parsed again with the new theme's colours
        assert screen.styles.background != first[0]
        assert controls.styles.border_right != first[1]
        before = shared_css.parses
        app.theme = first_theme
        await pilot.pause()
        assert shared_css.parses == before  # that theme's rules are kept
        assert (screen.styles.background, controls.styles.border_right) == first
        assert isinstance(app.stylesheet, shared_css.SharedStylesheet)
