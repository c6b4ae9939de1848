"""Your own function, the regimes of η, early divergence, and runs you can take away."""

from __future__ import annotations

import json

import numpy as np
import pytest
from standard_functions import FUNCTIONS

from solvers.chapters.function import function_spec
from solvers.chapters.registry import make_problem, problem_for
from solvers.core.facts import Regime, preset_eta, regime
from solvers.run.descent import Descent
from solvers.run.settings import Outcome, RunSettings


def finish(descent: Descent) -> Descent:
    for _ in descent.run():
        pass
    return descent


@pytest.mark.parametrize(
    ("chapter", "eta", "kind", "outcome"),
    [
        ("1", 0.4, Regime.MONOTONE, Outcome.FINISHED),
        ("1", 1.5, Regime.OSCILLATING, Outcome.FINISHED),
        ("1", 1.99, Regime.OSCILLATING, Outcome.FINISHED),
        ("1", 2.0, Regime.CYCLE, Outcome.FINISHED),
        ("1", 2.5, Regime.DIVERGENT, Outcome.DIVERGED),
        ("2", 0.4, Regime.MONOTONE, Outcome.FINISHED),
        ("2", 0.9, Regime.OSCILLATING, Outcome.FINISHED),
        ("2", 1.3, Regime.DIVERGENT, Outcome.DIVERGED),
    ],
)
def test_each_eta_has_its_regime_and_outcome(chapter, eta, kind, outcome):
    problem = make_problem(chapter)
    said = regime(eta, problem.facts)
    assert said is not None and said[0] is kind
    assert "λmax" in said[1]
    descent = finish(Descent(problem, RunSettings(eta, problem.spec.iterations, seed=5)))
    assert descent.report is not None and descent.report.outcome is outcome
    if outcome is Outcome.DIVERGED:
        # caught within a few iterations, rows before it kept, the bound named
        assert descent.report.divergence is not None
        assert descent.report.divergence.iteration <= 6
        assert descent.history.count == descent.report.divergence.iteration
        assert "moved away from the optimum" in descent.report.divergence.message


def test_monotone_never_changes_side_and_oscillating_alternates():
    problem = make_problem("1")
    rows = {}
    for eta in (0.4, 1.5):
        descent = finish(Descent(problem, RunSettings(eta, 15, start=(0.0,))))
        rows[eta] = descent.history.rows[:, 0].astype(np.float64) - 2.0
    assert (rows[0.4] < 0).all()  # always below x* = 2
    assert (np.sign(rows[1.5][1:]) != np.sign(rows[1.5][:-1])).all()  # every step crosses
    assert abs(rows[1.5][-1]) < abs(rows[1.5][0])


def test_the_cycle_makes_no_progress():
    descent = finish(Descent(make_problem("1"), RunSettings(2.0, 15, start=(1.0,))))
    xs = descent.history.rows[:, 0]
    assert set(np.round(xs, 6)) == {1.0, 3.0}


@pytest.mark.parametrize("kind", list(Regime))
def test_the_presets_land_in_their_regime(kind):
    for chapter in ("1", "2", "3"):
        facts = make_problem(chapter).facts
        eta = preset_eta(kind, facts)
        assert eta is not None
        said = regime(eta, facts)
        assert said is not None and said[0] is kind, (chapter, eta)


@pytest.mark.parametrize(
    "preset",
    [
        pytest.param(f, marks=[pytest.mark.slow] if f.key in ("rosenbrock", "beale") else [])
        for f in FUNCTIONS[:7]
    ],
    ids=lambda f: f.key,
)
def test_standard_functions_reach_their_minima_in_the_recorded_loop(preset):
    """The engine's float32 loop, from the stated start with the stated η."""
    spec = function_spec(preset.expr, preset.start, preset.eta, preset.iterations)
    problem = problem_for(spec)
    descent = finish(
        Descent(problem, RunSettings(preset.eta, preset.iterations, start=preset.start))
    )
    assert descent.report is not None and descent.report.outcome is Outcome.FINISHED
    last = descent.history.last()
    assert last is not None
    target = np.array(preset.minima[preset.reaches].at)
    assert np.linalg.norm(last[: len(target)] - target) < 2e-3


def test_a_quadratic_expression_knows_its_optimum_and_a_general_one_says_local():
    quadratic = problem_for(function_spec("(x0-1)**2 + 3*x1**2 + x0*x1", (0.0, 0.0)))
    facts = quadratic.facts_at((0.0, 0.0))
    assert facts.bound_is_global and facts.optimum is not None
    assert facts.optimum.params == pytest.approx((12 / 11, -2 / 11))
    rosenbrock = problem_for(function_spec("(1-x0)**2 + 100*(x1-x0**2)**2", (-1.5, 2.0)))
    local = rosenbrock.facts_at((-1.5, 2.0))
    assert local.optimum is None and not local.bound_is_global
    assert local.stable_eta == pytest.approx(2 / local.eigenvalues[1])


@pytest.mark.slow  # 30,000 iterations
def test_rosenbrock_with_an_ordinary_step_is_not_called_divergent_without_f_star():
    spec = function_spec("(1-x0)**2 + 100*(x1-x0**2)**2", (-1.5, 2.0))
    descent = finish(Descent(problem_for(spec), RunSettings(1e-3, 30000, start=(-1.5, 2.0))))
    assert descent.report is not None and descent.report.outcome is Outcome.FINISHED
    far = finish(Descent(problem_for(spec), RunSettings(0.05, 100, start=(-1.5, 2.0))))
    assert far.report is not None and far.report.outcome is Outcome.DIVERGED


