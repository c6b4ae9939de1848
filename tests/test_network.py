"""Chapter 4, a first network: its runs record the loss and norms, its script (torch.nn
and torch.optim) reproduces them, its facts are unknown, and it refuses what it must."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from script_runs import run_script

from solvers.chapters.registry import chapter_of, problem_for
from solvers.optim.choices import parse_optimizer
from solvers.run.descent import Descent
from solvers.run.history import Layout
from solvers.run.settings import RunSettings
from solvers.run.table_view import table_view
from tui.app.widgets.problem_facts import facts_text

STACKLOSS = str(Path(__file__).parents[1] / "examples" / "data" / "stackloss.csv")


@pytest.fixture
def one_thread() -> Iterator[None]:
    """A network runs on one intra-op thread (it sets it); the test's own torch too."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def default_network(seed: int) -> torch.nn.Sequential:
    """Chapter 4's default network as a torch user builds it after torch.manual_seed(seed),
    written here, not taken from gdlab (the tests compare gdlab against it)."""
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(1, 32),
        torch.nn.Tanh(),
        torch.nn.Linear(32, 32),
        torch.nn.Tanh(),
        torch.nn.Linear(32, 1),
    )


def csv_rows(text: str) -> tuple[list[str], np.ndarray]:
    lines = text.strip().splitlines()
    return lines[0].split(","), np.array(
        [[float(v) for v in line.split(",")] for line in lines[1:]]
    )


@pytest.mark.parametrize(
    "extra",
    [
        ("--optimizer", "adam"),
        pytest.param(("--optimizer", "plain"), marks=pytest.mark.slow),
        pytest.param(
            ("--optimizer", "momentum", "--schedule", "cosine", "--dtype", "float64"),
            marks=pytest.mark.slow,
        ),
        ("--optimizer", "plain", "--schedule", "step", "--activation", "sigmoid"),
        ("--batch-size", "16"),  # Adam on minibatches: the same shuffles, the same rows
        pytest.param(("--batch-size", "100", "--optimizer", "plain"), marks=pytest.mark.slow),
        pytest.param(("--hidden", "16,8,4", "--activation", "relu"), marks=pytest.mark.slow),
    ],
)
def test_the_script_reproduces_the_run_bit_for_bit(gdlab, tmp_path: Path, extra: tuple[str, ...]):
    options = ("4", "--seed", "7", "--iterations", "40", "--device", "cpu", *extra)
    run = gdlab("run", *options, "--format", "csv")
    assert run.code == 0, run.err
    code = gdlab("code", *options)
    assert code.code == 0, code.err
    assert "torch.nn.Sequential(" in code.out and "torch.nn.MSELoss()" in code.out
    printed = run_script(code.out, tmp_path, "net.py")
    assert printed == run.out  # every row, the last loss included, to the last digit
    assert printed.splitlines()[-1].split(",")[1] == run.out.splitlines()[-1].split(",")[1]


def test_the_script_on_a_file_reproduces_the_run(gdlab, tmp_path: Path):
    options = ("4", "--data", STACKLOSS, "--target", "STACKLOSS", "--standardize")
    options += ("--hidden", "8", "--activation", "relu", "--seed", "3", "--iterations", "25")
    options += ("--device", "cpu")
    run = gdlab("run", *options, "--format", "csv")
    assert run.code == 0, run.err
    printed = run_script(gdlab("code", *options).out, tmp_path, "net_file.py")
    assert printed == run.out


def test_the_norm_columns_are_an_independent_torch_nn_runs(gdlab, one_thread: None):
    done = gdlab("run", "4", "--seed", "11", "--iterations", "12", "--format", "csv")
    assert done.code == 0, done.err
    header, rows = csv_rows(done.out)
    assert header[:3] == ["iteration", "objective", "grad_norm"]
    model = default_network(11)
    x = torch.linspace(-torch.pi, torch.pi, 256).unsqueeze(1)
    y = torch.sin(x)
    optimizer = torch.optim.Adam(model.parameters(), lr=chapter_of("4").default.eta)
    for i in range(12):
        loss = torch.nn.MSELoss()(model(x), y)
        loss.backward()
        params = list(model.parameters())
        grads = [float(torch.linalg.vector_norm(p.grad)) for p in params]
        weights = [float(torch.linalg.vector_norm(p.detach())) for p in params]
        assert rows[i, 1] == float(loss.detach())
        assert list(rows[i, 3:9]) == grads and list(rows[i, 9:15]) == weights
        assert rows[i, 2] == pytest.approx(float(np.linalg.norm(grads)), rel=1e-6)
        optimizer.step()
        optimizer.zero_grad()


