"""Key 4 ("your function") keeps in step with the expression typed: the landscape
draws the function that ran, and the facts, the regime line and m o y d follow the
expression and start in the fields before any run."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import chapter, first_screen, tap, text_of, wait_until
from rich.cells import cell_len
from textual.app import App, ComposeResult
from textual.widgets import Input

from solvers.chapters.function import function_spec
from solvers.chapters.registry import problem_for
from solvers.pictures.landscape_model import ContourMap, Curve
from solvers.run.descent import Descent
from solvers.run.settings import RunSettings
from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.chapter import ChapterScreen
from tui.app.widgets.contour_view import ContourView
from tui.app.widgets.landscape import LandscapePlot


def landscape_of(screen: ChapterScreen) -> LandscapePlot:
    assert screen.live is not None
    return screen.live.query_one(LandscapePlot)


async def run_function(pilot, screen: ChapterScreen, expr: str, start: str, eta: str) -> None:
    """Type the function, its start and η; run 200 iterations to the end."""
    for name, text in (("expr", expr), ("start", start), ("eta", eta), ("iterations", "200")):
        screen.query_one(f"#{name}", Input).value = text
    screen.action_leave_field()
    await tap(pilot, "r")
    await wait_until(
        pilot,
        lambda: (
            screen.controller.phase is Phase.FINISHED
            and screen.controller.view is not None
            and screen.controller.view.spec.input("expr") == expr
        ),
        f"the run of {expr}",
    )


def drawn_for_last_row(screen: ChapterScreen, kind: type) -> bool:
    """The landscape shown is a ``kind`` whose path ends on the run's last row."""
    view = screen.controller.view
    landscape = landscape_of(screen).landscape
    if view is None or not isinstance(landscape, kind):
        return False
    last = view.rows[-1, view.layout.params].astype(np.float64)
    end = landscape.path[-1] if isinstance(landscape, ContourMap) else landscape.path_x[-1:]
    return bool(np.allclose(end, last[: len(end)]))


