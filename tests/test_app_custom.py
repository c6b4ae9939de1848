"""The app's side of your own function, the η presets, and exporting a run."""

from __future__ import annotations

import json

import pytest
from app_helpers import chapter, first_screen, set_fields, tap, wait_until
from textual.widgets import Input, Static

from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.chapter import ChapterScreen
from tui.app.screens.export import ExportScreen


def text_of(screen: ChapterScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


@pytest.mark.slow
async def test_your_function_runs_and_its_table_follows_its_variables() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        assert screen.problem_id == "custom"
        assert screen.query_one("#expr", Input).value.startswith("(1-x0)**2")
        # a one-variable function: the table becomes x, f, ∂f/∂x
        screen.query_one("#expr", Input).value = "x**4 - 3*x**2 + x"
        screen.query_one("#start", Input).value = "2"
        screen.query_one("#eta", Input).value = "0.01"
        screen.query_one("#iterations", Input).value = "200"
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        await wait_until(pilot, lambda: screen.live is not None and screen.live.is_mounted, "view")
        assert screen.live is not None and screen.live.spec.param_names == ("x",)
        await wait_until(
            pilot,
            lambda: (
                screen.live is not None
                and screen.live.table is not None
                and screen.live.table.row_count == 200
            ),
            "the table",
            10,
        )
        status = text_of(screen, "#status")
        assert "‖∇f‖" in status and "‖θ−θ*‖" not in status  # no optimum known
        facts = text_of(screen, "#facts")
        assert "optimum unknown" in facts and "local" in facts
        last = screen.controller.view.rows[-1]  # type: ignore[union-attr]
        assert abs(float(last[0]) - 1.1309) < 1e-3  # the well this start runs into


async def test_a_bad_expression_is_flagged_with_a_caret_and_refused() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        screen.query_one("#expr", Input).value = "x0 + foo(x1)"
        await wait_until(pilot, lambda: "foo" in text_of(screen, "#expr-error"), "the flag", 5)
        lines = text_of(screen, "#expr-error").splitlines()
        assert lines[0] == "x0 + foo(x1)"
        assert lines[1].index("^") == lines[0].index("foo")
        assert "at column 6" in lines[2]
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(
            pilot, lambda: "fix the flagged field" in text_of(screen, "#status"), "refusal", 5
        )
        assert screen.controller.phase is Phase.IDLE


async def test_a_start_too_short_for_the_variables_flags_the_start_not_the_function() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        await set_fields(pilot, screen, expr="x0^2 + x1^2", start="1")
        await tap(pilot, "r")
        await wait_until(
            pilot, lambda: "fix the flagged field" in text_of(screen, "#status"), "refusal", 5
        )
        assert "x1 is used, so the start needs at least 2 values" in text_of(screen, "#start-error")
        assert text_of(screen, "#expr-error") == ""
        await set_fields(pilot, screen, start="1, 2")
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run", 60)
        assert text_of(screen, "#start-error") == ""


@pytest.mark.slow
async def test_the_divergent_preset_sets_eta_runs_and_says_why() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        assert "monotone" in text_of(screen, "#regime")  # the book's η = 0.4
        await tap(pilot, "d")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.DIVERGED, "divergence")
        assert float(screen.query_one("#eta", Input).value) == 2.5  # 1.25 × 2/λmax
        assert "divergent" in text_of(screen, "#regime")
        status = text_of(screen, "#status")
        assert "divergent" in status and "diverged at iteration" in status
        await tap(pilot, "m")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        assert float(screen.query_one("#eta", Input).value) == 0.5
        assert "monotone" in text_of(screen, "#status")


@pytest.mark.slow
async def test_export_writes_csv_and_json_that_repeat_the_run(tmp_path, gdlab) -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        await tap(pilot, "e")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ExportScreen) and bool(app.screen.query("#folder")),
            "the export",
            5,
        )
        app.screen.query_one("#folder", Input).value = str(tmp_path)
        await pilot.press("enter", "enter")  # the folder shown, then written
        await wait_until(pilot, lambda: len(list(tmp_path.iterdir())) == 2, "two files", 10)
        await wait_until(
            pilot,
            lambda: "written" in str(app.screen.query_one("#export-result", Static).render()),
            "the word",
            5,
        )
        # a second export never overwrites the first
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: len(list(tmp_path.iterdir())) == 4, "four files", 10)
    saved = sorted(tmp_path.glob("*.json"))[0]
    data = json.loads(saved.read_text())
    assert len(data["rows"]) == 15 and data["outcome"]["outcome"] == "finished"
    again = gdlab("run", "--from", str(saved), "--format", "json")
    assert again.code == 0, again.err
    assert json.loads(again.out)["rows"] == data["rows"]
    csv = sorted(tmp_path.glob("*.csv"))[0].read_text().splitlines()
    assert csv[0] == "iteration,x,objective,grad_x" and len(csv) == 16


@pytest.mark.slow
async def test_an_optimizer_chosen_in_the_app_runs_with_its_knobs_and_columns() -> None:
    from textual.widgets import Select

    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        screen.query_one("#optimizer", Select).value = "adam"
        await wait_until(
            pilot, lambda: screen.query_one("#knob-betas", Input).value == "0.9, 0.999", "knobs", 5
        )
        assert not screen.query_one("#knob-row-momentum").display  # adam has no momentum
        screen.query_one("#knob-eps", Input).value = "-1"
        screen.query_one("#eta", Input).value = "0.01"
        screen.query_one("#iterations", Input).value = "300"
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: "out of range" in text_of(screen, "#knob-eps-error"), "eps")
        assert screen.controller.phase is Phase.IDLE
        screen.query_one("#knob-eps", Input).value = "1e-8"
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        view = screen.controller.view
        assert view is not None and view.settings.optimizer.name == "adam"
        assert "m_w0" in view.layout.columns and "step_b" in view.layout.columns
        await wait_until(
            pilot,
            lambda: (
                screen.live is not None
                and screen.live.table is not None
                and "m_w0" in screen.live.table._columns
            ),
            "the table's new columns",
            10,
        )
        await tap(pilot, "n")
        await wait_until(
            pilot, lambda: "bias corrections" in text_of(screen, "#step-detail"), "adam's terms"
        )


async def test_tab_stops_only_at_what_takes_keys() -> None:
    """Tab from the table used to land on the controls' container first (where 2 switched
    chapter), and shift+tab on plots whose zoom keys did nothing."""
    from textual.widgets import Button, Select

    from tui.app.widgets.iteration_table import IterationTable

    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        chain = screen.focus_chain
        assert chain, "nothing takes focus"
        assert all(isinstance(w, (Input, Select, Button, IterationTable)) for w in chain), chain
        assert all(w.display and w.parent.display for w in chain)  # no hidden knob fields
        await pilot.press("tab")
        assert app.focused is chain[0] and isinstance(app.focused, Input)
