"""The autograd graph: walked from what torch recorded, values and gradients captured
with hooks, shared nodes once; and the app's graph screen on ``g``."""

from __future__ import annotations

import pytest
import torch
from textual.widgets import Tree

from solvers.chapters.registry import make_problem
from solvers.pictures.graph import build_graph, expression_graph, problem_graph
from solvers.pictures.graph_model import AutogradGraph, format_values
from solvers.run.descent import Descent
from solvers.run.settings import RunSettings
from tests.app_helpers import first_screen, tap, wait_until
from tui.app.app import GdlabApp
from tui.app.screens.graph import GraphScreen


def graph_shown(app: GdlabApp) -> bool:
    return isinstance(app.screen, GraphScreen) and bool(app.screen.query(Tree))


def ops(graph: AutogradGraph) -> set[str]:
    return set(graph.ops())


def edges_into(graph: AutogradGraph, index: int) -> int:
    return sum(1 for edge in graph.edges if edge.child == index)


def test_chapter_1_is_div_pow_sub_of_x():
    graph = problem_graph(make_problem("1"), (0.5,))
    assert graph.ops() == ["DivBackward0", "PowBackward0", "SubBackward0", "AccumulateGrad"]
    assert graph.count == 4
    assert graph.root.details == (("other", "2"),)
    assert graph.nodes[1].details == (("exponent", "2"),)
    x = graph.leaf("x")
    assert x.value == (0.5,)
    # y = (x-2)²/2: the gradient into each node, as autograd sends it
    assert graph.root.grad == (1.0,)
    assert graph.nodes[1].grad == (0.5,)  # d y / d (x-2)² = 1/2
    assert graph.nodes[2].grad == (-1.5,)  # 2 (x-2) / 2
    assert x.grad == (-1.5,)
    assert graph.objective == pytest.approx(1.125)


def test_chapter_2_shares_x_between_mm_and_its_transpose():
    graph = problem_graph(make_problem("2"), (0.25, -0.5))
    assert {"MmBackward0", "TBackward0", "MulBackward0", "SelectBackward0", "AddBackward0"} <= ops(
        graph
    )
    (x,) = graph.leaves
    assert x.param == "x"
    # x is one node: used by mm, by its transpose and by both selects
    assert graph.ops().count("AccumulateGrad") == 1
    assert edges_into(graph, x.index) == 4
    assert len(set(graph.parents(x.index))) == 4


def test_chapter_3_nodes_and_named_leaves():
    graph = problem_graph(make_problem("3"))  # the book's start
    assert graph.ops()[:6] == [
        "SumBackward0",
        "DivBackward0",
        "PowBackward0",
        "SubBackward0",
        "AddBackward0",
        "MmBackward0",
    ]
    assert sorted(node.param or "" for node in graph.leaves) == ["b", "w"]
    assert graph.leaf("w").shape == (1, 2)
    # the book's first printed iteration: sum_err 3322.4231, w.grad [-819.9555, -963.3235]
    assert graph.objective == pytest.approx(3322.4231, abs=1e-3)
    assert graph.leaf("w").grad == pytest.approx((-819.9555, -963.3235), abs=1e-3)
    assert graph.nodes[4].value == pytest.approx((0.0130, 0.0267, 0.0442), abs=1e-4)  # y


@pytest.mark.parametrize("chapter", ["1", "2", "3"])
def test_leaf_gradients_are_autograds(chapter):
    problem = make_problem(chapter)
    values = problem.start_values(None, 11)
    graph = problem_graph(problem, values)
    params = problem.make_params(values, torch.device("cpu"))
    value, _ = problem.objective(params)
    grads = torch.autograd.grad(value.sum(), params)
    for name, grad in zip(problem.spec.param_tensors, grads, strict=True):
        assert graph.leaf(name).grad == tuple(grad.reshape(-1).tolist())


