"""Minibatches on chapter 3's screen: the batch field, the epoch in the status and the
table, the plot's two curves, and a long batch-1 run that pauses and stops."""

from __future__ import annotations

import numpy as np
from app_helpers import (
    HoldWatch,
    chapter,
    first_screen,
    holds_for,
    set_fields,
    tap,
    text_of,
    wait_until,
)

from solvers.run.batch_columns import EPOCH, FULL_OBJECTIVE
from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.widgets.plots import FULL_LABEL, ObjectivePlot
from tui.app.widgets.run_status import status_text
from tui.app.widgets.settings_form import SettingsForm


async def test_a_minibatch_run_shows_epoch_and_iteration_and_both_losses() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        await set_fields(pilot, screen, **{"batch-size": "1", "iterations": "30", "seed": "4"})
        await tap(pilot, "r")
        await wait_until(
            pilot, lambda: screen.controller.phase is Phase.FINISHED, "the minibatch run"
        )
        view = screen.controller.view
        assert view is not None and view.settings.batch_size == 1
        assert view.layout.columns[-2:] == (EPOCH, FULL_OBJECTIVE)
        # 30 iterations of 1 of 3 rows: epochs 0 to 9, the last at iteration 29
        await wait_until(
            pilot,
            lambda: "finished · epoch 9 · 30" in text_of(screen, "#status"),
            "the epoch and iteration in the status",
        )
        status = text_of(screen, "#status")
        assert "f_batch = " in status and "f_all = " in status, status
        text = status_text(screen.controller, False, None)  # every field's long form
        assert "epoch 9 · 30 of 30 iterations" in text and "f on all rows = " in text
        await wait_until(
            pilot,
            lambda: (
                screen.live is not None
                and screen.live.table is not None
                and EPOCH in screen.live.table._columns
                and FULL_OBJECTIVE in screen.live.table._columns
            ),
            "the table's epoch and full-objective columns",
        )
        plot = screen.query_one(ObjectivePlot)
        await wait_until(
            pilot,
            lambda: plot.curves == ("batch sum ×N/B", FULL_LABEL),
            "the batch loss and the objective on all rows",
        )
        assert FULL_LABEL in plot.legend_text().plain
        full = plot._datasets[1].y
        assert np.isfinite(full).all() and not np.array_equal(full, plot._datasets[0].y)


async def test_a_network_minibatch_status_names_its_gradient_norm_the_batchs() -> None:
    app = GdlabApp()
    async with app.run_test(size=(140, 50)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 4)
        await set_fields(pilot, screen, **{"batch-size": "32", "iterations": "8", "seed": "1"})
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run", 60)
        text = status_text(screen.controller, False, None)
        assert "‖∇f_batch‖ = " in text and "‖∇f‖" not in text, text
        assert "a minibatch run's: the last batch's, ‖∇f_batch‖" in text_of(screen, "#facts")


async def test_a_bad_batch_size_is_flagged_under_its_field() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        await set_fields(pilot, screen, **{"batch-size": "0"})
        await tap(pilot, "r")
        await wait_until(
            pilot,
            lambda: "out of range" in text_of(screen, "#batch-size-error"),
            "the flag under batch",
        )
        assert screen.controller.view is None and app.is_running
        assert screen.query_one(SettingsForm).read() is None


async def test_chapters_without_data_rows_have_no_batch_field() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 1)
        assert not screen.query("#batch-size")


async def test_a_long_batch_1_run_streams_pauses_and_stops(hold_watch: HoldWatch) -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        await set_fields(pilot, screen, **{"batch-size": "1", "iterations": "200000"})
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.count > 1000, "rows streaming", 30)
        assert screen.controller.phase is Phase.RUNNING
        await tap(pilot, "space")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.PAUSED, "paused", 10)
        control = screen.controller.control
        assert control is not None
        # the chunk in flight when space was pressed finishes; then the worker holds
        await wait_until(pilot, lambda: hold_watch.holding(control), "the worker held", 10)
        held = screen.controller.count
        await holds_for(pilot, lambda: screen.controller.count == held, "rows while paused")
        # n steps once and explains the step as the batch's
        await tap(pilot, "n")
        await wait_until(pilot, lambda: screen.controller.count == held + 1, "one step", 10)
        await wait_until(
            pilot,
            lambda: "a batch of 1 row: f is the batch sum ×N/B" in text_of(screen, "#step-detail"),
            "the step explained as the batch's",
        )
        await tap(pilot, "s")
        await wait_until(pilot, lambda: not screen.controller.phase.live, "the stop", 10)
        assert screen.controller.phase is Phase.STOPPED
        assert screen.controller.count < 200000


async def test_the_compare_screen_takes_batch_sizes_as_members() -> None:
    from test_app_compare import _cells, _compare, _ended
    from textual.widgets import Input, Select

    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _compare(pilot)
        assert screen.spec.id == "3"
        screen.query_one("#compare-etas", Input).value = "1e-4"
        screen.query_one("#compare-iterations", Input).value = "30"
        screen.query_one("#compare-batches", Input).value = "1 all"
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.phase is Phase.FINISHED, "the compare's end")
        await wait_until(pilot, lambda: _ended(screen), "the outcomes in the table")
        assert [row[0] for row in _cells(screen)] == ["1 plain η=0.0001 B=1", "2 plain η=0.0001"]
        # chapter 1 has no data rows: the batch sizes are refused, naming the field
        screen.query_one(Select).value = "1"
        await wait_until(pilot, lambda: screen.spec.id == "1", "chapter 1 chosen", 10)
        screen.query_one("#compare-batches", Input).value = "2"
        await tap(pilot, "r")
        await wait_until(
            pilot,
            lambda: text_of(screen, "#compare-error").startswith("batch-size: is only for"),
            "the refusal",
        )
        assert app.is_running


async def test_a_compare_members_f_is_its_full_objective_however_long_its_epoch(
    monkeypatch,
) -> None:
    """The f cell of a minibatch member is its last objective on all rows even where
    that row lies further back than a window of recent rows looks (N = 100,000 at
    batch 1): here every window is one row long, and the epoch three rows."""
    from test_app_compare import _cells, _compare, _ended
    from textual.widgets import Input

    import solvers.run.epochs as epochs

    looked_back = epochs.last_full
    monkeypatch.setattr(
        epochs, "last_full", lambda rows, layout, recent=1: looked_back(rows, layout, 1)
    )
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _compare(pilot)
        screen.query_one("#compare-etas", Input).value = "1e-4"
        screen.query_one("#compare-iterations", Input).value = "29"  # ends at 28; epoch at 27
        screen.query_one("#compare-batches", Input).value = "1"
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.phase is Phase.FINISHED, "the compare's end")
        await wait_until(pilot, lambda: _ended(screen), "the outcomes in the table")
        view = screen.members[0].view
        full = view.rows[:, view.layout.columns.index(FULL_OBJECTIVE)]
        assert np.isnan(full[-1]) and not np.isnan(full[-2])
        assert _cells(screen)[0][2] == f"{float(full[-2]):.6g}"
