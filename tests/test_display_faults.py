"""Display faults read off the screen as the user sees it: the knob labels, the
iteration table's → key, the plots' tick labels and the compare screen's legend,
table and pause (issue 21's minor items)."""

from __future__ import annotations

import re
import threading
from itertools import pairwise
from typing import Any

import numpy as np
import pytest
from app_helpers import HoldWatch, first_screen, tap, wait_until
from test_landscape import terminal_text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList
from textual_plot import PlotWidget

from solvers.optim.choices import KNOB_NAMES, OPTIMIZERS, SCHEDULE_KNOB_NAMES, SCHEDULES
from solvers.pictures.members_map import member_mark
from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.compare import COLUMNS as COMPARE_COLUMNS
from tui.app.screens.compare import CompareScreen
from tui.app.widgets.compare_plots import MembersLossPlot
from tui.app.widgets.iteration_table import IterationTable, format_value
from tui.app.widgets.members_table import MembersTable
from tui.app.widgets.plots import ObjectivePlot, PathPlot

SIZES = [(80, 24), (120, 40)]


def screen_lines(app: GdlabApp) -> list[str]:
    return terminal_text(app).splitlines()


# ------------------------------------------------------------------ knob labels


@pytest.mark.parametrize("size", SIZES)
async def test_every_knob_label_is_whole_and_apart_from_its_value(size: tuple[int, int]) -> None:
    """Each optimizer's knobs (and a schedule's) as shown: the label in full, a space,
    then the field's value; never a label cut into its value (`weight-deca0`)."""
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=size) as pilot:
        screen = await first_screen(pilot)
        seen: set[str] = set()
        choices = [("optimizer", name, knobs) for name, knobs in OPTIMIZERS.items() if knobs]
        choices += [("schedule", name, SCHEDULES[name]) for name in ("step", "plateau")]
        for select, value, knobs in choices:
            screen.query_one(f"#{select}", Select).value = value
            names = [knob.name for knob in knobs]
            await wait_until(
                pilot, lambda n=names: set(n) <= set(_shown_knobs(screen)), f"{value}'s knobs", 10
            )
            for name in names:
                field = screen.query_one(f"#knob-{name}", Input)
                field.focus()  # scrolled into view, as the Tab key brings it
                await wait_until(pilot, lambda f=field: _in_view(f, size), f"{name} in view", 10)
                # then drawn there: its value in the field's cells (the label is what is checked)
                await wait_until(pilot, lambda f=field: _drawn(app, f), f"{name} drawn", 10)
                line = screen_lines(app)[field.region.y]
                pattern = rf"(?:^|\s){re.escape(name)}\s+{re.escape(field.value)}"
                assert re.search(pattern, line), (name, line)
                seen.add(name)
        assert seen == set(KNOB_NAMES) | {"step-size", "gamma", "patience", "factor"}


def _shown_knobs(screen: object) -> list[str]:
    return [
        name
        for name in (*KNOB_NAMES, *SCHEDULE_KNOB_NAMES)
        if screen.query_one(f"#knob-row-{name}").display  # type: ignore[attr-defined]
        and screen.query_one(f"#knob-{name}", Input).value  # type: ignore[attr-defined]
    ]


def _in_view(field: Input, size: tuple[int, int]) -> bool:
    """The field is on screen, above the footer; if not, it is scrolled there (a field
    shown a moment ago may not have been laid out when it was focused)."""
    if field.region.height > 0 and 0 < field.region.y < size[1] - 1:
        return True
    field.scroll_visible(animate=False)
    return False


def _drawn(app: GdlabApp, field: Input) -> bool:
    region = field.region
    line = screen_lines(app)[region.y]
    return line[region.x : region.right].strip().startswith(field.value)


# ------------------------------------------------------------------ the table's → key


def _header_names(app: GdlabApp, table: IterationTable) -> list[str]:
    """The table's header as shown: its column names, left to right (the ◀ ▶ marks of
    hidden columns dropped)."""
    region = table.region
    line = screen_lines(app)[region.y][region.x : region.right]
    return line.replace("◀", " ").replace("▶", " ").split()


