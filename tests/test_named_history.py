"""The history as named tensors: what its flat rows hold, read back in their shapes, the
table's views of them, and the rule that keeps many samples' predictions out of rows."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

import solvers.run.descent as descent_module
from solvers.chapters.function import function_spec
from solvers.chapters.registry import make_problem, spec_of
from solvers.core.expression_words import MAX_DIMENSION
from solvers.core.specs import PREDICTION_LIMIT, ProblemSpec, records_predictions
from solvers.optim.choices import OptimizerChoice, ScheduleChoice
from solvers.optim.registry import OPTIMIZER_SPECS
from solvers.optim.updates import make_rule
from solvers.problems.objectives.book import LinearRegression
from solvers.problems.problem import Problem
from solvers.run.blocks import split_recorded
from solvers.run.descent import Descent
from solvers.run.history import SCALAR_TABLE_LIMIT, SCALARS, SUMMARIES, Layout, table_for
from solvers.run.settings import RunSettings
from solvers.run.table_view import table_view

K = 40


def finish(descent: Descent) -> Descent:
    for _ in descent.run():
        pass
    return descent


def torch_optim_run(problem: Problem, optimizer: type, iterations: int, **knobs: object):
    """The optimizer's state after each step, from torch.optim's own loop on the
    problem's float32 tensors."""
    params = problem.make_params(problem.start_values(None, 0), torch.device("cpu"))
    optim = optimizer(params, **knobs)
    objective = problem.objective_on(torch.device("cpu"))
    states = []
    for _ in range(iterations):
        optim.zero_grad()
        objective(params)[0].sum().backward()
        optim.step()
        states.append([{k: v.clone() for k, v in optim.state[p].items()} for p in params])
    return states


def book_run(problem: Problem, eta: float, iterations: int):
    """The parameters and gradients before each update, from the book's own loop
    (``w.data -= eta * w.grad``) on the problem's float32 tensors."""
    params = problem.make_params(problem.start_values(None, 0), torch.device("cpu"))
    objective = problem.objective_on(torch.device("cpu"))
    before, grads = [], []
    for _ in range(iterations):
        objective(params)[0].sum().backward()
        before.append([p.detach().clone() for p in params])
        grads.append([p.grad.clone() for p in params])
        for p in params:
            p.data -= eta * p.grad
            p.grad.zero_()
    return before, grads


def test_chapter_3_w_and_b_read_from_rows_are_the_runs_tensors():
    problem = make_problem("3")
    descent = finish(Descent(problem, RunSettings(1e-4, K)))
    before, grads = book_run(problem, 1e-4, K)
    w, b = descent.history.tensor("w"), descent.history.tensor("b")
    assert w.shape == (K, 1, 2) and b.shape == (K, 1)
    assert np.array_equal(w, np.stack([p[0].numpy() for p in before]))
    assert np.array_equal(b, np.stack([p[1].numpy() for p in before]))
    assert np.array_equal(descent.history.tensor("grad_w"), np.stack([g[0] for g in grads]))
    assert np.array_equal(descent.history.tensor("grad_b"), np.stack([g[1] for g in grads]))
    y = descent.history.tensor("predictions", 5, 9)
    assert y.shape == (4, 3)
    x = np.array([[1.1, 4.6, 8.9], [2.3, 5.7, 10.1]], dtype=np.float32)
    assert np.allclose(y, (w[5:9] @ x)[:, 0] + b[5:9], rtol=1e-6)
    assert descent.history.tensor("objective").shape == (K,)


def test_adams_state_is_recorded_per_parameter_tensor_in_its_shape():
    problem = make_problem("3")
    settings = RunSettings(1e-3, K, optimizer=OptimizerChoice("adam"))
    descent = finish(Descent(problem, settings))
    states = torch_optim_run(problem, torch.optim.Adam, K, lr=1e-3)
    history = descent.history
    for j, name in enumerate(("w", "b")):
        shape = problem.make_params((0.0, 0.0, 0.0), torch.device("cpu"))[j].shape
        for ours, theirs in (("m", "exp_avg"), ("v2", "exp_avg_sq")):
            recorded = history.tensor(f"{ours}_{name}")
            assert recorded.shape == (K, *shape)
            assert np.array_equal(recorded, np.stack([s[j][theirs].numpy() for s in states]))
        assert history.tensor(f"step_{name}").shape == (K, *shape)


