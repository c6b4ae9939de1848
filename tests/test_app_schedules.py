"""η schedules and the dtype in the app: the form's fields, the eta column, η's line on
the objective plot, the step explanation and the script of the code screen."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from app_helpers import first_screen, handled_up_to, tap, text_of, wait_for_text, wait_until
from textual.widgets import Input, Select, Static

from solvers.core.validation import SettingError
from solvers.optim.choices import (
    OPTIMIZERS,
    SCHEDULE_KNOB_NAMES,
    SCHEDULES,
    OptimizerChoice,
    ScheduleChoice,
    parse_schedule,
)
from solvers.optim.schedule_steps import EtaSchedule
from solvers.run.settings import RunSettings
from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.chapter import ChapterScreen
from tui.app.screens.code import CodeScreen
from tui.app.widgets.plots import ObjectivePlot
from tui.app.widgets.series import log_etas
from tui.app.widgets.settings_form import SettingsForm

STEP = ScheduleChoice("step", (("step-size", 5), ("gamma", 0.5)))


async def choose(pilot, screen: ChapterScreen, select: str, value: str) -> None:
    """Pick ``value`` in the Select ``#select``; return once the form has answered."""
    menu = screen.query_one(f"#{select}", Select)
    menu.value = value
    await handled_up_to(pilot, menu, screen.query_one(SettingsForm))


def shown_knobs(screen: ChapterScreen) -> dict[str, str]:
    """The schedule knob rows on show, with what their fields hold."""
    return {
        name: screen.query_one(f"#knob-{name}", Input).value
        for name in SCHEDULE_KNOB_NAMES
        if screen.query_one(f"#knob-row-{name}").display
    }


async def finished(pilot, screen: ChapterScreen) -> None:
    """Press r and wait for a new run to finish."""
    before = screen.controller.view
    await tap(pilot, "r")
    await wait_until(
        pilot,
        lambda: screen.controller.view is not before and screen.controller.phase is Phase.FINISHED,
        "the run",
    )


async def plot_drawn(pilot, screen: ChapterScreen) -> ObjectivePlot:
    """The objective plot once it shows the finished run (a run's end redraws it)."""
    plot = screen.query_one(ObjectivePlot)
    count = screen.controller.count
    await wait_until(
        pilot,
        lambda: bool(plot._datasets) and plot._datasets[0].x.max() == count - 1,
        "the plot of the run",
        10,
    )
    return plot


def test_log_etas_is_none_without_a_varying_eta():
    rows = np.array([[1.0, 0.1], [2.0, 0.1]])
    assert log_etas(rows, ("objective", "eta")) is None  # constant η: no line
    assert log_etas(rows, ("objective", "x")) is None  # no eta column
    varied = np.array([[1.0, 0.1], [2.0, 0.01], [3.0, 0.0]])
    logs = log_etas(varied, ("objective", "eta"))
    assert logs is not None
    assert logs[:2].tolist() == pytest.approx([-1.0, -2.0])
    assert np.isnan(logs[2])  # η = 0 (cosine's end) is left out, not -inf


async def test_choosing_a_schedule_shows_its_knobs_at_their_defaults() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        assert screen.query_one("#schedule", Select).value == "constant"
        assert shown_knobs(screen) == {}
        dtype = screen.query_one("#dtype", Select)
        assert dtype.value == "float32"
        assert [value for _, value in dtype._options] == ["float32", "float64"]
        expected = {
            "step": {"step-size": "1000", "gamma": "0.1"},
            "exponential": {"gamma": "0.999"},
            "cosine": {"t-max": ""},  # empty: the run's iterations
            "plateau": {"patience": "10", "factor": "0.1"},
            "constant": {},
        }
        assert set(expected) == set(SCHEDULES)
        for name, knobs in expected.items():
            await choose(pilot, screen, "schedule", name)
            await wait_until(pilot, lambda k=knobs: shown_knobs(screen) == k, f"{name}'s knobs", 5)
        await choose(pilot, screen, "schedule", "cosine")
        assert "iterations" in screen.query_one("#knob-t-max", Input).placeholder
        # the form reads it as the CLI does: cosine with the run's t-max
        read = screen.query_one(SettingsForm).read()
        assert read is not None
        assert read[1].schedule == ScheduleChoice("cosine")
        assert read[1].dtype == "float32"


