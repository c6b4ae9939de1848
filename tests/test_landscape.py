"""The landscape under a run: the 1-D curve, the 2-D map, chapter 3's slice, the widget."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from app_helpers import landscapes_drawn
from rich.color import ColorSystem
from textual.app import App, ComposeResult
from textual.color import Color
from textual.filter import Monochrome
from textual.widget import Widget

from solvers.chapters.registry import make_problem
from solvers.core.expression import parse
from solvers.core.facts import BoundReason, Facts, Optimum
from solvers.core.specs import ProblemSpec
from solvers.pictures.landscape import compute_landscape, evaluate
from solvers.pictures.landscape_box import stride
from solvers.pictures.landscape_model import (
    CURRENT,
    LEVEL_GLYPHS,
    MARKS,
    OPTIMUM,
    START,
    ContourMap,
    Curve,
    NoLandscape,
    choose_levels,
)
from solvers.problems.objectives.expression import ExpressionObjective
from solvers.problems.problem import Problem
from solvers.run.descent import Descent
from solvers.run.settings import RunSettings
from tui.app.widgets.contour_view import ContourView
from tui.app.widgets.curve_plot import CurvePlot
from tui.app.widgets.landscape import LandscapePlot
from tui.app.widgets.text_line import TextLine

ROOT = Path(__file__).parents[1]


def run(problem_id: str, iterations: int, eta: float | None = None, seed: int = 7) -> Descent:
    problem = make_problem(problem_id)
    descent = Descent(problem, RunSettings(eta or problem.spec.eta, iterations, seed=seed))
    for _ in descent.run():
        pass
    return descent


def path_of(descent: Descent) -> np.ndarray:
    return descent.view.rows[:, descent.layout.params]


def expression_problem(text: str, dim: int) -> Problem:
    """A Problem around a typed expression, as the "your own function" chapter builds one."""
    names = ("x",) if dim == 1 else tuple(f"x{k}" for k in range(dim))
    spec = ProblemSpec(
        id="custom",
        title=text,
        formula=text,
        param_names=names,
        param_shapes=((dim,),),
        prediction_names=(),
        eta=0.001,
        iterations=100,
        book_start=None,
    )
    return Problem(spec, ExpressionObjective(parse(text), dim))


ROSENBROCK = "(1-x0)**2 + 100*(x1-x0**2)**2"
ROSENBROCK_FACTS = Facts(Optimum((1.0, 1.0), 0.0, "literature"), None, BoundReason.UNKNOWN)


# ------------------------------------------------------------------ one parameter


@pytest.mark.parametrize("eta", [0.4, 1.8])  # 1.8: overshoots, oscillating across x* = 2
def test_the_curve_passes_through_the_recorded_iterates(eta):
    descent = run("1", 15, eta)
    path = path_of(descent)
    curve = compute_landscape(descent.problem, path, (120, 1), facts=descent.view.facts)
    assert isinstance(curve, Curve)
    recorded_f = descent.view.rows[:, descent.layout.objective]
    # the iterates, in order, at f evaluated in float64: the recorded float32 f_k
    assert np.array_equal(curve.path_x, path[:, 0].astype(np.float64))
    assert np.allclose(curve.path_f, recorded_f, rtol=1e-6, atol=1e-7)
    # and they lie on the curve: the curve holds each x_k with its f
    assert np.all(np.diff(curve.xs) > 0)
    assert np.array_equal(np.interp(curve.path_x, curve.xs, curve.fs), curve.path_f)
    # the curve spans every iterate and the optimum, with a margin
    lo, hi = curve.xs[0], curve.xs[-1]
    assert lo < min(path.min(), 2.0) and hi > max(path.max(), 2.0)
    assert curve.optimum == (2.0, 0.0)
    assert curve.title == "f(x) over the range the run visits"


def test_an_oscillating_path_keeps_both_sides_when_strided():
    alternating = np.array([[(-1.0) ** k] for k in range(10_001)])
    kept = stride(alternating, 2_000)
    assert set(kept[:, 0]) == {-1.0, 1.0}
    assert kept[-1, 0] == alternating[-1, 0]
    assert len(kept) <= 2_001


# ------------------------------------------------------------------ two parameters


@pytest.mark.parametrize("size", [(60, 20), (41, 13), (120, 30)])
def test_the_maps_lowest_cell_is_the_optimums_cell_in_chapter_2(size):
    descent = run("2", 10)
    landscape = compute_landscape(descent.problem, path_of(descent), size, facts=descent.view.facts)
    assert isinstance(landscape, ContourMap)
    assert landscape.values.shape == (size[1], size[0])
    optimum = descent.view.facts.optimum
    assert optimum is not None
    col, row, inside = landscape.plan.cells(np.array([optimum.params]))
    assert inside[0]
    # the optimum's cell holds the grid's minimum (x* on a cell edge: both cells do)
    lowest = np.nanmin(landscape.values)
    assert landscape.values[row[0], col[0]] == pytest.approx(lowest, rel=1e-12)
    low_row, low_col = np.unravel_index(np.nanargmin(landscape.values), landscape.values.shape)
    assert abs(low_row - row[0]) <= 1 and abs(low_col - col[0]) <= 1
    assert landscape.cells[row[0], col[0]] == 0  # the bottom level
    # a round bowl does not span decades: evenly spaced levels
    assert landscape.levels.scale == "linear"
    assert landscape.title == "f over x0, x1"


def test_the_grid_is_f_at_each_cells_centre():
    problem = make_problem("2")
    descent = run("2", 4)
    landscape = compute_landscape(problem, path_of(descent), (30, 10))
    assert isinstance(landscape, ContourMap)
    xs, ys = landscape.plan.centres()
    x0, x1 = np.meshgrid(xs, ys)
    expected = x0**2 + x1**2 + 4 * x0 + 5 * x1 + 3
    assert np.allclose(landscape.values, expected, rtol=1e-12, atol=1e-12)
    assert ys[0] > ys[-1]  # row 0 is the top


def test_levels_are_log_spaced_for_a_function_spanning_decades():
    problem = expression_problem(ROSENBROCK, 2)
    path = np.array([[-1.2, 1.0], [-1.0, 0.9], [0.0, 0.0], [0.5, 0.25], [0.99, 0.98]])
    landscape = compute_landscape(problem, path, (60, 20), facts=ROSENBROCK_FACTS)
    assert isinstance(landscape, ContourMap)
    levels = landscape.levels
    assert levels.scale == "log"
    steps = levels.thresholds - levels.f_min
    assert len(steps) == len(LEVEL_GLYPHS) - 1
    ratios = steps[1:] / steps[:-1]
    assert np.allclose(ratios, ratios[0]) and ratios[0] > 1.5  # geometric, not even
    assert "log-spaced" in landscape.legend
    # the valley floor is the bottom level all along, from the start to (1, 1)
    assert landscape.cells[landscape.plan.cells(np.array([[1.0, 1.0]]))[1][0]].min() == 0


def test_choose_levels_even_when_f_spans_less_than_two_decades():
    values = np.linspace(0.0, 10.0, 200)
    levels = choose_levels(values)
    assert levels.scale == "linear"
    assert np.allclose(np.diff(levels.thresholds), 1.0)
    index = levels.index(np.array([0.0, 5.5, 10.0, np.nan]))
    assert index.tolist() == [0, 5, 9, -1]
    assert choose_levels(np.full(5, 3.0)).scale == "flat"


def test_the_map_marks_start_now_and_optimum_over_level_glyphs():
    descent = run("2", 3)
    landscape = compute_landscape(descent.problem, path_of(descent), (60, 20))
    assert isinstance(landscape, ContourMap)
    text = "\n".join(landscape.glyph_rows())
    for mark in (START, CURRENT, OPTIMUM):
        assert text.count(mark) == 1
    assert not set(LEVEL_GLYPHS) & set(MARKS)  # a glyph is a level or a mark, never both
    assert set(text) <= set(LEVEL_GLYPHS) | set(MARKS) | {"\n"}
    assert not landscape.now_on_optimum and "under @" not in landscape.legend


def test_the_legend_says_when_now_hides_the_optimum():
    descent = run("2", 10)  # η = 0.4: within 1e-6 of x* after 10 steps
    landscape = compute_landscape(descent.problem, path_of(descent), (60, 20))
    assert isinstance(landscape, ContourMap)
    text = "\n".join(landscape.glyph_rows())
    assert CURRENT in text and OPTIMUM not in text
    assert landscape.now_on_optimum and "* optimum, under @" in landscape.legend


def test_a_grown_path_inside_the_box_reuses_the_grid():
    problem = make_problem("2")
    descent = run("2", 10)
    path = path_of(descent)
    first = compute_landscape(problem, path[:6], (60, 20))
    again = compute_landscape(problem, path, (60, 20), previous=first)
    assert isinstance(first, ContourMap) and isinstance(again, ContourMap)
    assert again.plan == first.plan and again.values is first.values
    assert len(again.path) == 10
    resized = compute_landscape(problem, path, (50, 20), previous=again)
    assert isinstance(resized, ContourMap) and resized.values is not again.values


def test_vmap_and_a_loop_give_the_same_values():
    problem = expression_problem("min(x0, 1) * sin(x1) + abs(x0 - x1) ** 1.5", 2)
    points = np.random.default_rng(0).normal(size=(50, 2))
    batched = evaluate(problem, points)
    looped = np.array([evaluate(problem, p[None, :])[0] for p in points])
    assert np.allclose(batched, looped, rtol=1e-12)


# ------------------------------------------------------------------ chapter 3: a slice


def test_chapter_3_slices_the_loss_at_the_last_rows_b_and_says_so():
    descent = run("3", 300)
    path = path_of(descent)
    landscape = compute_landscape(descent.problem, path, (40, 12), facts=descent.view.facts)
    assert isinstance(landscape, ContourMap)
    b = float(path[-1, 2])
    assert landscape.plan.held == (("b", b),)
    assert landscape.title == f"loss over w0, w1 with b = {b:.4g}"
    assert "of all parameters" in landscape.legend
    # each cell is the book's loss at (w0, w1) = the cell's centre and that b
    xs, ys = landscape.plan.centres()
    w0, w1 = np.meshgrid(xs, ys)
    # the book's samples as the objective holds them: float32, evaluated in float64
    x = np.array([[1.1, 4.6, 8.9], [2.3, 5.7, 10.1]], np.float32).astype(np.float64)
    target = np.array([13.57, 38.70, 70.51], np.float32).astype(np.float64)
    y = w0[..., None] * x[0] + w1[..., None] * x[1] + b
    loss = ((y - target) ** 2 / 2).sum(axis=-1)
    assert np.allclose(landscape.values, loss, rtol=1e-12, atol=1e-9)


def test_nothing_is_drawn_without_a_finite_iterate_and_it_says_why():
    problem = make_problem("3")
    empty = compute_landscape(problem, np.empty((0, 3), np.float32))
    assert empty == NoLandscape("no iterations yet")
    diverged = compute_landscape(problem, np.array([[1.0, 2.0, np.inf]]))
    assert isinstance(diverged, NoLandscape) and "not finite" in diverged.reason
    nowhere = compute_landscape(expression_problem("log(-x**2 - 1)", 1), np.array([[0.5]]))
    assert isinstance(nowhere, NoLandscape) and "not finite" in nowhere.reason


def test_the_widget_module_does_not_import_torch():
    code = "import sys\nimport tui.app.widgets.landscape\nprint('torch' in sys.modules)\n"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


# ------------------------------------------------------------------ the widget


def terminal_text(app: App[None]) -> str:
    """The screen's characters after the app's line filters (NO_COLOR's Monochrome)."""
    lines = []
    for strip in app.screen._compositor.render_strips():
        segments = list(strip)
        for line_filter in app.get_line_filters():
            segments = line_filter.apply(segments, Color(0, 0, 0))
        lines.append("".join(segment.text for segment in segments))
    return "\n".join(lines)


class LandscapeApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LandscapePlot(id="landscape")


async def shown(app: LandscapeApp, pilot, descent: Descent | None) -> LandscapePlot:
    plot = app.query_one(LandscapePlot)
    plot.update_from(descent.view if descent else None, descent.problem if descent else None)
    await shown_without_asking(app, pilot)
    return plot


async def shown_without_asking(app: App[None], pilot) -> None:
    """Let the workers finish and their results be drawn."""
    assert pilot.app is app
    await landscapes_drawn(pilot)


async def test_the_map_reads_with_no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    descent = run("2", 3)
    app = LandscapeApp()
    async with app.run_test(size=(70, 26)) as pilot:
        plot = await shown(app, pilot, descent)
        assert isinstance(plot.landscape, ContourMap)
        contour = plot.query_one(ContourView)
        lines = contour.lines_text()
        assert len(lines) == contour.size.height and len(lines[0]) == contour.size.width
        text = "\n".join(lines)
        for mark in (START, CURRENT, OPTIMUM):
            assert text.count(mark) == 1, mark
        # the grid was made for the widget's own size
        assert plot.landscape.plan.size == (contour.size.width, contour.size.height)
        assert not plot.query_one(CurvePlot).display
        title = plot.query_one("#landscape-title").render()
        assert str(title) == "f over x0, x1"
        legend = str(plot.query_one("#landscape-legend").render())
        assert "S start" in legend and "* optimum" in legend and "levels" in legend
        # what reaches the terminal: the monochrome filter leaves every character
        await pilot.pause()
        assert any(isinstance(f, Monochrome) for f in app.get_line_filters())
        screen_text = terminal_text(app)
        assert START in screen_text and OPTIMUM in screen_text and CURRENT in screen_text
    assert not plot.can_focus and not contour.can_focus


async def test_the_map_keeps_its_characters_in_16_colours():
    descent = run("2", 3)
    app = LandscapeApp()
    async with app.run_test(size=(70, 26)) as pilot:
        plot = await shown(app, pilot, descent)
        contour = plot.query_one(ContourView)
        truecolor = contour.lines_text()
        app.theme = "ansi-dark"  # the terminal's own 16 colours
        await pilot.pause()
        contour.show(contour.map)
        await pilot.pause()
        assert contour._styles[START].color.number == 2  # ANSI green, not blended RGB
        assert contour.lines_text() == truecolor
        for y in range(contour.size.height):
            for segment in contour.render_line(y):
                assert segment.style is not None
                if segment.style.color is not None:
                    segment.style.color.downgrade(ColorSystem.STANDARD)


async def test_chapter_3_title_names_the_slice_and_a_reset_says_why_nothing_is_drawn():
    descent = run("3", 100)
    app = LandscapeApp()
    async with app.run_test(size=(80, 24)) as pilot:
        plot = await shown(app, pilot, descent)
        b = float(descent.view.rows[-1, 2])
        assert str(plot.query_one("#landscape-title").render()) == (
            f"loss over w0, w1 with b = {b:.4g}"
        )
        plot = await shown(app, pilot, None)
        assert isinstance(plot.landscape, NoLandscape)
        assert "no iterations yet" in str(plot.query_one("#landscape-title").render())
        assert not "".join(plot.query_one(ContourView).lines_text()).strip()  # blank


async def test_a_run_after_a_reset_draws_its_map_without_a_layout_pass(monkeypatch):
    """A reset leaves the map's place blank and the legend its lines: the next run's
    first map is drawn in place (a layout pass of the screen is what a key pressed
    just then waited for)."""
    descent = run("3", 100)
    app = LandscapeApp()
    async with app.run_test(size=(80, 24)) as pilot:
        plot = await shown(app, pilot, descent)
        contour = plot.query_one(ContourView)
        legend = plot.query_one("#landscape-legend", TextLine)
        size, legend_lines = contour.size, legend.size.height
        assert legend_lines >= 2
        await shown(app, pilot, None)
        assert contour.display and contour.size == size
        assert legend.size.height == legend_lines and not legend.text.strip()
        layouts: list[Widget] = []
        original = Widget.refresh

        def refresh(self, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
            if layout:
                layouts.append(self)
            return original(self, *regions, repaint=repaint, layout=layout, recompose=recompose)

        monkeypatch.setattr(Widget, "refresh", refresh)
        await shown(app, pilot, run("3", 50))
        assert isinstance(plot.landscape, ContourMap)
        assert "".join(contour.lines_text()).strip(), "the map was not drawn"
        assert layouts == []


async def test_one_parameter_draws_the_curve(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    descent = run("1", 15, 1.8)
    app = LandscapeApp()
    async with app.run_test(size=(80, 24)) as pilot:
        plot = await shown(app, pilot, descent)
        assert isinstance(plot.landscape, Curve)
        curve = plot.query_one(CurvePlot)
        assert curve.display and not plot.query_one(ContourView).display
        await pilot.pause()
        canvas_text = terminal_text(app)
        assert START in canvas_text and CURRENT in canvas_text and OPTIMUM in canvas_text


async def test_a_request_before_the_plot_is_mounted_is_drawn_once_it_is():
    descent = run("2", 3)
    app = App[None]()
    async with app.run_test(size=(70, 26)) as pilot:
        plot = LandscapePlot()
        plot.update_from(descent.view, descent.problem)  # not mounted: nothing to draw into
        await app.mount(plot)
        await shown_without_asking(app, pilot)
        assert isinstance(plot.landscape, ContourMap)
        assert START in "\n".join(plot.query_one(ContourView).lines_text())


async def test_a_text_line_is_laid_out_again_only_when_its_lines_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The landscape's title and legend are redrawn every couple of seconds during a
    run; a layout pass of the whole screen each time cost key presses their latency."""

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield TextLine("")

    async with One().run_test() as pilot:
        line = pilot.app.query_one(TextLine)
        asked: list[bool] = []
        monkeypatch.setattr(line, "refresh", lambda *a, layout=False, **k: asked.append(layout))
        assert line.show("") is False  # the same text: nothing at all
        assert line.show("loss over w at b = 0.1") is True
        assert line.show("loss over w at b = 0.1") is False
        assert line.show("loss over w at b = 0.2") is True  # one line still
        assert line.show("two\nlines") is True
        assert line.show("") is True
        assert asked == [True, False, True, True]
        assert str(line.render()) == ""


async def test_a_text_line_that_wraps_to_more_lines_is_laid_out_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No newline more, but more lines at its width: a compare's narrow landscape panel
    showed only the first line of a title that wrapped (its height kept from before)."""

    class Narrow(App[None]):
        CSS = "TextLine { width: 20; height: auto; }"

        def compose(self) -> ComposeResult:
            yield TextLine("nothing drawn yet")

    async with Narrow().run_test() as pilot:
        line = pilot.app.query_one(TextLine)
        await pilot.pause()
        assert line.size.height == 1
        line.show("loss over w0, w1 with b = 0.5 (the optimum's)")
        await pilot.pause()
        assert line.size.height == 3
        asked: list[bool] = []
        monkeypatch.setattr(line, "refresh", lambda *a, layout=False, **k: asked.append(layout))
        line.show("loss over w0, w1 with b = 0.7 (the optimum's)")  # as many lines
        assert asked == [False]