def test_the_table_shows_the_loss_and_each_layers_norms():
    spec = chapter_of("4").default
    layout = Layout.of(spec, ("step_x",))
    assert layout.norms and layout.width == 2 + 2 * 6
    view = table_view(layout)
    assert view.columns == (
        "loss",
        "‖∇f‖",
        "‖∂f/∂W1‖",
        "‖∂f/∂b1‖",
        "‖∂f/∂W2‖",
        "‖∂f/∂b2‖",
        "‖∂f/∂W3‖",
        "‖∂f/∂b3‖",
        "‖W1‖",
        "‖b1‖",
        "‖W2‖",
        "‖b2‖",
        "‖W3‖",
        "‖b3‖",
    )


def test_its_facts_are_unknown_and_said_so(gdlab):
    spec = chapter_of("4").default
    facts = problem_for(spec).facts
    assert facts.optimum is None and facts.stable_eta is None
    shown = facts_text(spec, facts)
    assert "optimum unknown" in shown and "stable η: unknown" in shown
    assert "torch.manual_seed" in shown  # the start: torch.nn's init, not a normal draw
    done = gdlab("run", "4", "--iterations", "5", "--format", "csv")
    assert "optimum unknown" in done.err and "‖∇f‖" in done.err
    assert "converged" not in done.err and "distance to optimum" not in done.err


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (("--hidden", "32,0"), "gdlab: hidden: a width of 0"),
        (("--hidden", "1000,1000"), "gdlab: hidden: 1-1000-1000-1 has 1,004,001 parameters"),
        (("--activation", "softmax"), "gdlab: activation: 'softmax' is not offered"),
        (("--hidden", "a"), "gdlab: hidden: 'a' is not a width"),
        (("--hidden", "²"), "gdlab: hidden: '²' is not a width"),
        (("--hidden", "٣"), "gdlab: hidden: '٣' is not a width"),
        (("--hidden", "3.5"), "gdlab: hidden: '3.5' is not a width"),
        (("--hidden", "4,²"), "gdlab: hidden: '²' is not a width"),
    ],
)
def test_refused_with_one_line_naming_the_field(gdlab, options: tuple[str, ...], said: str):
    done = gdlab("run", "4", *options)
    assert done.code == 2
    assert done.err.startswith(said) and len(done.err.strip().splitlines()) == 1, done.err


def test_a_width_is_ascii_digits_and_spaces_around_it_are_dropped():
    from solvers.chapters.network import parse_hidden

    assert parse_hidden(" 4 ") == (4,) and parse_hidden(" 4 , 8 ") == (4, 8)


def test_compare_refuses_a_network_in_one_line(gdlab):
    done = gdlab("compare", "4", "--eta", "0.01", "0.1")
    assert done.code == 2 and done.err.startswith("gdlab: chapter: 4 is a network")


def test_csv_and_json_export(gdlab, tmp_path: Path):
    saved = tmp_path / "net.json"
    done = gdlab(
        "run", "4", "--seed", "2", "--iterations", "6", "--format", "json", "--output", str(saved)
    )
    assert done.code == 0, done.err
    record = json.loads(saved.read_text())
    assert record["columns"][:3] == ["iteration", "objective", "grad_norm"]
    assert len(record["rows"]) == 6 and len(record["rows"][0]) == 15
    assert len(record["final"]["params"]) == 1153  # the live tensors after the last update
    assert record["settings"]["optimizer"]["name"] == "adam"
    again = gdlab("run", "--from", str(saved), "--format", "csv")
    _, rows = csv_rows(again.out)
    assert rows[-1, 1:].tolist() == record["rows"][-1][1:]