def test_the_recorded_columns_read_back_as_each_rules_quantities_and_singles():
    names = spec_of("3").param_names
    objective = make_problem("3").objective_on(torch.device("cpu"))
    for name in OPTIMIZER_SPECS:
        for schedule in (None, ScheduleChoice("cosine")):
            if schedule is not None and OPTIMIZER_SPECS[name].chooses_eta:
                continue
            rule = make_rule(OptimizerChoice(name), names, schedule=schedule, objective=objective)
            assert split_recorded(names, rule.extra_names) == (rule.quantities, rule.singles)


def test_the_scalar_view_shows_every_column_as_the_table_always_has():
    cases = {
        ("1", ()): ("x", "f", "∂f/∂x"),
        ("2", ()): ("x0", "x1", "f", "∂f/∂x0", "∂f/∂x1"),
        ("3", ()): ("w0", "w1", "b", "f", "∂f/∂w0", "∂f/∂w1", "∂f/∂b", "y0", "y1", "y2"),
        ("custom", ()): ("x0", "x1", "f", "∂f/∂x0", "∂f/∂x1"),
        ("custom", ("step_x0", "step_x1", "eta")): (
            *("x0", "x1", "f", "∂f/∂x0", "∂f/∂x1"),
            *("step_x0", "step_x1", "eta"),
        ),
    }
    for (chapter, extras), columns in cases.items():
        layout = Layout.of(spec_of(chapter), extras)
        assert layout.table == SCALARS
        view = table_view(layout)
        assert view.columns == columns
        rows = np.arange(3 * layout.width, dtype=np.float32).reshape(3, layout.width)
        assert view.cells(rows) is rows  # every value as recorded, nothing computed
    one = Layout.of(function_spec("x**2", (1.0,)))
    assert table_view(one).columns == ("x", "f", "∂f/∂x")


def test_the_summary_view_shows_each_tensors_norm():
    problem = make_problem("3")
    settings = RunSettings(
        1e-3, K, optimizer=OptimizerChoice("adam"), schedule=ScheduleChoice("cosine")
    )
    descent = finish(Descent(problem, settings))
    history = descent.history
    layout = Layout.of(problem.spec, descent.layout.extra_names, table=SUMMARIES)
    view = table_view(layout)
    tensors = ("w", "b", "grad_w", "grad_b", "step_w", "step_b", "m_w", "m_b", "v2_w", "v2_b")
    shown = ("‖w‖", "‖b‖", "‖∂f/∂w‖", "‖∂f/∂b‖", *(f"‖{t}‖" for t in tensors[4:]))
    assert view.columns == (*shown[:2], "f", *shown[2:], "eta")
    cells = view.cells(history.rows)
    assert cells.shape == (K, len(view.columns))
    for name, column in zip(tensors, (0, 1, 3, 4, 5, 6, 7, 8, 9, 10), strict=True):
        block = history.tensor(name).reshape(K, -1).astype(np.float64)
        assert np.array_equal(cells[:, column], np.linalg.norm(block, axis=1)), name
    assert np.array_equal(cells[:, 2], history.tensor("objective"))
    assert np.array_equal(cells[:, -1], history.tensor("eta"))


def test_the_table_shows_every_scalar_up_to_its_limit_and_summaries_beyond():
    assert MAX_DIMENSION <= SCALAR_TABLE_LIMIT  # your function always shows every scalar
    assert table_for(SCALAR_TABLE_LIMIT) == SCALARS
    assert table_for(SCALAR_TABLE_LIMIT + 1) == SUMMARIES
    wide = _regression_spec(samples=3, inputs=SCALAR_TABLE_LIMIT)
    layout = Layout.of(wide)
    assert layout.table == SUMMARIES
    assert table_view(layout).columns == ("‖w‖", "‖b‖", "f", "‖∂f/∂w‖", "‖∂f/∂b‖")
    with pytest.raises(ValueError, match="table"):
        Layout(("x",), (), table="every other")


def test_predictions_are_in_every_row_only_up_to_the_limit():
    assert records_predictions(PREDICTION_LIMIT)
    assert not records_predictions(PREDICTION_LIMIT + 1)
    few = Layout.of(_regression_spec(samples=PREDICTION_LIMIT))
    many = Layout.of(_regression_spec(samples=PREDICTION_LIMIT + 1))
    assert few.prediction_names == tuple(f"y{i}" for i in range(PREDICTION_LIMIT))
    assert few.block("predictions").shape == (PREDICTION_LIMIT,)
    assert many.prediction_names == () and many.width == 2 * 3 + 1
    assert "predictions" not in [block.name for block in many.blocks]