# ------------------------------------------------------------------ the CLI


def test_custom_runs_from_the_cli_and_says_its_regime(gdlab):
    result = gdlab(
        "run",
        "custom",
        "--expr",
        "(x-3)**2",
        "--init",
        "0",
        "--eta",
        "0.4",
        "--iterations",
        "20",
        "--format",
        "csv",
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "iteration,x,objective,grad_x"
    assert len(lines) == 21
    assert "monotone" in result.err
    assert float(lines[-1].split(",")[1]) == pytest.approx(3.0, abs=1e-6)


@pytest.mark.parametrize(
    ("expr", "column"),
    [("x0 + y", 6), ("x.real", 2), ("__import__('os')", 1), ("x**1001", 4)],
)
def test_a_bad_expression_is_refused_in_one_line_with_its_column(gdlab, expr, column):
    result = gdlab("run", "custom", "--expr", expr, "--init", "1", "2")
    assert result.code == 2 and result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("gdlab: expr: ")
    assert f"at column {column}" in lines[0]


def test_json_carries_settings_rows_final_and_outcome(gdlab, tmp_path):
    target = tmp_path / "run.json"
    result = gdlab("run", "2", "--iterations", "5", "--format", "json", "--output", str(target))
    assert result.code == 0, result.err
    data = json.loads(target.read_text())
    assert next(iter(data)) == "settings"
    settings = data["settings"]
    assert settings["problem"] == "2" and settings["iterations"] == 5
    assert len(settings["start"]) == 2 and isinstance(settings["seed"], int)
    assert data["columns"][0] == "iteration" and len(data["rows"]) == 5
    assert data["outcome"]["outcome"] == "finished"
    # final: one more update after the last recorded row, and f there
    last = data["rows"][-1]
    x0, x1, _f, g0, g1 = last[1:]
    after = [x0 - 0.4 * g0, x1 - 0.4 * g1]
    assert data["final"]["params"] == pytest.approx(after, rel=1e-6)
    assert data["final"]["objective"] == pytest.approx(
        after[0] ** 2 + after[1] ** 2 + 4 * after[0] + 5 * after[1] + 3, rel=1e-9
    )


@pytest.mark.parametrize(
    "args",
    [
        ("2",),
        pytest.param(
            ("custom", "--expr", "sin(x0)*x1**2 + x0**2", "--init", "0.5", "-1"),
            marks=pytest.mark.slow,  # two runs of the default 30,000 iterations
        ),
        pytest.param(("3", "--iterations", "3000"), marks=pytest.mark.slow),
    ],
)
def test_from_repeats_a_run_bit_for_bit(gdlab, tmp_path, args):
    first = tmp_path / "first.json"
    again = tmp_path / "again.json"
    assert gdlab("run", *args, "--format", "json", "--output", str(first)).code == 0
    result = gdlab("run", "--from", str(first), "--format", "json", "--output", str(again))
    assert result.code == 0, result.err
    a, b = json.loads(first.read_text()), json.loads(again.read_text())
    assert a["rows"] == b["rows"] and a["final"] == b["final"]
    assert a["settings"] == b["settings"]


def test_from_takes_overrides_and_refuses_a_bad_file(gdlab, tmp_path):
    saved = tmp_path / "run.json"
    assert gdlab("run", "1", "--format", "json", "--output", str(saved)).code == 0
    shorter = gdlab("run", "--from", str(saved), "--iterations", "3", "--format", "csv")
    assert shorter.code == 0 and len(shorter.out.splitlines()) == 4
    junk = tmp_path / "junk.json"
    junk.write_text('{"settings": {"format": 1, "problem": "1", "eta": -1}}')
    result = gdlab("run", "--from", str(junk))
    assert result.code == 2 and result.err.startswith("gdlab: from: ")
    missing = gdlab("run", "--from", str(tmp_path / "nope.json"))
    assert missing.code == 2 and "cannot be read" in missing.err


@pytest.mark.parametrize(
    ("problem_id", "eta", "optimizer"),
    [
        pytest.param("1", 0.4, "momentum", marks=pytest.mark.slow),
        pytest.param("2", 0.4, "momentum", marks=pytest.mark.slow),
        pytest.param("3", 1e-4, "momentum", marks=pytest.mark.slow),
        pytest.param("1", 0.1, "adam", marks=pytest.mark.slow),
        pytest.param("2", 0.1, "adam", marks=pytest.mark.slow),
        pytest.param("3", 1e-2, "adam", marks=pytest.mark.slow),
        pytest.param("custom", 1e-3, "momentum", marks=pytest.mark.slow),
        ("custom", 1e-2, "adam"),
    ],
)
def test_momentum_and_adam_with_ordinary_settings_are_not_called_divergent(
    problem_id, eta, optimizer
):
    """They overshoot, but the divergence rule must not stop them (the optimizer issue
    relies on it): the book's chapters and Rosenbrock, 3,000 iterations."""
    from solvers.optim.choices import OptimizerChoice

    if problem_id == "custom":
        spec = function_spec("(1-x0)**2 + 100*(x1-x0**2)**2", (-1.5, 2.0))
        problem, start = problem_for(spec), (-1.5, 2.0)
    else:
        problem, start = make_problem(problem_id), None
    settings = RunSettings(eta, 3000, seed=3, start=start, optimizer=OptimizerChoice(optimizer))
    descent = finish(Descent(problem, settings))
    assert descent.report is not None and descent.report.outcome is Outcome.FINISHED, descent.report
