"""The compare screen: members run together, one curve and one table row each."""

from __future__ import annotations

import numpy as np
from app_helpers import HoldWatch, first_screen, holds_for, tap, text_of, wait_for, wait_until
from textual.widgets import Input, Select, SelectionList, Static
from textual_plot.plot_widget import LinePlot, ScatterPlot

from solvers.pictures.members_map import member_mark
from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.compare import CompareScreen
from tui.app.widgets.compare_plots import MembersLossPlot
from tui.app.widgets.members_table import MembersTable


async def _compare(pilot) -> CompareScreen:
    await first_screen(pilot)
    await tap(pilot, "5")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CompareScreen), "compare")
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)

    def mounted() -> bool:
        """The status says ready (the screen's on_mount ran) and the menus have their
        own parts (they mount after the screen's)."""
        menus = screen.query(Select)
        return (
            bool(screen.query("#compare-status"))
            and text_of(screen, "#compare-status").startswith("ready")
            and bool(menus)
            and all(menu.query("#label") for menu in menus)
        )

    await wait_until(pilot, mounted, "the compare screen mounted")
    return screen


def _ended(screen: CompareScreen) -> bool:
    """The table shows the end: no member's outcome says "going" any more."""
    return bool(_cells(screen)) and all(row[1] != "going" for row in _cells(screen))


def _cells(screen: CompareScreen) -> list[list[str]]:
    return screen.query_one(MembersTable).cells()


async def test_members_run_together_each_with_its_curve_and_row() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _compare(pilot)
        screen.query_one(Select).value = "1"
        # the screen hears of the choice by a message: on a busy machine after 0.1 s or more
        await wait_until(pilot, lambda: screen.spec.id == "1", "chapter 1 chosen", 10)
        screen.query_one("#compare-etas", Input).value = "0.4 2.5"
        optimizers = screen.query_one(SelectionList)
        optimizers.select("momentum")

        def prompts() -> list[str]:
            return [str(optimizers.get_option_at_index(i).prompt) for i in range(3)]

        # the tick is a character, readable without colour
        expected = ["✓ plain", "✓ momentum", "· nesterov"]
        await wait_until(pilot, lambda: prompts() == expected, "momentum ticked", 10)
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.phase is Phase.FINISHED, "the compare's end")
        await wait_until(pilot, lambda: _ended(screen), "the outcomes in the table")
        rows = _cells(screen)
        assert [row[0] for row in rows] == [
            "1 plain η=0.4", "2 plain η=2.5", "3 momentum η=0.4", "4 momentum η=2.5",
        ]  # fmt: skip
        assert rows[0][4] == "15" and rows[0][1] == "not converged"  # it ended: not "going"
        assert rows[1][1].startswith("diverged at ") and int(rows[1][4]) < 15
        loss = screen.query_one(MembersLossPlot)
        # one curve per member, named as its row (the table is the legend), which starts
        # with the mark that also ends its curve (and its path on the landscape:
        # tests/test_members_landscape.py): without colour the marks tell the curves apart
        named = [label for label in loss._labels if label is not None]  # marks are unnamed
        assert named == [row[0] for row in rows]
        assert all(row[0].startswith(f"{member_mark(i)} ") for i, row in enumerate(rows))
        lines = [d for d in loss._datasets if isinstance(d, LinePlot)]
        ends = [d for d in loss._datasets if isinstance(d, ScatterPlot)]
        assert len(lines) == 4
        assert [d.marker for d in ends][:4] == ["1", "2", "3", "4"]
        xs = np.concatenate([d.x for d in lines])
        ys = np.concatenate([d.y for d in lines])
        span_x, span_y = np.ptp(xs[np.isfinite(xs)]), np.ptp(ys[np.isfinite(ys)])
        for line, end in zip(lines, ends, strict=False):  # the mark is the line's last
            # point (moved a millionth of the range in from the top and right edges)
            assert abs(end.x[0] - line.x[-1]) <= 1.01e-6 * span_x
            assert abs(end.y[0] - line.y[-1]) <= 1.01e-6 * span_y
        status = str(screen.query_one("#compare-status", Static).render())
        assert status.startswith("finished: 4 members, 15 iterations, batched")


async def test_a_bad_eta_is_named_and_nothing_runs() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _compare(pilot)
        screen.query_one("#compare-etas", Input).value = "1e-4 fast"
        await tap(pilot, "r")
        error = await wait_for(pilot, lambda: text_of(screen, "#compare-error"), "the error")
        assert error.startswith("eta: 'fast'")
        assert screen.phase is Phase.IDLE
        assert screen.query_one(MembersTable).row_count == 0
        screen.query_one(SelectionList).deselect_all()
        screen.query_one("#compare-etas", Input).value = "1e-4"
        await tap(pilot, "r")

        def next_error() -> str | None:
            text = text_of(screen, "#compare-error")
            return text if text and not text.startswith("eta") else None

        error = await wait_for(pilot, next_error, "the next error")
        assert error.startswith("optimizer")
        assert screen.phase is Phase.IDLE


async def test_pause_holds_every_member_and_stop_ends_them(hold_watch: HoldWatch) -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _compare(pilot)
        screen.query_one("#compare-iterations", Input).value = "1000000"
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.count > 0, "rows")
        await tap(pilot, "space")
        await wait_until(pilot, lambda: screen.phase is Phase.PAUSED, "the pause")
        # the chunk in flight when space was pressed ends; then the worker holds
        await wait_until(pilot, lambda: hold_watch.holding(screen.control), "the members held")
        held = [len(m.view.rows) for m in screen.members]
        await holds_for(
            pilot,
            lambda: [len(m.view.rows) for m in screen.members] == held,
            "rows kept coming while paused",
        )
        # the status says paused; the rows say "going" throughout, so that a pause
        # changes one line of the screen (B3)
        assert str(screen.query_one("#compare-status", Static).render()).startswith("paused")
        assert {row[1] for row in _cells(screen)} >= {"going"}
        assert "paused" not in {row[1] for row in _cells(screen)}
        await tap(pilot, "space")
        await wait_until(pilot, lambda: screen.phase is Phase.RUNNING, "the resume")
        await tap(pilot, "s")
        await wait_until(pilot, lambda: screen.phase is Phase.STOPPED, "the stop")
        await wait_until(pilot, lambda: _ended(screen), "the outcomes in the table")
        outcomes = [row[1] for row in _cells(screen)]
        assert outcomes[:3] == ["stopped"] * 3  # the fourth (η = 9e-3) diverged first
        assert outcomes[3].startswith("diverged at ")


async def test_the_status_fits_at_80_columns_with_every_number_whole() -> None:
    """Was: "finished: 4 members, 30,000 iterations, batched," and the seconds cut off."""
    from rich.cells import cell_len

    app = GdlabApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _compare(pilot)
        etas = " ".join(f"{k}e-4" for k in range(1, 13))  # 12 members
        screen.query_one("#compare-etas", Input).value = etas
        screen.query_one("#compare-iterations", Input).value = "2000"
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.phase is Phase.FINISHED, "the compare's end")
        status = screen.query_one("#compare-status", Static)

        def said() -> str:
            return str(status.render())

        await wait_until(pilot, lambda: said().startswith("finished: 12 members"), "the end said")
        assert cell_len(said()) <= status.content_size.width, (said(), status.content_size)
        assert said().endswith(" s") or said().endswith("2,000 iterations"), said()