@pytest.mark.slow
async def test_the_map_is_the_new_functions_after_another_of_two_variables() -> None:
    """Was: the map of Rosenbrock's function (f 0.1545 … 2178) under a run of a bowl."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        await run_function(pilot, screen, "(1-x0)**2 + 100*(x1-x0**2)**2", "-1.5, 2", "0.001")
        await wait_until(pilot, lambda: drawn_for_last_row(screen, ContourMap), "Rosenbrock's map")
        await run_function(pilot, screen, "x0^2 + x0*x1 + x1^2 - x0", "-1.5, 2", "0.1")
        await wait_until(pilot, lambda: drawn_for_last_row(screen, ContourMap), "the bowl's map")
        landscape = landscape_of(screen).landscape
        assert isinstance(landscape, ContourMap)
        xs, ys = landscape.plan.centres()
        x, y = np.meshgrid(xs, ys)
        bowl = x**2 + x * y + y**2 - x
        assert np.allclose(landscape.values, bowl, rtol=1e-9, atol=1e-9)
        low, high = float(bowl.min()), float(bowl.max())
        assert landscape.levels.f_min == pytest.approx(low)
        assert landscape.levels.f_max == pytest.approx(high)
        legend = landscape_of(screen).query_one("#landscape-legend")
        assert f"f {low:.4g} … {high:.4g}" in str(legend.render())


@pytest.mark.slow
async def test_the_curve_is_the_new_functions_after_another_of_one_variable() -> None:
    """Was: a curve of 5*x^2 with f down to −0.58 (the last function's)."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        await run_function(pilot, screen, "x**4 - 3*x**2 + x", "2", "0.01")
        await wait_until(pilot, lambda: drawn_for_last_row(screen, Curve), "the quartic's curve")
        await run_function(pilot, screen, "5*x^2", "1", "0.01")
        await wait_until(pilot, lambda: drawn_for_last_row(screen, Curve), "the parabola's curve")
        curve = landscape_of(screen).landscape
        assert isinstance(curve, Curve)
        assert np.allclose(curve.fs, 5 * curve.xs**2, rtol=1e-9, atol=1e-12)
        assert np.allclose(curve.path_f, 5 * curve.path_x**2, rtol=1e-9, atol=1e-12)
        assert text_of(screen, "#formula") == "f = 5*x^2"


class OnePlotApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LandscapePlot(id="landscape")


async def test_a_map_is_never_reused_for_another_function_over_the_same_box() -> None:
    """The grid is reused while the plan (box, size) stays; a plan says nothing of the
    function, so the same path under another problem must be evaluated again."""
    rosenbrock = problem_for(function_spec("(1-x0)**2 + 100*(x1-x0**2)**2", (-1.5, 2.0)))
    bowl = problem_for(function_spec("x0^2 + x0*x1 + x1^2 - x0", (-1.5, 2.0)))
    descent = Descent(rosenbrock, RunSettings(0.001, 20))
    for _ in descent.run():
        pass
    app = OnePlotApp()
    async with app.run_test(size=(70, 26)) as pilot:
        plot = app.query_one(LandscapePlot)

        def drawn() -> bool:
            """A map fitted to the map's cells (its legend laid out) and no work left."""
            landscape, cells = plot.landscape, app.query_one(ContourView).size
            return (
                isinstance(landscape, ContourMap)
                and landscape.plan.size == (cells.width, cells.height)
                and not any(worker.is_running for worker in app.workers)
            )

        plot.update_from(descent.view, rosenbrock)
        await wait_until(pilot, drawn, "Rosenbrock's map", 20, drain=True)
        first = plot.landscape
        assert isinstance(first, ContourMap)
        plot.update_from(descent.view, bowl)
        await wait_until(pilot, lambda: drawn() and plot.landscape is not first, "a map", 20)
        second = plot.landscape
        assert isinstance(second, ContourMap) and second.plan == first.plan
        x, y = np.meshgrid(*second.plan.centres())
        assert np.allclose(second.values, x**2 + x * y + y**2 - x)


def facts_text(screen: ChapterScreen) -> str:
    return text_of(screen, "#facts")


@pytest.mark.slow
async def test_the_facts_regime_and_presets_follow_the_typed_function_before_a_run() -> None:
    """Was: after a run of another function, m on 5*x^2 set η from the old facts and
    ran "divergent"; the facts and the regime line stayed the old function's."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        await run_function(pilot, screen, "x**4 - 3*x**2 + x", "2", "0.01")
        screen.query_one("#expr", Input).value = "5*x^2"
        screen.query_one("#start", Input).value = "1"
        screen.query_one("#eta", Input).value = "0.3"
        screen.action_leave_field()
        # f = 5x², f'' = 10: stable for η < 2/10, exactly (a quadratic)
        await wait_until(
            pilot, lambda: "stable for η < 0.2 " in facts_text(screen), "5x²'s bound", 20
        )
        assert "x* = 0" in facts_text(screen) and "start: x=1" in facts_text(screen)
        assert text_of(screen, "#regime").startswith("η = 0.3: divergent")
        assert text_of(screen, "#formula") == "f = 5*x^2"
        view = screen.controller.view
        assert view is not None and view.spec.input("expr") != "5*x^2"
        await tap(pilot, "m")
        await wait_until(
            pilot,
            lambda: (
                screen.controller.phase.name in ("FINISHED", "DIVERGED")
                and screen.controller.view is not None
                and screen.controller.view.spec.input("expr") == "5*x^2"
            ),
            "the preset's run",
        )
        assert float(screen.query_one("#eta", Input).value) == pytest.approx(0.05)  # 0.2 / 4
        assert screen.controller.phase is Phase.FINISHED
        assert "divergent" not in text_of(screen, "#status")
        assert text_of(screen, "#regime").startswith("η = 0.05: monotone")


async def test_a_function_that_does_not_parse_has_no_facts_and_no_presets() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        await wait_until(pilot, lambda: "stable for η <" in facts_text(screen), "the facts", 20)
        eta = screen.query_one("#eta", Input).value
        screen.query_one("#expr", Input).value = "x0 + foo(x1)"
        screen.action_leave_field()
        await wait_until(pilot, lambda: "no facts" in facts_text(screen), "no facts", 10)
        assert "stable" not in facts_text(screen) and text_of(screen, "#regime") == ""
        assert not screen.check_action("preset", ("monotone",))
        await tap(pilot, "m")
        await pilot.pause()
        assert screen.query_one("#eta", Input).value == eta
        assert screen.controller.phase is Phase.IDLE
        # a start that does not fit the variables: no facts either
        screen.query_one("#expr", Input).value = "x0^2 + x1^2"
        screen.query_one("#start", Input).value = "1"
        await wait_until(pilot, lambda: "no facts" in facts_text(screen), "no facts", 10)
        screen.query_one("#start", Input).value = "1, 1"
        await wait_until(pilot, lambda: "stable for η < 1 " in facts_text(screen), "the bound", 20)


async def test_facts_for_an_older_expression_never_replace_the_newer_ones(monkeypatch) -> None:
    """Typed quickly twice: the first expression's facts, computed last, are not shown."""
    import threading

    import tui.app.screens.field_facts as field_facts

    started, release = threading.Event(), threading.Event()
    real = field_facts.facts_of

    def held_for_3x2(spec):
        if spec.input("expr") == "3*x^2":
            started.set()
            release.wait(30)
        return real(spec)

    monkeypatch.setattr(field_facts, "facts_of", held_for_3x2)
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        panel = screen.query_one("#facts")
        shown: list[str] = []
        update = panel.update

        def recorded(*args, **kwargs):
            update(*args, **kwargs)
            shown.append(str(panel.render()))

        panel.update = recorded  # type: ignore[method-assign]
        screen.query_one("#start", Input).value = "1"
        screen.query_one("#expr", Input).value = "3*x^2"
        await wait_until(pilot, started.is_set, "the facts of 3x² being computed", 10)
        shown.clear()
        screen.query_one("#expr", Input).value = "5*x^2"
        await wait_until(pilot, lambda: "stable for η < 0.2 " in facts_text(screen), "5x²'s", 20)
        release.set()
        await wait_until(
            pilot, lambda: not any(w.is_running for w in screen.workers), "3x²'s facts", 10
        )
        await pilot.pause()  # the message it posted before it ended: handled (drained)
        assert "stable for η < 0.2 " in facts_text(screen)
        assert not any("0.333333" in text for text in shown), shown
        shown.clear()
        screen.query_one("#expr", Input).value = "3*x^2"  # kept: shown without computing
        await wait_until(pilot, lambda: "η < 0.333333" in facts_text(screen), "3x²'s", 10)
        assert not any("computing" in text for text in shown), shown


async def test_key_4_is_titled_your_function_once() -> None:
    """Was: "Your function: Your function" (the heading and the title, the same words)."""
    from solvers.chapters.registry import spec_of

    app = GdlabApp(start_chapter="custom")
    async with app.run_test(size=(120, 40)):
        screen = app.screen
        assert isinstance(screen, ChapterScreen) and screen.problem_id == "custom"
        # no wait: leaving while the background screens mount their controls must not
        # crash (it raised NoMatches(ProgressBar) in ChapterScreen._run_changed)
        assert text_of(screen, "#title") == "Your function"
        titles = [command.title for command in app.get_system_commands(screen)]
        assert "Your function" in titles and "Chapter 1: A scalar minimum" in titles
        assert not any(title.count(spec_of("custom").title) > 1 for title in titles)


class NarrowPlotApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LandscapePlot(id="landscape")


@pytest.mark.parametrize(("problem_id", "width"), [("1", 40), ("1", 33), ("3", 40), ("3", 52)])
async def test_the_legend_wraps_whole_items_and_shows_them_all(problem_id, width) -> None:
    """Was: a legend ending mid-phrase ("S start  @") or a lone "2" (of "* optimum 2")."""
    from solvers.chapters.registry import make_problem

    problem = make_problem(problem_id)
    descent = Descent(problem, RunSettings(problem.spec.eta, 200, seed=7))
    for _ in descent.run():
        pass
    app = NarrowPlotApp()
    async with app.run_test(size=(80, 30)) as pilot:
        plot = app.query_one(LandscapePlot)
        plot.styles.width = width
        plot.styles.height = 24
        await pilot.pause()
        plot.update_from(descent.view, problem)
        await wait_until(
            pilot,
            lambda: (
                isinstance(plot.landscape, Curve | ContourMap)
                and not any(w.is_running for w in app.workers)
            ),
            "the landscape",
            20,
            drain=True,
        )
        await pilot.pause()
        landscape = plot.landscape
        legend = plot.query_one("#landscape-legend")
        lines = str(legend.render()).split("\n")
        assert legend.content_size.width == width
        assert all(cell_len(line) <= width for line in lines), lines  # none wrapped again
        assert legend.size.height == len(lines)  # every line shown
        items = landscape.legend_items
        if isinstance(landscape, ContourMap):
            items = landscape.plan.axes_items + items
        for item in items:
            assert sum(item in line for line in lines) == 1, (item, lines)
        assert "\n".join(lines).replace("\n", "").replace(" ", "") == "".join(items).replace(
            " ", ""
        )