@pytest.mark.parametrize("compiled", [False, True])
def test_a_run_on_many_samples_records_its_tensors_without_the_predictions(monkeypatch, compiled):
    samples = 20
    spec = _regression_spec(samples)
    generator = torch.Generator().manual_seed(0)
    x = torch.rand((2, samples), generator=generator)
    problem = Problem(spec, LinearRegression(x, 3 * x[0] + 2 * x[1] + 1))
    monkeypatch.setattr(descent_module, "SCRIPT_FROM", 1 if compiled else 10**9)
    descent = finish(Descent(problem, RunSettings(1e-2, K)))
    assert descent.report is not None and descent.report.compiled == compiled
    assert descent.history.rows.shape == (K, 7)
    before, grads = book_run(problem, 1e-2, K)
    assert np.array_equal(descent.history.tensor("w"), np.stack([p[0] for p in before]))
    assert np.array_equal(descent.history.tensor("grad_b"), np.stack([g[1] for g in grads]))


def test_each_parameter_tensor_is_named_from_its_scalars():
    assert [spec_of(c).param_tensors for c in ("1", "2", "3", "custom")] == [
        ("x",),
        ("x",),
        ("w", "b"),
        ("x",),
    ]
    assert function_spec("x0**2", (1.0,)).param_tensors == ("x",)
    odd = ProblemSpec("t", "t", "t", ("a", "c"), ((2,),), (), 0.1, 1, None)
    assert odd.param_tensors == ("p0",)
    named = ProblemSpec("t", "t", "t", ("a", "c"), ((2,),), (), 0.1, 1, None, param_tensors=("v",))
    assert named.param_tensors == ("v",)
    with pytest.raises(ValueError, match="tensor names"):
        ProblemSpec("t", "t", "t", ("a",), ((1,),), (), 0.1, 1, None, param_tensors=("u", "v"))


def test_a_compares_rows_read_as_tensors_per_member():
    layout = Layout.of(spec_of("3"))
    rows = np.arange(4 * 2 * layout.width, dtype=np.float32).reshape(4, 2, layout.width)
    w = layout.block("w").values(rows)
    assert w.shape == (4, 2, 1, 2)
    assert np.array_equal(w.reshape(4, 2, 2), rows[:, :, layout.params][:, :, :2])


def _regression_spec(samples: int, inputs: int = 2) -> ProblemSpec:
    """A linear regression's spec: w (1, inputs), b (1,), one prediction per sample."""
    return ProblemSpec(
        id="test",
        title="A regression",
        formula="loss = Σ (w·x + b - y)² / 2",
        param_names=(*(f"w{i}" for i in range(inputs)), "b"),
        param_shapes=((1, inputs), (1,)),
        prediction_names=tuple(f"y{i}" for i in range(samples)),
        eta=1e-2,
        iterations=K,
        book_start=tuple([0.0] * (inputs + 1)),
    )


async def test_the_iteration_table_draws_the_columns_and_values_of_its_view():
    from app_helpers import wait_until
    from textual.app import App, ComposeResult

    from tui.app.widgets.iteration_table import IterationTable, format_value

    layout = Layout.of(spec_of("3"), ("step_w0", "step_w1", "step_b", "eta"), table=SUMMARIES)
    view = table_view(layout)
    rows = np.linspace(-3, 4, 3 * layout.width, dtype=np.float32).reshape(3, layout.width)

    class OneTable(App[None]):
        def compose(self) -> ComposeResult:
            yield IterationTable(view)

    app = OneTable()
    async with app.run_test(size=(120, 8)) as pilot:
        table = app.query_one(IterationTable)
        table.show(rows)
        needed = 12 * (len(view.columns) + 1)
        await wait_until(pilot, lambda: table.scrollable_content_region.width >= needed, "a size")
        assert table.render_line(0).text.split() == ["iteration", *view.columns]
        shown = table.render_line(3).text.split()
        assert shown == ["2", *(format_value(v).strip() for v in view.cells(rows)[2].tolist())]
        assert view.columns[-2:] == ("‖step_b‖", "eta")


def test_a_spec_chooses_its_table():
    spec = replace(_regression_spec(samples=3), table=SUMMARIES)
    assert Layout.of(spec).table == SUMMARIES
    assert Layout.of(_regression_spec(samples=3)).table == SCALARS
