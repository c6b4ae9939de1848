"""Plain mode: block characters instead of Braille, the terminal's 16 colours."""

from __future__ import annotations

import html

import pytest
from app_helpers import first_screen, settled, tap, wait_until

from tui.app.app import GdlabApp
from tui.app.display import PLAIN_THEME, line_mode, plain
from tui.app.run_controller import Phase
from tui.app.widgets.plots import ObjectivePlot

BRAILLE = range(0x2800, 0x2900)


def screen_text(app: GdlabApp) -> str:
    return html.unescape(app.export_screenshot())


def has_braille(text: str) -> bool:
    return any(ord(c) in BRAILLE for c in text)


def test_plain_is_asked_for_or_follows_the_terminal(monkeypatch):
    monkeypatch.delenv("GDLAB_PLAIN", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert not plain() and line_mode() is not None
    monkeypatch.setenv("TERM", "linux")
    assert plain() and line_mode() is None
    monkeypatch.setenv("GDLAB_PLAIN", "0")
    assert not plain()
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("GDLAB_PLAIN", "1")
    assert plain()


def test_the_cli_flag_sets_plain_before_the_app_loads(monkeypatch):
    from tui.cli.command import build_parser

    # set (to "0"), not deleted: monkeypatch then removes the "1" the parser sets, which
    # leaked into every later test of the session when the variable was absent before
    monkeypatch.setenv("GDLAB_PLAIN", "0")
    build_parser().parse_args(["--plain", "run", "1"])
    assert plain()


async def _plots_after_a_run(monkeypatch, flag: str) -> tuple[str, str]:
    monkeypatch.setenv("GDLAB_PLAIN", flag)
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        plot = screen.query_one(ObjectivePlot)
        count = screen.controller.count
        await wait_until(  # the end's redraw of the plot, then a frame with it
            pilot,
            lambda: bool(plot._datasets) and plot._datasets[0].x.max() == count - 1,
            "the plot of the run",
            drain=True,
        )
        text = await settled(pilot, lambda: screen_text(app), "the plots after the run")
        return text, app.theme


@pytest.mark.slow
async def test_plain_mode_draws_no_braille_and_uses_16_colours(monkeypatch):
    fancy, theme = await _plots_after_a_run(monkeypatch, "0")
    assert has_braille(fancy), "the plots draw no Braille: this test checks nothing"
    assert theme != PLAIN_THEME
    plain_text, theme = await _plots_after_a_run(monkeypatch, "1")
    assert not has_braille(plain_text)
    assert theme == PLAIN_THEME
    assert "█" in plain_text or "▀" in plain_text or "▄" in plain_text  # the lines, in blocks