def test_rows_are_repeatable_with_a_seed_and_start_from_torch_nn(one_thread: None):
    problem = problem_for(chapter_of("4").default)
    settings = RunSettings(0.01, 3, "cpu", 5, optimizer=parse_optimizer("adam", {}))
    descent = Descent(problem, settings)
    model = default_network(5)
    expected = torch.cat([p.detach().reshape(-1) for p in model.parameters()]).tolist()
    assert list(descent.start) == expected


def test_the_start_leaves_every_random_generator_of_the_process_as_it_was(monkeypatch):
    seeded: list[str] = []
    for module, name in (
        (torch.cuda, "manual_seed_all"),
        (torch.mps, "manual_seed"),
        (torch.xpu, "manual_seed_all"),
    ):
        monkeypatch.setattr(module, name, lambda seed, at=name: seeded.append(at))
    problem = problem_for(chapter_of("4").default)
    before = torch.get_rng_state()
    start = problem.initial(5)
    assert seeded == []  # an accelerator's generator (CUDA's: queued until it starts) untouched
    assert torch.equal(torch.get_rng_state(), before)
    expected = torch.nn.utils.parameters_to_vector(default_network(5).parameters())
    assert seeded and torch.equal(start, expected.detach())  # torch.manual_seed's numbers


@pytest.mark.slow
def test_the_default_run_fits_sin_for_ten_seeds():
    problem = problem_for(chapter_of("4").default)
    spec = problem.spec
    for seed in range(10):
        settings = RunSettings(
            spec.eta, spec.iterations, "cpu", seed, optimizer=parse_optimizer(spec.optimizer, {})
        )
        descent = Descent(problem, settings)
        for _ in descent.run():
            pass
        losses = descent.history.rows[:, 0]
        assert len(losses) == spec.iterations
        assert float(losses[-1]) < 1e-3, (seed, float(losses[-1]))


def test_the_graph_groups_the_network_by_layer():
    from solvers.pictures.graph import problem_graph

    problem = problem_for(chapter_of("4").default)
    graph = problem_graph(problem, title="chapter 4")
    labels = [label for label, _ in graph.groups]
    assert labels == [
        "layer 1: Linear 1 → 32 (W1, b1), then tanh",
        "layer 2: Linear 32 → 32 (W2, b2), then tanh",
        "layer 3: Linear 32 → 1 (W3, b3)",
        "loss: mean squared error",
    ]
    groups = dict(graph.groups)
    assert sorted(i for members in groups.values() for i in members) == list(range(graph.count))
    for k, label in enumerate(labels[:3], start=1):
        ops = {graph.nodes[i].op for i in groups[label]}
        params = {graph.nodes[i].param for i in groups[label]} - {None}
        assert params == {f"W{k}", f"b{k}"}
        assert "AddmmBackward0" in ops
        assert ("TanhBackward0" in ops) == (k < 3)
    assert [graph.nodes[i].op for i in groups[labels[3]]] == ["MseLossBackward0"]


@pytest.mark.parametrize("optimizer", ["adam", "plain"])
def test_a_step_is_explained_per_tensor_from_its_norms(optimizer: str):
    from tui.app.widgets.step_detail import explain

    problem = problem_for(chapter_of("4").default)
    settings = RunSettings(0.005, 2, "cpu", 1, optimizer=parse_optimizer(optimizer, {}))
    descent = Descent(problem, settings)
    for _ in descent.run():
        pass
    text = explain(descent.view, descent.current_values())
    row = descent.history.rows[-1]
    assert f"loss = {float(row[0]):.6g}" in text and f"‖∇f‖ = {float(row[1]):.6g}" in text
    after = np.linalg.norm(descent.params[2].detach().numpy().astype(np.float64))
    assert f"‖W2‖ {float(row[10]):.6g} → {after:.6g}" in text
    assert "θ =" not in text  # no coordinate is told (the row does not hold them)