async def test_right_and_left_move_the_iteration_table_by_one_whole_column() -> None:
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await first_screen(pilot)
        table = screen.query_one("#table", IterationTable)
        await wait_until(pilot, lambda: bool(_header_names(app, table)), "the header", 10)
        names = _header_names(app, table)
        assert names[:3] == ["iteration", "w0", "w1"]
        table.focus()
        for expected in (["iteration", "w1", "b"], ["iteration", "b", "f"]):
            before = _header_names(app, table)
            await tap(pilot, "right")
            await wait_until(pilot, lambda b=before: _header_names(app, table) != b, "→", 10)  # type: ignore[misc]
            assert _header_names(app, table)[:3] == expected
        before = _header_names(app, table)
        await tap(pilot, "left")
        await wait_until(pilot, lambda: _header_names(app, table) != before, "←", 10)
        assert _header_names(app, table)[:3] == ["iteration", "w1", "b"]


# ------------------------------------------------------------------ tick labels

TICK = re.compile(r"-?\d+(?:\.\d+)?[kMG]?")
UNITS = {"k": 1e3, "M": 1e6, "G": 1e9}


def x_tick_labels(app: App[None], plot: PlotWidget) -> list[str]:
    """The words of the plot's tick-label line (the first line of its bottom margin)."""
    region = plot.region
    line = screen_lines(app)[region.bottom - plot.margin_bottom]
    return line[region.x : region.right].split()


def tick_value(label: str) -> float:
    """A tick label's number (25k: 25000); fails on anything but one number."""
    if TICK.fullmatch(label):
        return float(label.rstrip("kMG")) * UNITS.get(label[-1], 1.0)
    return float(label)  # 1e-07


def assert_readable_ticks(labels: list[str], low: float, high: float) -> None:
    """Two labels or more, each one number within the axis's range, increasing: labels
    that run together read as one number out of the range, or as no number."""
    assert len(labels) >= 2, labels
    values = [tick_value(label) for label in labels]
    assert all(a < b for a, b in pairwise(values)), labels
    assert low <= values[0] and values[-1] <= high, (labels, low, high)


class ObjectiveApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ObjectivePlot(id="objective")


@pytest.mark.parametrize("width", [24, 30, 40, 55, 80])
@pytest.mark.parametrize("iterations", [15, 30_000, 1_000_000])
async def test_tick_labels_stand_apart_at_every_width(width: int, iterations: int) -> None:
    app = ObjectiveApp()
    async with app.run_test(size=(width, 14)) as pilot:
        plot = app.query_one(ObjectivePlot)
        await wait_until(pilot, lambda: plot.composed and plot.size.width > 0, "the plot", 10)
        plot.show(np.log10(np.geomspace(1e3, 1e-6, iterations)))
        await wait_until(pilot, lambda: bool(x_tick_labels(app, plot)), "the ticks", 10, drain=True)
        assert_readable_ticks(x_tick_labels(app, plot), 0, iterations - 1)


@pytest.mark.slow
async def test_chapter3s_loss_plot_reads_its_iterations_after_the_books_run() -> None:
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        plot = screen.query_one(ObjectivePlot)
        # the plot is drawn with the run's end: its last tick is past 20,000
        await wait_until(
            pilot, lambda: any("2" in w for w in x_tick_labels(app, plot)[-1:]), "the ticks", 10
        )
        assert_readable_ticks(x_tick_labels(app, plot), 0, 29_999)
        # the table beside: each value column shown whole or not at all (-0.0024 was
        # -0.00247 cut at the table's edge)
        table = screen.query_one("#table", IterationTable)
        view = screen.controller.view
        assert view is not None
        lines = [line[table.region.x : table.region.right] for line in screen_lines(app)]
        rows = [line.split() for line in lines[table.region.y + 1 : table.region.bottom]]
        rows = [words for words in rows if words and re.fullmatch(r"[\d,]+", words[0])]
        assert len(rows) > 5
        for words in rows:
            values = view.rows[int(words[0].replace(",", ""))].tolist()
            assert words[1:] == [format_value(v).strip() for v in values][: len(words) - 1]


