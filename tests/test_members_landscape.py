"""A compare's members over one landscape: the box, the slice, the marks, the widget."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import landscapes_drawn, tap, wait_until
from test_app_compare import _compare
from test_landscape import ROSENBROCK, expression_problem, terminal_text

from solvers.chapters.registry import problem_for, spec_of
from solvers.core.facts import BoundReason, Facts
from solvers.optim.choices import parse_optimizer
from solvers.pictures.landscape import compute_members_landscape, evaluate
from solvers.pictures.landscape_model import (
    LEVEL_GLYPHS,
    MARKS,
    NOT_FINITE,
    OPTIMUM,
    PATH_LINE,
    START,
    Plan,
)
from solvers.pictures.members_map import (
    MEMBER_MARKS,
    NO_MEMBER,
    MembersCurve,
    MembersMap,
    member_mark,
    plan_members,
)
from solvers.run.compare import Comparison
from solvers.run.members import CompareSettings
from tui.app.app import GdlabApp
from tui.app.display import colour
from tui.app.run_controller import Phase
from tui.app.screens.compare import CompareScreen
from tui.app.widgets.contour_view import ContourView
from tui.app.widgets.curve_plot import CurvePlot
from tui.app.widgets.landscape import LandscapePlot


def compared(problem_id: str, etas: list[float], iterations: int) -> Comparison:
    comparison = Comparison(
        problem_for(spec_of(problem_id)),
        CompareSettings.every(etas, [parse_optimizer("plain")], iterations),
    )
    for _ in comparison.run():
        pass
    return comparison


def paths_of(comparison: Comparison) -> list[np.ndarray]:
    return [run.view.rows[:, run.view.layout.params] for run in comparison.runs]


def counted_of(comparison: Comparison) -> list[bool]:
    return [run.diverged is None for run in comparison.runs]


def test_member_marks_are_distinct_and_never_a_level_or_a_runs_mark():
    assert len(set(MEMBER_MARKS)) == len(MEMBER_MARKS) == 64
    assert not set(MEMBER_MARKS) & (set(LEVEL_GLYPHS + NOT_FINITE) | set(MARKS))
    assert [member_mark(i) for i in range(3)] == ["1", "2", "3"]
    assert member_mark(70) == MEMBER_MARKS[6]  # they repeat past 64


def test_the_box_holds_every_member_still_going_the_start_and_the_optimum():
    comparison = compared("3", [1e-4, 1e-3, 9e-3], 300)  # 9e-3 diverges
    paths, counted = paths_of(comparison), counted_of(comparison)
    assert counted == [True, True, False]
    optimum = comparison.facts.optimum
    assert optimum is not None
    plan = plan_members(("w0", "w1", "b"), paths, counted, optimum.params, (40, 12), "loss")
    assert isinstance(plan, Plan) and plan.y is not None
    for path in paths[:2]:
        _, _, inside = plan.cells(path[:, :2])
        assert inside.all()
    _, _, inside = plan.cells(np.array([optimum.params[:2]]))
    assert inside.all()
    _, _, inside = plan.cells(paths[2][-1:, :2])  # the diverged member stretched nothing
    assert not inside.any()
    # with three parameters, b is held at the optimum's, and the title says so
    assert plan.held == (("b", optimum.params[2]),)
    assert plan.title.endswith("(the optimum's)")


def test_without_an_optimum_the_slice_is_at_the_first_counted_members_last_values():
    comparison = compared("3", [1e-3, 9e-3], 200)
    paths = paths_of(comparison)
    plan = plan_members(("w0", "w1", "b"), paths, [False, True], None, (40, 12), "loss")
    assert plan.held == (("b", float(paths[1][-1, 2])),)  # type: ignore[union-attr]
    assert "member 2's last" in plan.title  # type: ignore[union-attr]
    nothing = plan_members(("w0", "w1", "b"), [p[:0] for p in paths], [True, True], None, (9, 9))
    assert getattr(nothing, "reason", "") == "no iterations yet"


def test_each_member_ends_in_its_mark_over_the_levels_and_owns_its_cells():
    comparison = compared("2", [0.05, 0.2], 10)
    problem = comparison.problem
    paths = paths_of(comparison)
    drawn = compute_members_landscape(
        problem, paths, counted_of(comparison), (50, 16), facts=comparison.facts
    )
    assert isinstance(drawn, MembersMap)
    rows = drawn.glyph_rows()
    owners = drawn.owners()
    plan = drawn.plan
    for index, path in enumerate(paths):
        col, row, inside = plan.cells(path[-1:])
        assert inside.all()
        assert rows[row[0]][col[0]] == member_mark(index)
        assert owners[row[0]][col[0]] == index
        # every cell the path passes through is its line, its mark or another's
        cols, rows_, _ = plan.cells(path)
        for c, r in zip(cols, rows_, strict=True):
            assert rows[r][c] in {PATH_LINE, START, OPTIMUM, *MEMBER_MARKS[:2]}
    col, row, _ = plan.cells(paths[0][:1])
    assert rows[row[0]][col[0]] == START and owners[row[0]][col[0]] == NO_MEMBER
    text = "".join(rows)
    assert set(text) <= set(LEVEL_GLYPHS + NOT_FINITE + PATH_LINE + START + OPTIMUM + "12")
    assert "1…2 each member's end" in drawn.legend and "out of the box" not in drawn.legend


def test_a_members_map_keeps_its_grid_while_the_plan_holds():
    comparison = compared("2", [0.05, 0.2], 10)
    paths, counted = paths_of(comparison), counted_of(comparison)
    facts = comparison.facts
    problem = comparison.problem
    first = compute_members_landscape(problem, paths, counted, (50, 16), facts=facts)
    again = compute_members_landscape(
        problem, [p[:5] for p in paths], counted, (50, 16), facts=facts, previous=first
    )
    assert isinstance(first, MembersMap) and isinstance(again, MembersMap)
    if again.plan == first.plan:
        assert again.grid is first.grid
    resized = compute_members_landscape(problem, paths, counted, (40, 16), facts=facts,
                                        previous=first)  # fmt: skip
    assert isinstance(resized, MembersMap) and resized.grid is not first.grid
    assert resized.plan.size == (40, 16)


def test_a_diverging_member_leaves_the_box_and_the_legend_says_so():
    comparison = compared("3", [1e-3, 9e-3], 300)
    drawn = compute_members_landscape(
        comparison.problem, paths_of(comparison), counted_of(comparison), (40, 12),
        facts=comparison.facts,
    )  # fmt: skip
    assert isinstance(drawn, MembersMap)
    assert drawn.outside == [1]
    assert "out of the box: 2" in drawn.legend
    assert member_mark(1) not in "".join(drawn.glyph_rows())


def test_one_parameter_puts_every_members_iterates_on_fs_curve():
    comparison = compared("1", [0.4, 1.5, 2.5], 15)  # 2.5 diverges
    drawn = compute_members_landscape(
        comparison.problem, paths_of(comparison), counted_of(comparison), (64, 1),
        facts=comparison.facts,
    )  # fmt: skip
    assert isinstance(drawn, MembersCurve)
    recorded = paths_of(comparison)
    for xs, fs, rows in zip(drawn.paths_x[:2], drawn.paths_f[:2], recorded, strict=False):
        assert np.array_equal(xs, rows[:, 0])  # every recorded row, all inside the range
        assert np.allclose(fs, evaluate(comparison.problem, xs.reshape(-1, 1)))
    lo, hi = drawn.plan.x
    diverged = drawn.paths_x[2]
    assert 0 < len(diverged) < 7 and ((diverged >= lo) & (diverged <= hi)).all()
    assert drawn.outside == (2,) and "out of the range: 3" in drawn.legend


def test_a_custom_function_without_an_optimum_is_drawn_around_the_members():
    problem = expression_problem(ROSENBROCK, 2)
    facts = Facts(None, None, BoundReason.UNKNOWN)
    start = np.array([[-1.0, 1.0]])
    paths = [np.vstack([start, start + np.array([0.1 * k, 0.0])]) for k in (1, 2)]
    drawn = compute_members_landscape(problem, paths, [True, True], (30, 10), facts=facts)
    assert isinstance(drawn, MembersMap)
    assert drawn.grid.optimum is None and OPTIMUM not in "".join(drawn.glyph_rows())
    assert drawn.plan.x[0] <= -1.0 and drawn.plan.x[1] >= -0.8


# ------------------------------------------------------------------ on the compare screen


async def _compare_set(pilot, problem: str, etas: str, iterations: str) -> CompareScreen:
    """The compare screen, its fields filled in, not yet run."""
    screen = await _compare(pilot)
    screen.query_one("#compare-problem").value = problem  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: screen.spec.id == problem, "the problem chosen", 10)
    screen.query_one("#compare-etas").value = etas  # type: ignore[attr-defined]
    screen.query_one("#compare-iterations").value = iterations  # type: ignore[attr-defined]
    return screen


async def _compare_run(pilot, problem: str, etas: str, iterations: str) -> CompareScreen:
    screen = await _compare_set(pilot, problem, etas, iterations)
    await tap(pilot, "r")
    await wait_until(pilot, lambda: screen.phase is Phase.FINISHED, "the compare's end")
    plot = screen.query_one(LandscapePlot)
    await wait_until(
        pilot, lambda: isinstance(plot.landscape, MembersMap | MembersCurve), "the landscape", 20
    )
    await landscapes_drawn(pilot)  # and for the size its view has
    return screen


@pytest.mark.parametrize("no_color", [False, True])
async def test_the_compare_screen_draws_the_members_over_the_map(monkeypatch, no_color):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _compare_run(pilot, "2", "0.05 0.2", "6")
        plot = screen.query_one(LandscapePlot)
        assert isinstance(plot.landscape, MembersMap)
        contour = plot.query_one(ContourView)
        assert plot.landscape.plan.size == (contour.size.width, contour.size.height)
        shown = terminal_text(app)  # what the terminal gets, after NO_COLOR's filter
        assert "f over x0, x1" in shown and "each member's end" in shown
        map_text = "\n".join(contour.lines_text())
        for glyph in (START, "1", "2", PATH_LINE):
            assert glyph in map_text, glyph
        # each member's mark is drawn in its own colour (where colour is used at all)
        paths = [run.view.rows[:, run.view.layout.params] for run in screen.members]
        for index, path in enumerate(paths):
            col, row, _ = plot.landscape.plan.cells(path[-1:])
            x = 0
            for segment in contour.render_line(int(row[0])):
                if x <= col[0] < x + len(segment.text):
                    assert segment.text[col[0] - x] == member_mark(index)
                    assert segment.style is not None and segment.style.bold
                    if not no_color:
                        assert segment.style.color is not None
                        assert segment.style.color.name == colour(index)
                x += len(segment.text)


async def test_the_compare_screen_puts_one_parameter_members_on_fs_curve():
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _compare_run(pilot, "1", "0.4 1.5", "15")
        plot = screen.query_one(LandscapePlot)
        assert isinstance(plot.landscape, MembersCurve)
        curve = plot.query_one(CurvePlot)
        assert curve.display and not plot.query_one(ContourView).display
        markers = [getattr(d, "marker", None) for d in curve._datasets]
        assert markers.count("1") == 1 and markers.count("2") == 1 and START in markers
        assert "f(x) over the range the members" in terminal_text(app)  # (two lines)


async def test_at_80_columns_the_hidden_landscape_is_not_computed_until_it_shows():
    app = GdlabApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _compare_set(pilot, "2", "0.05 0.2", "6")
        plot = screen.query_one(LandscapePlot)
        asked: list[object] = []
        original = plot.update_members
        plot.update_members = lambda *a, **k: (asked.append(a), original(*a, **k))  # type: ignore[method-assign]
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.phase is Phase.FINISHED, "the compare's end")
        await pilot.pause()  # what the end asked for: handled
        assert not plot.display or not plot.region.area  # hidden at 80 columns
        assert asked == [], "the hidden landscape was computed"
        await pilot.resize_terminal(120, 40)
        await wait_until(pilot, lambda: isinstance(plot.landscape, MembersMap), "the map", 20)
        assert asked  # (a map drawn once may ask again, at the size it then has)
