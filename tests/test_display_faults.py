"""Display faults read off the screen as the user sees it: the knob labels, the
iteration table's → key, the plots' tick labels and the compare screen's legend,
table and pause (issue 21's minor items)."""

from __future__ import annotations

import re

import pytest
from app_helpers import first_screen, tap, wait_until
from test_landscape import terminal_text
from textual.widgets import Input, Select

from solvers.optimizers import KNOB_NAMES, OPTIMIZERS, SCHEDULE_KNOB_NAMES, SCHEDULES
from tui.app import GdlabApp
from tui.widgets.iteration_table import IterationTable

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
