"""Chapter 4's screen (key 4): its fields flag what the CLI refuses, its facts say
unknown, and a run fills its table of loss and per-layer norms."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import chapter, first_screen, tap, text_of, wait_until
from textual.widgets import Input

from tui.app.app import GdlabApp
from tui.app.run_controller import Phase


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("hidden", "32,0", "a width of 0"),
        ("hidden", "²", "'²' is not a width"),
        ("hidden", "٣", "'٣' is not a width"),
        pytest.param(
            "hidden",
            "1000,1000",
            "1,004,001 parameters; at most 1,000,000",
            marks=pytest.mark.slow,
        ),
        ("activation", "softmax", "is not offered; expected tanh, relu, sigmoid"),
    ],
)
async def test_a_refused_input_is_flagged_under_its_field(field: str, typed: str, said: str):
    app = GdlabApp()
    async with app.run_test(size=(120, 50)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 4)
        screen.query_one(f"#{field}", Input).value = typed
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: said in text_of(screen, f"#{field}-error"), "the flag", 20)
        assert screen.query_one(f"#{field}").has_class("-invalid")
        assert screen.controller.phase is Phase.IDLE and app.is_running


async def test_its_facts_are_unknown_and_a_run_fills_the_norms_table():
    app = GdlabApp()
    async with app.run_test(size=(140, 50)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 4)
        await wait_until(
            pilot, lambda: "optimum unknown" in text_of(screen, "#facts"), "the facts", 30
        )
        facts = text_of(screen, "#facts")
        assert "stable η: unknown" in facts and "converged" not in facts
        await wait_until(
            pilot, lambda: "none is claimed" in text_of(screen, "#facts"), "the note", 30
        )
        screen.query_one("#iterations", Input).value = "60"
        screen.query_one("#seed", Input).value = "1"
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run", 60)
        view = screen.controller.view
        assert view is not None and view.count == 60 and view.layout.norms
        assert view.settings.optimizer.name == "adam"  # the chapter's own default
        assert "‖∇f‖" in text_of(screen, "#status")


async def test_the_fit_plot_follows_the_network_as_it_learns():
    from solvers.chapters.registry import problem_for
    from tui.app.widgets.fit_plot import FitPlot

    app = GdlabApp()
    async with app.run_test(size=(140, 50)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 4)
        screen.query_one("#iterations", Input).value = "1500"
        screen.query_one("#seed", Input).value = "2"
        screen.action_leave_field()
        assert screen.live is not None
        plot = screen.live.query_one(FitPlot)
        await tap(pilot, "n")  # one step: the fit after it, drawn while the run waits
        await wait_until(
            pilot,
            lambda: plot.shown is not None and plot.shown.iteration == 1,
            "the fit after one step",
            60,
        )
        first = plot.shown
        assert first is not None and first.x is not None and len(first.x) == 256
        await tap(pilot, "r")  # and the rest of the run
        await wait_until(
            pilot,
            lambda: (
                screen.controller.phase is Phase.FINISHED
                and plot.shown is not None
                and plot.shown.iteration == 1500
            ),
            "the last fit drawn",
            120,
        )
        last = plot.shown
        assert last is not None and first.iteration < last.iteration
        view = screen.controller.view
        assert view is not None and screen.controller.ending is not None
        final = screen.controller.ending["final"]
        assert isinstance(final, dict)
        problem = problem_for(view.spec)
        import torch

        params = problem.make_params(tuple(final["params"]), torch.device("cpu"))
        expected = problem.fit_points(params, 1500)
        assert expected is not None
        assert np.array_equal(last.predicted, expected.predicted)  # the run's own parameters
        assert float(np.mean((last.predicted - last.target) ** 2)) < 1e-3  # it fits sin


async def test_the_graph_screen_opens_one_branch_per_layer():
    from textual.widgets import Tree

    from tui.app.screens.graph import GraphScreen

    app = GdlabApp()
    async with app.run_test(size=(140, 50)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 4)
        screen.query_one("#iterations", Input).value = "30"
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run", 60)
        await tap(pilot, "g")
        await wait_until(pilot, lambda: isinstance(app.screen, GraphScreen), "the graph", 30)
        graph = app.screen
        assert isinstance(graph, GraphScreen)
        assert graph.graph.title == "Chapter 4, iteration 30"  # after the run's last update
        tree = app.screen.query_one(Tree)
        branches = [str(node.label) for node in tree.root.children]
        assert branches[0].startswith("layer 1: Linear 1 → 32") and len(branches) == 4
        assert branches[-1] == "loss: mean squared error"
        layer = tree.root.children[0]
        assert not layer.is_expanded and layer.children  # opens to its operations
        assert any("AddmmBackward0" in str(op.label) for op in layer.children)