async def test_a_step_schedule_run_records_eta_draws_its_line_and_explains_it() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await choose(pilot, screen, "schedule", "step")
        screen.query_one("#knob-step-size", Input).value = "5"
        screen.query_one("#knob-gamma", Input).value = "0.5"
        screen.action_leave_field()
        await finished(pilot, screen)
        view = screen.controller.view
        assert view is not None and view.settings.schedule == STEP
        etas = view.rows[:, view.layout.columns.index("eta")]
        eta = view.settings.eta
        assert eta == 0.4 and view.count == 15
        expected = EtaSchedule(STEP, eta, 15).etas(0, 15)
        assert expected == [0.4] * 5 + [0.2] * 5 + [0.1] * 5
        assert etas.tolist() == np.asarray(expected, np.float32).tolist()
        await wait_until(
            pilot,
            lambda: (
                screen.live is not None
                and screen.live.table is not None
                and "eta" in screen.live.table._columns
            ),
            "the table's eta column",
            10,
        )
        plot = await plot_drawn(pilot, screen)
        assert plot._labels == ["f - f*", "η"] and plot.curves == ("f - f*", "η")
        eta_line = plot._datasets[1]
        assert eta_line.y.tolist() == pytest.approx(np.log10(etas.astype(np.float64)).tolist())
        assert "η" in plot.legend_text().plain
        # n explains a step with the η the schedule gave it
        await tap(pilot, "ctrl+r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.IDLE, "the reset", 10)
        for n in range(1, 7):
            await tap(pilot, "n")
            await wait_until(pilot, lambda n=n: screen.controller.count == n, f"step {n}", 20)
        await wait_until(
            pilot,
            lambda: "step 5:" in text_of(screen, "#step-detail"),
            "the explanation of step 5",
            10,
        )
        assert "schedule η    = 0.2 (step)" in text_of(screen, "#step-detail")


async def test_no_eta_line_where_eta_does_not_change() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await finished(pilot, screen)  # constant η: no eta column at all
        view = screen.controller.view
        assert view is not None and "eta" not in view.layout.columns
        plot = await plot_drawn(pilot, screen)
        assert plot.curves == ("f - f*",) and len(plot._datasets) == 1
        assert plot._labels == [None] and not plot.legend_text()
        # a step schedule whose first cut comes after the run: an eta column, one value
        await choose(pilot, screen, "schedule", "step")
        screen.action_leave_field()
        await finished(pilot, screen)
        view = screen.controller.view
        assert view is not None and view.settings.schedule.name == "step"
        etas = view.rows[:, view.layout.columns.index("eta")]
        assert etas.min() == etas.max() == np.float32(0.4)
        plot = await plot_drawn(pilot, screen)
        assert plot.curves == ("f - f*",) and len(plot._datasets) == 1


async def test_a_bad_schedule_knob_is_flagged_under_it_and_no_run_starts() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await choose(pilot, screen, "schedule", "step")
        screen.query_one("#knob-gamma", Input).value = "2"
        screen.action_leave_field()
        await tap(pilot, "r")
        with pytest.raises(SettingError) as refused:
            parse_schedule("step", {"step-size": "1000", "gamma": "2"})
        assert refused.value.field == "gamma"
        await wait_until(
            pilot,
            lambda: text_of(screen, "#knob-gamma-error") == refused.value.reason,
            "gamma's flag",
            5,
        )
        assert text_of(screen, "#knob-step-size-error") == ""
        assert "fix the flagged field first" in text_of(screen, "#status")
        assert screen.controller.phase is Phase.IDLE and screen.controller.view is None
        # step-size's own words under step-size, gamma's flag gone once it is fixed
        screen.query_one("#knob-gamma", Input).value = "0.5"
        screen.query_one("#knob-step-size", Input).value = "2.5"
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(
            pilot,
            lambda: "'2.5' is not whole" in text_of(screen, "#knob-step-size-error"),
            "step-size's flag",
            5,
        )
        assert text_of(screen, "#knob-gamma-error") == ""
        assert screen.controller.view is None
        screen.query_one("#knob-step-size", Input).value = "5"
        await finished(pilot, screen)
        assert text_of(screen, "#knob-step-size-error") == ""


async def test_armijo_refuses_a_schedule_under_the_schedule_field_and_draws_its_eta() -> None:
    assert "armijo" in OPTIMIZERS
    with pytest.raises(SettingError) as refused:
        RunSettings(0.4, 15, optimizer=OptimizerChoice("armijo"), schedule=STEP)
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await choose(pilot, screen, "optimizer", "armijo")
        assert text_of(screen, "#schedule-error") == ""
        await choose(pilot, screen, "schedule", "step")
        # flagged as it is chosen, and again when a run is asked for
        assert text_of(screen, "#schedule-error") == refused.value.reason
        screen.action_leave_field()
        screen.query_one("#status", Static).update("")
        await tap(pilot, "r")
        await wait_for_text(pilot, screen, "#status", "fix the flagged field first")
        assert screen.controller.phase is Phase.IDLE and screen.controller.view is None
        assert text_of(screen, "#schedule-error") == refused.value.reason
        await choose(pilot, screen, "schedule", "constant")
        assert text_of(screen, "#schedule-error") == ""
        await finished(pilot, screen)
        view = screen.controller.view
        assert view is not None and view.settings.optimizer.name == "armijo"
        etas = view.rows[:, view.layout.columns.index("eta")]
        assert etas.min() < etas.max()  # the line search's η changes
        plot = await plot_drawn(pilot, screen)
        assert plot.curves == ("f - f*", "η") and len(plot._datasets) == 2


async def test_float64_runs_record_float64_rows() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await finished(pilot, screen)
        view = screen.controller.view
        assert view is not None and view.rows.dtype == np.float32
        await choose(pilot, screen, "dtype", "float64")
        screen.action_leave_field()
        await finished(pilot, screen)
        view = screen.controller.view
        assert view is not None and view.settings.dtype == "float64"
        assert view.rows.dtype == np.float64


async def test_the_code_screen_writes_the_forms_schedule_and_optimizer() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)

        async def script() -> str:
            await tap(pilot, "c")
            await wait_until(pilot, lambda: isinstance(app.screen, CodeScreen), "the code", 10)
            code_screen = app.screen
            assert isinstance(code_screen, CodeScreen)
            text = code_screen.text
            await tap(pilot, "escape")
            await wait_until(pilot, lambda: app.screen is screen, "the chapter again", 10)
            return text

        await choose(pilot, screen, "schedule", "step")
        screen.query_one("#knob-step-size", Input).value = "5"
        screen.query_one("#knob-gamma", Input).value = "0.5"
        screen.action_leave_field()
        text = await script()  # from the fields: no run yet
        assert "lr = eta * 0.5 ** (i // 5)" in text and "schedule step" in text
        await finished(pilot, screen)  # a drawn start, no seed: the run's start is written
        view = screen.controller.view
        assert view is not None
        text = await script()
        assert "lr = eta * 0.5 ** (i // 5)" in text
        assert "start " + repr(float(view.rows[0][view.layout.params][0])) in text
        await tap(pilot, "ctrl+r")
        await wait_until(pilot, lambda: screen.controller.view is None, "the reset", 10)
        await choose(pilot, screen, "optimizer", "adam")
        screen.action_leave_field()
        text = await script()
        assert "torch.optim.Adam(" in text
        assert "torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)" in text
        await choose(pilot, screen, "schedule", "plateau")
        screen.action_leave_field()
        notices: list[str] = []
        notify = screen.notify

        def recorded(message: str, **kwargs: Any) -> None:
            notices.append(message)
            notify(message, **kwargs)

        screen.notify = recorded  # type: ignore[method-assign]
        await tap(pilot, "c")
        await wait_until(pilot, lambda: bool(notices), "the c key's answer", 10)
        assert notices[0].startswith("no script:"), notices
        assert app.screen is screen  # plateau has no closed form: no script
