"""Chapter 4's screen (key 4): its fields flag what the CLI refuses, its facts say
unknown, and a run fills its table of loss and per-layer norms."""

from __future__ import annotations

import pytest
from app_helpers import chapter, first_screen, tap, text_of, wait_until
from textual.widgets import Input

from tui.app.app import GdlabApp
from tui.app.run_controller import Phase


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("hidden", "32,0", "a width of 0"),
        ("hidden", "1000,1000", "1,004,001 parameters; at most 1,000,000"),
        ("activation", "softmax", "is not offered; expected tanh, relu, sigmoid"),
    ],
)
async def test_a_refused_input_is_flagged_under_its_field(field: str, typed: str, said: str):
    app = GdlabApp()
    async with app.run_test(size=(120, 50)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 4)
        screen.query_one(f"#{field}", Input).value = typed
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: said in text_of(screen, f"#{field}-error"), "the flag", 20)
        assert screen.query_one(f"#{field}").has_class("-invalid")
        assert screen.controller.phase is Phase.IDLE and app.is_running


async def test_its_facts_are_unknown_and_a_run_fills_the_norms_table():
    app = GdlabApp()
    async with app.run_test(size=(140, 50)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 4)
        await wait_until(
            pilot, lambda: "optimum unknown" in text_of(screen, "#facts"), "the facts", 30
        )
        facts = text_of(screen, "#facts")
        assert "stable η: unknown" in facts and "converged" not in facts
        screen.query_one("#iterations", Input).value = "60"
        screen.query_one("#seed", Input).value = "1"
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run", 60)
        view = screen.controller.view
        assert view is not None and view.count == 60 and view.layout.norms
        assert view.settings.optimizer.name == "adam"  # the chapter's own default
        assert "‖∇f‖" in text_of(screen, "#status")
