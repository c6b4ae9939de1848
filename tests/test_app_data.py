"""Chapter 3's screen on a learner's file: the data field, the target chosen from the
file's header, the standardize switch, the data's facts; every bad file flagged under
its field while the app keeps running; the book's chapter 3 as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from app_helpers import chapter, first_screen, tap, text_of, wait_until
from test_regression_data import BAD_FILES, STACKLOSS, bad_file
from textual.widgets import Input, Select, SelectionList, Switch

from solvers.chapters.base import ON
from solvers.chapters.registry import chapter_of
from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.widgets.settings_form import SettingsForm


async def test_without_a_target_the_facts_panel_names_the_field() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 50)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        screen.query_one("#data", Input).value = STACKLOSS
        await wait_until(
            pilot,
            lambda: "target: is missing" in text_of(screen, "#facts"),
            "the field named in the facts panel",
            10,
        )
        assert "no facts while a field is not valid" in text_of(screen, "#facts")


async def test_a_file_is_fitted_and_its_facts_shown() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 50)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        target = screen.query_one("#target", Select)
        assert target.is_blank()  # the book's: no file, nothing offered
        screen.query_one("#data", Input).value = STACKLOSS
        await wait_until(
            pilot,
            lambda: "STACKLOSS" in screen.query_one(SettingsForm).offered("target"),
            "the header offered",
            10,
        )
        target.value = "STACKLOSS"
        screen.query_one("#standardize", Switch).value = True
        await wait_until(
            pilot, lambda: "κ = λmax/λmin" in text_of(screen, "#facts"), "the data's facts", 20
        )
        facts = text_of(screen, "#facts")
        assert "least squares (torch.linalg.lstsq, float64, data units)" in facts
        assert "AIRFLOW 0.71564" in facts and "standardized" in facts
        screen.query_one("#eta", Input).value = "0.02"
        screen.query_one("#iterations", Input).value = "3000"
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run", 60)
        view = screen.controller.view
        assert view is not None and view.spec.param_names == ("w0", "w1", "w2", "b")
        assert view.spec.prediction_names == ()  # 21 rows: no prediction columns


QUICK_BAD_FILES = ("missing", "ragged", "empty")
"""The classes the quick run checks in the app (the full run checks every one)."""
APP_BAD_FILES = sorted(set(BAD_FILES) - {"no_feature"})
"""The app's features are chosen from the file's header, so none can be missing
(test_features_are_chosen_from_the_header)."""


async def test_features_are_chosen_from_the_header() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 60)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        form = screen.query_one(SettingsForm)
        assert form.offered("features") == ()  # the book's: no file, nothing offered
        screen.query_one("#data", Input).value = STACKLOSS
        await wait_until(
            pilot, lambda: "STACKLOSS" in form.offered("target"), "the header offered", 10
        )
        screen.query_one("#target", Select).value = "STACKLOSS"
        await wait_until(
            pilot,
            lambda: form.offered("features") == ("AIRFLOW", "WATERTEMP", "ACIDCONC"),
            "the features offered: the header less the target",
            10,
        )
        assert "none chosen: all the others" in text_of(screen, "#features-chosen")
        several = screen.query_one("#features", SelectionList)
        several.select("ACIDCONC")
        several.select("AIRFLOW")
        await wait_until(
            pilot,
            lambda: "chosen: AIRFLOW, ACIDCONC" in text_of(screen, "#features-chosen"),
            "the chosen features said in words, in the file's order",
            10,
        )
        assert form.input_texts()["features"] == "AIRFLOW,ACIDCONC"
        await wait_until(
            pilot,
            lambda: (
                "ACIDCONC" in text_of(screen, "#facts")
                and "WATERTEMP" not in text_of(screen, "#facts")
            ),
            "the facts of the fit on the chosen features",
            20,
        )
        screen.query_one("#target", Select).value = "AIRFLOW"  # a chosen feature
        await wait_until(
            pilot,
            lambda: form.offered("features") == ("STACKLOSS", "WATERTEMP", "ACIDCONC"),
            "the features offered: the header less the new target",
            10,
        )
        assert form.input_texts()["features"] == "ACIDCONC"
        assert "chosen: ACIDCONC" in text_of(screen, "#features-chosen")
        screen.query_one("#iterations", Input).value = "200"
        screen.query_one("#eta", Input).value = "1e-6"  # below 2/λmax of this fit
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run", 60)
        view = screen.controller.view
        assert view is not None and view.spec.param_names == ("w0", "b")


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=() if name in QUICK_BAD_FILES else pytest.mark.slow)
        for name in APP_BAD_FILES
    ],
)
async def test_a_bad_file_is_flagged_and_the_app_keeps_running(tmp_path: Path, name: str) -> None:
    path, _ = bad_file(tmp_path, name)
    _, field, said = BAD_FILES[name]
    app = GdlabApp()
    async with app.run_test(size=(120, 50)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        screen.query_one("#data", Input).value = path
        if name == "constant":
            screen.query_one("#standardize", Switch).value = True
        target = screen.query_one("#target", Select)
        if name in ("constant", "few_rows"):
            await wait_until(
                pilot,
                lambda: "y" in screen.query_one(SettingsForm).offered("target"),
                "the header",
                10,
            )
            target.value = "y"
        screen.action_leave_field()
        await tap(pilot, "r")
        shown = "target" if name == "no_target" else field
        expected = "is missing" if name == "no_target" else said
        await wait_until(
            pilot, lambda: expected in text_of(screen, f"#{shown}-error"), "the flag", 20
        )
        assert screen.query_one(f"#{shown}").has_class("-invalid")
        assert len(text_of(screen, f"#{shown}-error").strip().splitlines()) <= 3  # wrapped
        assert screen.controller.phase is Phase.IDLE and app.is_running


async def test_eta_follows_the_files_default_until_typed_by_hand() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 60)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        form = screen.query_one(SettingsForm)
        eta = screen.query_one("#eta", Input)
        assert eta.value == "0.0001"  # the book's
        screen.query_one("#data", Input).value = STACKLOSS
        await wait_until(
            pilot, lambda: "STACKLOSS" in form.offered("target"), "the header offered", 10
        )
        screen.query_one("#target", Select).value = "STACKLOSS"
        fitted = chapter_of("3").spec({"data": STACKLOSS, "target": "STACKLOSS"})
        assert fitted.eta != 0.0001
        await wait_until(
            pilot, lambda: eta.value == str(fitted.eta), "η: the file's default, 1/λmax", 10
        )
        eta.value = "1e-7"  # by hand
        screen.query_one("#standardize", Switch).value = True
        standardized = chapter_of("3").spec(
            {"data": STACKLOSS, "target": "STACKLOSS", "standardize": ON}
        )
        assert standardized.eta != fitted.eta  # an untouched η would have followed
        await wait_until(
            pilot,
            lambda: "features standardized" in text_of(screen, "#formula"),
            "the standardized fit's formula (shown as its defaults are followed)",
            10,
        )
        assert eta.value == "1e-7"