def test_shared_subexpression_appears_once_with_two_edges():
    class SinSquared(torch.nn.Module):
        def forward(self, params):
            s = torch.sin(params[0])
            return s * s, params[0].new_empty(0)

    x = torch.tensor([0.7], requires_grad=True)
    graph = build_graph(SinSquared(), [x], ["x"])
    assert graph.ops() == ["MulBackward0", "SinBackward0", "AccumulateGrad"]
    assert graph.root.children == (1, 1)
    assert edges_into(graph, 1) == 2
    assert graph.nodes[1].value == pytest.approx((0.644217687,))
    # d(s²)/ds = 2s flows into sin once, summed over both edges
    assert graph.nodes[1].grad == pytest.approx((2 * 0.644217687,))
    firsts = [first for index, _, first in graph.depth_first() if index == 1]
    assert firsts == [True, False]  # drawn once, then referred to


def test_expression_graph_records_what_torch_ran():
    # the expression objective computes sin(x) twice: torch records two nodes
    graph = expression_graph("sin(x)*sin(x)", 1, (0.7,))
    assert graph.ops().count("SinBackward0") == 2
    assert graph.leaf("x").grad == pytest.approx((2 * 0.644217687 * 0.764842187,))


def test_a_300_node_expression():
    text = " + ".join(f"sin(x0*{k}+x1)" for k in range(1, 51))
    graph = expression_graph(text, 2, (0.1, 0.2))
    # per term: select x0, mul, select x1, add, sin, and the add joining it (49 adds)
    assert graph.count == 50 * 5 + 49 + 1 + 1  # + the final view, + x's AccumulateGrad
    assert graph.count >= 300
    assert sum(1 for _ in graph.depth_first()) == len(graph.edges) + 1
    assert graph.leaf("x").grad is not None


def test_values_at_a_step_are_the_runs_row():
    problem = make_problem("3")
    descent = Descent(problem, RunSettings(0.0001, 5, "cpu"))
    for _ in descent.run():
        pass
    row = descent.history.rows[4]
    layout = descent.layout
    graph = problem_graph(problem, tuple(row[layout.params].tolist()))
    assert graph.objective == float(row[layout.objective])
    w, b = graph.leaf("w"), graph.leaf("b")
    assert (*w.grad, *b.grad) == tuple(row[layout.grads].tolist())
    assert graph.nodes[4].value == tuple(row[layout.predictions].tolist())


def test_format_values():
    assert format_values(None) == "—"
    assert format_values((1.5,)) == "1.5"
    assert format_values((1.0, 2.0), (1, 2)) == "[1, 2] (1x2)"
    assert format_values(tuple(range(10))).endswith(", …]")