def test_a_minibatch_of_every_row_is_the_full_loss_bit_for_bit():
    """``on_rows`` and ``sample_count``: what a minibatch run of chapter 4 draws on."""
    problem = problem_for(chapter_of("4").default)
    objective = torch.jit.script(problem.objective_on(torch.device("cpu")))
    params = problem.make_params(problem.start_values(None, 3), torch.device("cpu"))
    assert problem.objective.sample_count == 256
    full, _ = objective(params)
    every, _ = objective.on_rows(params, torch.arange(256))
    some, _ = objective.on_rows(params, torch.tensor([0, 128, 255]))
    assert float(every.detach()) == float(full.detach())
    x, y = problem.objective.x, problem.objective.y
    rows = torch.tensor([0, 128, 255])
    expected = problem.objective.predict(params, x[rows])
    assert float(some.detach()) == float(torch.nn.functional.mse_loss(expected, y[rows]).detach())


def test_divergence_is_found_as_for_a_function_without_a_known_optimum(gdlab):
    done = gdlab(
        "run", "4", "--optimizer", "plain", "--eta", "0.5", "--seed", "0", "--format", "csv"
    )
    assert done.code == 3, done.err
    assert "f rose above its start and ‖∇f‖ grew 10000-fold" in done.err  # the unknown-f* rule
    _, rows = csv_rows(done.out)
    assert np.isfinite(rows).all() and rows[-1, 1] > rows[0, 1]


def test_the_fit_is_a_curve_for_one_input_and_predicted_against_actual_for_more():
    chapter = chapter_of("4")
    one = problem_for(chapter.default)
    fit = one.fit_points(one.make_params(one.start_values(None, 0), torch.device("cpu")), 0)
    assert fit is not None and fit.x is not None and fit.y_name == "sin(x)"
    assert np.all(np.diff(fit.x) > 0) and np.allclose(fit.target, np.sin(fit.x), atol=1e-6)
    values = {"data": STACKLOSS, "target": "STACKLOSS", "hidden": "4"}
    many = problem_for(chapter.spec(values))
    params = many.make_params(many.start_values(None, 0), torch.device("cpu"))
    fit = many.fit_points(params, 5)
    assert fit is not None and fit.x is None and len(fit.target) == 21 and fit.iteration == 5
    assert fit.target[0] == 42.0  # the file's first STACKLOSS, in the data's units


@pytest.mark.parametrize(("standardize", "x_name"), [("on", "AIRFLOW (z-score)"), ("", "AIRFLOW")])
def test_a_one_feature_fit_names_its_x_axis_as_the_run_sees_it(standardize: str, x_name: str):
    chapter = chapter_of("4")
    values = {"data": STACKLOSS, "target": "STACKLOSS", "features": "AIRFLOW", "hidden": "4"}
    problem = problem_for(chapter.spec({**values, "standardize": standardize}))
    fit = problem.fit_points(
        problem.make_params(problem.start_values(None, 0), torch.device("cpu")), 0
    )
    assert fit is not None and fit.x is not None and fit.x_name == x_name
    raw = np.sort(np.loadtxt(STACKLOSS, delimiter=",", skiprows=1, usecols=1))
    assert np.allclose(fit.x, (raw - raw.mean()) / raw.std()) == bool(standardize)


def test_a_network_runs_on_one_thread_and_gives_the_process_its_threads_back() -> None:
    process = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        problem = problem_for(chapter_of("4").default)
        settings = RunSettings(0.005, 40, "cpu", 1, optimizer=parse_optimizer("adam", {}))
        during = {torch.get_num_threads() for _ in Descent(problem, settings).run()}
        assert during == {1}
        assert torch.get_num_threads() == 2  # a chapter 3 run after it has its two threads
    finally:
        torch.set_num_threads(process)


def test_a_start_of_the_wrong_length_is_refused_in_one_short_line(gdlab) -> None:
    result = gdlab("run", "4", "--init", "0", "0", "0")
    assert result.code == 2
    assert (
        result.err.strip() == "gdlab: init: got 3 value(s); expected 1153 (W1[0], W1[1], …, b3[0])"
    )
