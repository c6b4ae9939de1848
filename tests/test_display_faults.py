"""Display faults read off the screen as the user sees it: the knob labels, the
iteration table's → key, the plots' tick labels and the compare screen's legend,
table and pause (issue 21's minor items)."""

from __future__ import annotations

import re
from itertools import pairwise

import numpy as np
import pytest
from app_helpers import first_screen, tap, wait_until
from test_landscape import terminal_text
from textual.app import App, ComposeResult
from textual.widgets import Input, Select
from textual_plot import PlotWidget

from solvers.optimizers import KNOB_NAMES, OPTIMIZERS, SCHEDULE_KNOB_NAMES, SCHEDULES
from tui.app import GdlabApp
from tui.run_controller import Phase
from tui.widgets.iteration_table import IterationTable
from tui.widgets.plots import ObjectivePlot

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
    assert app._exception is None


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
    assert app._exception is None


# ------------------------------------------------------------------ tick labels

TICK = re.compile(r"-?\d+(?:\.\d+)?[kMG]?")
UNITS = {"k": 1e3, "M": 1e6, "G": 1e9}


def x_tick_labels(app: App[None], plot: PlotWidget) -> list[str]:
    """The words of the plot's tick-label line (the first line of its bottom margin)."""
    region = plot.region
    line = screen_lines(app)[region.bottom - plot.margin_bottom]
    return line[region.x : region.right].split()


def assert_readable_ticks(labels: list[str], low: float, high: float) -> None:
    """Two labels or more, each one number within the axis's range, increasing: labels
    that run together read as one number out of the range, or as no number."""
    assert len(labels) >= 2, labels
    values = []
    for label in labels:
        assert TICK.fullmatch(label), labels
        unit = UNITS.get(label[-1], 1.0)
        values.append(float(label.rstrip("kMG")) * unit)
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
    assert app._exception is None
