"""What keeps a key's effect quick during a run (B3): widgets that change without a
layout of the whole screen. The compare's table, the footer, the loss plot's legend."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from app_helpers import wait_until
from rich.style import Style
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static
from textual.widgets._footer import FooterKey
from textual_plot.plot_widget import Legend, PlotWidget

from tui.app.widgets.compare_plots import MembersLossPlot
from tui.app.widgets.members_table import MembersTable
from tui.app.widgets.steady_footer import SteadyFooter

COLUMNS = (("member", 8), ("outcome", 7), ("f", 5))


class TableApp(App[None]):
    CSS = "MembersTable { max-height: 5; }"  # the compare screen's: 40%

    def compose(self) -> ComposeResult:
        yield MembersTable(COLUMNS, id="table")


def line_text(table: MembersTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def test_the_table_draws_its_header_and_rows_and_colours_the_first_cell() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(MembersTable)
        table.add_row(("plain η=0.1", "going", "0.5"), style="bold red")
        table.add_row(("adam", "going", "1e-3"))
        await pilot.pause()
        assert line_text(table, 0).rstrip() == "member   outcome f"
        assert line_text(table, 1).rstrip() == "plain η= going   0.5"  # cut at its width
        assert line_text(table, 2).rstrip() == "adam     going   1e-3"
        first = next(iter(table.render_line(1)))
        assert first.style is not None and first.style.bold
        assert first.style.color is not None and first.style.color.name == "red"
        assert table.cells() == [["plain η=0.1", "going", "0.5"], ["adam", "going", "1e-3"]]
        table.set_label(2, "‖∇f‖")
        assert line_text(table, 0).rstrip() == "member   outcome ‖∇f‖"


async def test_updating_a_cell_redraws_without_a_layout() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(MembersTable)
        for k in range(3):
            table.add_row((f"m{k}", "going", ""))
        await pilot.pause()
        size = table.virtual_size
        layouts = []
        original = table.refresh

        def refresh(*regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
            layouts.append(layout)
            return original(*regions, repaint=repaint, layout=layout, recompose=recompose)

        table.refresh = refresh  # type: ignore[method-assign]
        table.update_cell(1, 2, "0.25")
        table.update_cell(1, 2, "0.25")  # the same text: nothing to redraw
        assert layouts == [False]
        assert table.virtual_size == size
        assert line_text(table, 2).rstrip() == "m1       going   0.25"


async def test_more_rows_than_lines_scroll_under_a_header_that_stays() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 6)) as pilot:
        table = app.query_one(MembersTable)
        table.focus()
        for k in range(20):
            table.add_row((f"m{k}", "going", ""))
        await pilot.pause()
        await pilot.press("end")
        await pilot.pause()
        assert table.scroll_offset.y > 0
        assert line_text(table, 0).startswith("member")
        last = table.scrollable_content_region.height - 1
        assert line_text(table, last).startswith("m19")


class FooterApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "go", "Run"),
        Binding("s", "halt", "Stop"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.running = False

    def compose(self) -> ComposeResult:
        yield Static("x")
        yield SteadyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go":
            return None if self.running else True  # shown dimmed while running
        if action == "halt":
            return True if self.running else None
        return True


async def test_the_footer_turns_keys_on_and_off_without_rebuilding() -> None:
    app = FooterApp()
    async with app.run_test(size=(60, 5)) as pilot:

        def footer() -> dict[str, FooterKey]:
            return {key.key: key for key in app.screen.query(FooterKey)}

        await wait_until(pilot, lambda: set(footer()) >= {"r", "s"}, "the footer's keys")
        keys = footer()
        assert not keys["r"].has_class("-disabled") and keys["s"].has_class("-disabled")
        app.running = True
        app.screen.refresh_bindings()
        await wait_until(pilot, lambda: not keys["s"].has_class("-disabled"), "s turned on")
        now = footer()
        assert now == keys  # the same widgets: nothing was removed and mounted again
        assert keys["r"].has_class("-disabled") and not keys["s"].has_class("-disabled")
        # the private flag FooterKey reads on a click (a dimmed key rings the bell)
        assert keys["r"]._disabled and not keys["s"]._disabled
    assert hasattr(FooterKey, "on_mouse_down")


class LossApp(App[None]):
    def compose(self) -> ComposeResult:
        yield MembersLossPlot(id="loss")


async def test_redrawing_the_members_never_rewrites_a_legend() -> None:
    """The loss plot has no legend of its own (the members' table is its legend), so
    no redraw rewrites one, and no redraw lays the screen out for it."""
    assert hasattr(PlotWidget, "_update_legend")  # the private method _Plot narrows
    app = LossApp()
    async with app.run_test(size=(80, 24)) as pilot:
        plot = app.query_one(MembersLossPlot)
        await pilot.pause()
        legend = plot.query_one(Legend)
        updates = []
        original = legend.update

        def update(*args, **kwargs):  # type: ignore[no-untyped-def]
            updates.append(args)
            return original(*args, **kwargs)

        legend.update = update  # type: ignore[method-assign]
        series = [np.geomspace(1.0, 1e-3, 50), np.geomspace(2.0, 1e-2, 50)]
        plot.show(series, ["plain η=0.1", "plain η=0.2"], 0.0)
        plot.show([s[:40] for s in series], ["plain η=0.1", "plain η=0.2"], 0.0)
        plot.show(series[:1], ["plain η=0.1"], 0.0)
        await pilot.pause()
        assert updates == [] and not legend.display
        assert "plain" not in str(legend.render())
    assert Style.parse("bold red").bold