# ------------------------------------------------------------------ the compare screen


async def _compare_screen(pilot: Pilot[None], optimizers: tuple[str, ...]) -> CompareScreen:
    """The compare screen on chapter 3 (its four η values), with these optimizers ticked."""
    await first_screen(pilot)
    await tap(pilot, "5")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CompareScreen), "compare", 10)
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    await wait_until(pilot, lambda: bool(screen.query(MembersTable)), "composed", 10, drain=True)
    checklist = screen.query_one(SelectionList)
    for name in optimizers:
        checklist.select(name)
    await wait_until(pilot, lambda: len(checklist.selected) == 1 + len(optimizers), "ticks", 10)
    return screen


def table_lines(app: App[None], table: MembersTable) -> list[str]:
    """The table's lines as shown (its header first), inside its region."""
    region = table.region
    return [line[region.x : region.right] for line in screen_lines(app)[region.y : region.bottom]]


@pytest.mark.slow
async def test_at_80x24_twelve_members_are_all_in_the_table_and_nothing_covers_it() -> None:
    app = GdlabApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _compare_screen(pilot, ("momentum", "adam"))
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.phase is Phase.FINISHED, "the compare's end")
        table = screen.query_one(MembersTable)
        cells = table.cells()
        assert len(cells) == 12
        # drawn with the end: every row's iterations (its last cell) filled in
        await wait_until(pilot, lambda: all(row[-1] != "0" for row in table.cells()), "rows", 10)
        await wait_until(
            pilot, lambda: "member" in table_lines(app, table)[0], "the table drawn", 10
        )
        lines = table_lines(app, table)
        assert len(lines) == 13, lines  # its header and every member, without scrolling
        assert lines[0].split()[:2] == ["member", "outcome"]  # the header, not a legend
        shown = screen_lines(app)
        for index, row in enumerate(cells):
            assert row[0].startswith(f"{member_mark(index)} ")  # the mark that ends its curve
            line = lines[1 + index]
            assert line.startswith(row[0].ljust(table._widths[0])), (row[0], line)
            # each number shown is whole: a column is drawn complete or not at all
            at = table._widths[0] + 1
            for value, width in zip(row[1:], table._widths[1:], strict=True):
                part = line[at : at + width]
                assert part.strip() in ("", value[:width]) and (
                    not part.strip() or len(part) == width
                ), (value, part, line)
                at += width + 1
            # and its name nowhere else on the screen (no legend over the plot or table)
            assert sum(text.count(row[0]) for text in shown) == 1, row[0]
        plot = screen.query_one(MembersLossPlot)
        assert_readable_ticks(x_tick_labels(app, plot), 0, 29_999)


async def test_a_paused_compare_shows_one_iteration_in_its_status_and_its_table(
    monkeypatch: pytest.MonkeyPatch, hold_watch: HoldWatch
) -> None:
    """Space pressed while a chunk of iterations is being computed: the chunk ends after
    the screen has drawn its pause, and its rows must reach the table as well as the
    status line (they said 14,164 and 14,036). The chunk is held at its start until the
    pause is on screen, so the test does not depend on timing."""
    from solvers.run import compare

    armed, entered, gate = threading.Event(), threading.Event(), threading.Event()
    step = compare._Group.step

    def held_step(self: compare._Group, *args: Any, **kwargs: Any) -> int:
        if armed.is_set():
            armed.clear()
            entered.set()
            gate.wait(30)
        return step(self, *args, **kwargs)

    monkeypatch.setattr(compare._Group, "step", held_step)
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _compare_screen(pilot, ())
        screen.query_one("#compare-iterations", Input).value = "1000000"
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.count > 1000, "rows")
        armed.set()
        await wait_until(pilot, entered.is_set, "a chunk begun", 10)
        await tap(pilot, "space")
        status_y = screen.query_one("#compare-status").region.y
        await wait_until(
            pilot,
            lambda: "paused" in screen_lines(app)[status_y],
            "the pause shown",
            10,
            drain=True,
        )
        gate.set()  # the chunk runs to its end; the members are then held

        def counts() -> list[int]:
            return [len(member.view.rows) for member in screen.members]

        await wait_until(pilot, lambda: hold_watch.holding(screen.control), "the hold", 30)
        held = f"paused: iteration {max(counts()):,} of"  # what the hold's message says
        await wait_until(
            pilot, lambda: held in screen_lines(app)[status_y], "the hold drawn", 10, drain=True
        )
        status = screen_lines(app)[status_y]
        found = re.search(r"paused: iteration ([\d,]+) of 1,000,000", status)
        assert found, status
        said = int(found.group(1).replace(",", ""))
        table = screen.query_one(MembersTable)
        rows = [line.split() for line in table_lines(app, table)[1:] if line.strip()]
        going = [int(words[-1].replace(",", "")) for words in rows if "going" in words]
        assert len(going) == 3 and set(going) == {said}, (status, rows)
        assert said == max(counts())


