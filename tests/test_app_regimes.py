"""The regime line and the η presets follow the optimizer chosen in the app (item 11)."""

from __future__ import annotations

from app_helpers import first_screen, tap, text_of, wait_until
from textual.widgets import Input, Select, Static

from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.chapter import ChapterScreen


def fits(screen: ChapterScreen) -> bool:
    """The regime line's text wraps into the lines it has (nothing is cut)."""
    line = screen.query_one("#regime", Static)
    width = line.content_region.width
    return line.get_content_height(line.size, line.size, width) <= line.content_region.height


async def test_adam_hides_the_presets_and_says_no_plain_descent_regime() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await wait_until(pilot, lambda: "monotone" in text_of(screen, "#regime"), "regime", 10)
        assert screen.check_action("preset", ("monotone",)) and fits(screen)
        screen.query_one("#optimizer", Select).value = "adam"
        await wait_until(pilot, lambda: "Adam scales" in text_of(screen, "#regime"), "adam", 10)
        regime = text_of(screen, "#regime")
        assert "m o y d are plain descent's regimes" in regime
        assert fits(screen)
        for word in ("monotone", "oscillat", "cycle", "divergen"):
            assert word not in regime
        assert not screen.check_action("preset", ("monotone",))
        await tap(pilot, "m")  # does nothing: no run, η as it was
        await pilot.pause()
        assert screen.query_one("#eta", Input).value == "0.4"
        assert screen.controller.phase is Phase.IDLE
        screen.query_one("#optimizer", Select).value = "momentum"
        await wait_until(
            pilot, lambda: "Momentum (μ = 0.9)" in text_of(screen, "#regime"), "momentum", 10
        )
        assert text_of(screen, "#regime").endswith("< 2(1 + μ)/λmax = 3.8")  # λmax = 1
        assert fits(screen)
        screen.query_one("#knob-momentum", Input).value = "0.5"
        await wait_until(
            pilot, lambda: text_of(screen, "#regime").endswith("/λmax = 3"), "μ = 0.5", 10
        )
        assert not screen.check_action("preset", ("monotone",))
        screen.query_one("#optimizer", Select).value = "plain"
        await wait_until(pilot, lambda: "monotone" in text_of(screen, "#regime"), "plain", 10)
        assert screen.check_action("preset", ("monotone",))