@pytest.mark.slow
async def test_g_opens_the_graph_and_it_folds():
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        await tap(pilot, "g")
        await wait_until(pilot, lambda: graph_shown(app), "the graph", 10)
        screen = app.screen
        assert isinstance(screen, GraphScreen)
        tree = screen.query_one(Tree)
        assert tree.border_title == "autograd graph: 8 nodes, 7 edges"
        assert "SumBackward0" in str(tree.root.label)
        await pilot.pause()
        assert tree.root.children[0].is_expanded
        await tap(pilot, "c")  # collapse all
        await wait_until(pilot, lambda: not tree.root.children[0].is_expanded, "collapsed", 5)
        await tap(pilot, "e")
        await wait_until(pilot, lambda: tree.root.children[0].is_expanded, "expanded", 5)
        await tap(pilot, "escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, GraphScreen), "closed", 10)


async def test_graph_after_a_step_shows_that_iteration():
    app = GdlabApp(start_chapter="1")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await tap(pilot, "n")
        view_rows = lambda: screen.controller.view is not None and screen.controller.count >= 1  # noqa: E731
        await wait_until(pilot, view_rows, "one step")
        await tap(pilot, "g")
        await wait_until(pilot, lambda: graph_shown(app), "the graph", 10)
        graph = app.screen.graph  # type: ignore[attr-defined]
        view = screen.controller.view
        row = view.rows[view.count - 1]
        assert graph.title.endswith(f"iteration {view.count - 1}")
        assert graph.leaf("x").value == (float(row[0]),)
        assert graph.leaf("x").grad == (float(row[2]),)


def test_a_scripted_objective_is_drawn_from_its_eager_twin():
    from solvers.core.expression import parse
    from solvers.core.specs import ProblemSpec
    from solvers.pictures.graph import eager_objective
    from solvers.problems.objectives.expression import (
        ExpressionObjective,
        make_expression_objective,
    )
    from solvers.problems.problem import Problem

    text = "sin(x0)*sin(x0) + x1^2"
    spec = ProblemSpec("custom", "Yours", text, ("x0", "x1"), ((2,),), (), 0.1, 10, None)
    problem = Problem(spec, make_expression_objective(parse(text), 2))
    # the compiled module's own graph: merged, then fused into one node after warm-up
    for _ in range(3):
        fused = problem_graph(problem, (0.3, 0.5))
    assert "CppFunction" in fused.ops() and fused.note
    problem.eager_objective = ExpressionObjective(parse(text), 2)  # as your function's has
    assert eager_objective(problem) is not None
    graph = problem_graph(problem, (0.3, 0.5))
    assert graph.ops().count("SinBackward0") == 2 and not graph.note
    assert graph.leaf("x").grad == fused.leaf("x").grad


@pytest.mark.slow
async def test_your_function_gets_its_graph_and_its_script(tmp_path):
    from textual.widgets import Input

    from tests.app_helpers import chapter
    from tui.app.run_controller import Phase
    from tui.app.screens.code import CodeScreen

    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 6)
        screen.query_one("#expr", Input).value = "sin(x0)*sin(x0) + x1^2"
        screen.query_one("#start", Input).value = "0.5, 1"
        screen.query_one("#eta", Input).value = "0.1"
        screen.query_one("#iterations", Input).value = "20"
        screen.action_leave_field()
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        await tap(pilot, "g")
        await wait_until(pilot, lambda: graph_shown(app), "the graph", 10)
        graph = app.screen.graph  # type: ignore[attr-defined]
        # drawn from the eager expression, as written: sin twice, no fused node
        assert graph.ops().count("SinBackward0") == 2 and "CppFunction" not in graph.ops()
        assert graph.title.endswith("iteration 19")
        await tap(pilot, "escape")
        await wait_until(pilot, lambda: app.screen is screen, "closed", 10)
        await tap(pilot, "c")
        await wait_until(pilot, lambda: isinstance(app.screen, CodeScreen), "the code", 10)
        assert "torch.sin(x[0]) * torch.sin(x[0])" in app.screen.text  # type: ignore[attr-defined]


async def test_the_graph_and_code_screens_open_from_a_chapters_values_alone():
    """No chapter screen: a spec and its values are all the g and c screens read."""
    from textual.app import App
    from textual.widgets import Static

    from solvers.chapters.registry import spec_of
    from solvers.records.codegen import CodeRequest, script
    from tui.app.screens.chapter_values import ChapterValues
    from tui.app.screens.code import CodeScreen

    spec = spec_of("2")
    settings = RunSettings(eta=0.05, iterations=7, start=(0.25, -0.5))
    at_start = ChapterValues(spec, settings)
    later = ChapterValues(spec, settings, last=(0.125, 0.75), iteration=3)
    app: App[None] = App()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(GraphScreen.of(at_start))
        await wait_until(pilot, lambda: bool(app.screen.query(Tree)), "the graph", 10)
        graph = app.screen.graph  # type: ignore[attr-defined]
        assert graph.title.endswith(", the start")
        assert graph.leaf("x").value == (0.25, -0.5)  # the start the settings give
        app.pop_screen()
        app.push_screen(GraphScreen.of(later))
        await wait_until(pilot, lambda: bool(app.screen.query(Tree)), "the graph", 10)
        graph = app.screen.graph  # type: ignore[attr-defined]
        assert graph.title.endswith(", iteration 3")
        assert graph.leaf("x").value == (0.125, 0.75)
        app.pop_screen()
        code = CodeScreen.of(at_start)
        app.push_screen(code)
        await wait_until(pilot, lambda: bool(code.query("#code-text")), "the code", 10)
        assert code.text == script(CodeRequest.for_run(spec, settings))
        assert code.base.startswith("gdlab-chapter2-")
        assert str(code.query_one("#code-head", Static).render()).startswith(
            f"python {code.base}.py prints"
        )