class MembersApp(App[None]):
    CSS = "MembersTable { height: 3; }"

    def compose(self) -> ComposeResult:
        yield MembersTable(COMPARE_COLUMNS, id="members")


async def test_the_members_table_keeps_the_member_and_moves_by_whole_columns() -> None:
    app = MembersApp()
    async with app.run_test(size=(50, 6)) as pilot:
        table = app.query_one(MembersTable)
        table.add_row(("1 momentum η=0.0001", "still going", "7.0546e-05", "0.267", "30,000"))
        table.focus()
        await wait_until(pilot, lambda: "member" in table_lines(app, table)[0], "drawn", 10)

        def shown() -> tuple[list[str], str]:
            header, row = table_lines(app, table)[:2]
            return header.replace("◀", " ").replace("▶", " ").split(), row

        names, row = shown()
        assert names == ["member", "outcome", "f"] and "7.0546e-05" in row
        steps = [
            (["member", "f", "distance"], "0.267"),
            (["member", "distance", "iterations"], "30,000"),
        ]
        for expected, value in steps:
            before = shown()
            await tap(pilot, "right")
            await wait_until(pilot, lambda b=before: shown() != b, "→", 10)  # type: ignore[misc]
            names, row = shown()
            assert names == expected and row.startswith("1 momentum η=0.0001") and value in row


class PathApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PathPlot(("x",), id="path")


def y_tick_labels(app: App[None], plot: PlotWidget) -> list[str]:
    """The words left of the plot's y axis, top to bottom."""
    region = plot.region
    lines = screen_lines(app)[region.y + plot.margin_top : region.bottom - plot.margin_bottom]
    return [w for line in lines for w in line[region.x : region.x + plot.margin_left].split()]


@pytest.mark.parametrize(
    ("low", "high"), [(-3e-7, 1e-7), (-0.00012, 0.00031), (123456.7, 123457.9), (-2e6, 3e6)]
)
async def test_y_tick_labels_are_whole_numbers_apart(low: float, high: float) -> None:
    """Each y label one number within the axis's range, falling down the axis, none alike:
    textual-plot cuts a label to its margin (-0.000000 for -1e-7, -2e-7 and -3e-7)."""
    app = PathApp()
    async with app.run_test(size=(50, 16)) as pilot:
        plot = app.query_one(PathPlot)
        await wait_until(pilot, lambda: plot.composed and plot.size.width > 0, "the plot", 10)
        plot.show(np.linspace(high, low, 40).reshape(-1, 1))
        await wait_until(pilot, lambda: bool(y_tick_labels(app, plot)), "the ticks", 10, drain=True)
        labels = y_tick_labels(app, plot)
        values = [tick_value(label) for label in labels[::-1]]  # bottom to top
        assert len(values) >= 2 and all(a < b for a, b in pairwise(values)), labels
        assert low <= values[0] and values[-1] <= high, labels
