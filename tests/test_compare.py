"""Compare: members batched together equal the same runs made alone; a diverging
member stops alone; the table, CSV and JSON say what the members did."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from solvers.chapters.function import function_spec
from solvers.chapters.registry import problem_for, spec_of
from solvers.core.control import RunControl
from solvers.core.validation import SettingError
from solvers.optim.choices import OPTIMIZERS, OptimizerChoice
from solvers.run.compare import Comparison
from solvers.run.descent import SCRIPT_FROM, Descent
from solvers.run.divergence import DivergenceCheck, check_members
from solvers.run.members import MAX_MEMBERS, CompareSettings, Member, Standing
from tui.cli.command import main

PLAIN = OptimizerChoice()
ROSENBROCK = "(1 - x0)**2 + 100*(x1 - x0**2)**2"


def _alone(problem, comparison: Comparison, index: int) -> np.ndarray:
    """Member ``index`` run alone, from the compare's start."""
    settings = replace(comparison.settings.member_settings(index), start=comparison.start)
    descent = Descent(problem, settings)
    for _ in descent.run():
        pass
    return np.array(descent.history.rows)


def _together(problem, settings: CompareSettings) -> Comparison:
    comparison = Comparison(problem, settings)
    for _ in comparison.run():
        pass
    return comparison


@pytest.mark.parametrize(
    ("spec", "etas", "iterations"),
    [
        (spec_of("1"), [0.1, 0.4, 1.5], 15),
        (spec_of("2"), [0.05, 0.2, 0.45], 40),
        (spec_of("3"), [1e-4, 5e-4, 1e-3], 300),
        (function_spec(ROSENBROCK, (-1.0, 1.0)), [1e-4, 1e-3, 2e-3], 300),
    ],
    ids=["chapter1", "chapter2", "chapter3", "rosenbrock"],
)
def test_batched_plain_members_equal_their_runs_alone_bit_for_bit(spec, etas, iterations):
    problem = problem_for(spec)
    start = spec.book_start or (0.3, -0.2, 0.1)[: spec.n_params]
    settings = CompareSettings.every(etas, [PLAIN], iterations, device="cpu", start=start)
    comparison = _together(problem, settings)
    assert len(comparison.groups) == 1  # one batch, not a loop of runs
    assert comparison.groups[0].params[0].shape[0] == len(etas)
    for index, run in enumerate(comparison.runs):
        alone = _alone(problem, comparison, index)
        assert run.history.rows.shape == alone.shape
        np.testing.assert_array_equal(run.history.rows, alone)


def test_compiled_batch_equals_runs_alone_and_is_compiled():
    problem = problem_for(spec_of("3"))
    settings = CompareSettings.every([1e-4, 3e-4], [PLAIN], SCRIPT_FROM, device="cpu")
    comparison = _together(problem, settings)
    assert comparison.compiled
    for index, run in enumerate(comparison.runs):
        np.testing.assert_array_equal(run.history.rows, _alone(problem, comparison, index))


@pytest.mark.parametrize(
    "spec",
    [spec_of("1"), spec_of("2"), function_spec(ROSENBROCK, (-1.0, 1.0))],
    ids=["chapter1", "chapter2", "rosenbrock"],
)
def test_a_long_compare_is_compiled_on_every_chapter_without_rows(spec):
    """Only a minibatch group's objective answers on_rows: an objective with no
    members_on_rows still scripts (TorchScript compiles every exported method)."""
    problem = problem_for(spec)
    settings = CompareSettings.every([1e-4, 3e-4], [PLAIN], SCRIPT_FROM, device="cpu")
    comparison = Comparison(problem, settings)
    chunks = [group.chunk(SCRIPT_FROM) for group in comparison.groups]
    assert all(chunk.compiled for chunk in chunks), [c.why_eager for c in chunks]


def test_a_long_minibatch_compare_is_compiled():
    problem = problem_for(spec_of("3"))
    settings = CompareSettings.every([1e-4], [PLAIN], SCRIPT_FROM, [1, None], seed=3, device="cpu")
    comparison = Comparison(problem, settings)
    chunks = [group.chunk(SCRIPT_FROM) for group in comparison.groups]
    assert len(chunks) == 2
    assert all(chunk.compiled for chunk in chunks), [c.why_eager for c in chunks]


def test_a_diverging_member_stops_alone_where_its_run_alone_stops():
    problem = problem_for(spec_of("1"))
    settings = CompareSettings.every([0.4, 2.5, 1.99], [PLAIN], 40, device="cpu")
    comparison = _together(problem, settings)
    results = comparison.results()
    alone = Descent(problem, replace(settings.member_settings(1), start=comparison.start))
    for _ in alone.run():
        pass
    assert alone.report is not None and alone.report.divergence is not None
    assert results[1].standing is Standing.DIVERGED
    assert results[1].divergence == alone.report.divergence
    assert results[1].outcome == f"diverged at {alone.report.divergence.iteration}"
    assert results[1].iterations == alone.history.count < 40
    # the others went on, unchanged by their neighbour leaving the batch
    assert results[0].iterations == results[2].iterations == 40
    for index in (0, 2):
        np.testing.assert_array_equal(
            comparison.runs[index].history.rows, _alone(problem, comparison, index)
        )
    assert results[0].standing is Standing.CONVERGED
    # 1.99: a slow oscillation, all 40 iterations run: not "still going" once it ended
    assert results[2].standing is Standing.NOT_CONVERGED
    assert results[2].outcome == "not converged"


@pytest.mark.parametrize("spec", [spec_of("1"), function_spec(ROSENBROCK, (-1.0, 1.0))])
def test_members_checked_at_once_are_checked_as_each_alone(spec):
    """check_members (all members in one pass) finds what each member's own check
    finds: sound blocks, and blocks where one member's row is non-finite or grown."""
    problem = problem_for(spec)
    settings = CompareSettings.every([1e-4, 3e-4, 1e-3], [PLAIN], 20, device="cpu")
    comparison = _together(problem, settings)
    runs = comparison.runs
    layout = runs[0].history.layout
    rows = np.stack([run.history.rows for run in runs], axis=1)  # (20, M, width)
    for spoil in (None, np.nan, 1e30):
        block = rows[10:].copy()
        if spoil is not None:
            block[4, 1, layout.objective] = spoil
            block[4, 1, layout.grads] = spoil
        together = [DivergenceCheck(layout, comparison.facts) for _ in runs]
        alone = [DivergenceCheck(layout, comparison.facts) for _ in runs]
        for m in range(len(runs)):  # each knows its start, as after a first chunk
            together[m].check(rows[:10, m], 0)
            alone[m].check(rows[:10, m], 0)
        found = check_members(together, block, 10)
        assert found == [alone[m].check(block[:, m], 10) for m in range(len(runs))]
        assert (found[1][1] is None) == (spoil is None)


def test_results_say_when_each_member_reached_the_optimum_and_the_distance():
    problem = problem_for(spec_of("1"))
    settings = CompareSettings.every([0.4, 0.9], [PLAIN], 60, device="cpu")
    comparison = _together(problem, settings)
    results = comparison.results(within=0.01)
    optimum = comparison.facts.optimum
    assert optimum is not None
    for run, result in zip(comparison.runs, results, strict=True):
        rows = run.history.rows
        gaps = np.abs(rows[:, 1].astype(np.float64) - optimum.value)
        assert result.to_converge == int(np.flatnonzero(gaps <= 1e-6)[0])
        distances = np.abs(rows[:, 0].astype(np.float64) - optimum.params[0])
        assert result.within == int(np.flatnonzero(distances <= 0.01)[0])
    assert results[1].to_converge < results[0].to_converge  # 0.9 is closer to 1/λ = 1


@pytest.mark.parametrize(
    "compiled", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["eager", "compiled"]
)
def test_every_optimizers_members_equal_their_runs_alone(compiled):
    problem = problem_for(spec_of("3"))
    names = list(OPTIMIZERS)
    optimizers = [OptimizerChoice(name) for name in names]
    iterations = SCRIPT_FROM if compiled else 200
    settings = CompareSettings.every([1e-3, 3e-4], optimizers, iterations, device="cpu")
    comparison = _together(problem, settings)
    assert len(comparison.groups) == len(names)
    for index, run in enumerate(comparison.runs):
        alone = _alone(problem, comparison, index)
        layout = run.history.layout
        assert run.history.rows.shape == alone.shape
        # the batched product rounds chapter 3's sums its own way: within 1e-6
        base = slice(0, layout.base_width)
        np.testing.assert_allclose(run.history.rows[:, base], alone[:, base], rtol=1e-6)
        # a step is a difference of nearly equal parameters: within 1e-6 of them
        scale = 1e-6 * np.abs(alone[:, layout.params]).max()
        np.testing.assert_allclose(
            run.history.rows[:, layout.extras], alone[:, layout.extras], rtol=1e-6, atol=scale
        )


def test_stopping_a_compare_stops_every_member_and_says_so():
    problem = problem_for(spec_of("3"))
    control = RunControl()
    settings = CompareSettings.every([1e-4, 2e-4], [PLAIN], 1_000_000, device="cpu")
    comparison = Comparison(problem, settings, control)
    for batch in comparison.run():
        if batch.stop > 100:
            control.cancel()
    assert comparison.stopped
    assert 100 < comparison.count < 1_000_000
    assert {r.standing for r in comparison.results()} == {Standing.STOPPED}


def test_compare_settings_refuse_what_cannot_be_compared():
    with pytest.raises(SettingError, match="at most 64"):
        CompareSettings.every([1e-3 * (i + 1) for i in range(MAX_MEMBERS + 1)], [PLAIN], 10)
    with pytest.raises(SettingError, match="repeats a member"):
        CompareSettings((Member(0.1), Member(0.1)), 10)
    with pytest.raises(SettingError, match="eta"):
        CompareSettings((Member(-0.1),), 10)
    with pytest.raises(SettingError, match="iterations"):
        CompareSettings.every([0.1], [PLAIN], 0)


def test_gdlab_compare_prints_one_table_line_per_member(capsys):
    code = main(["compare", "1", "--eta", "0.4", "2.5", "--optimizer", "plain", "momentum"])
    out, err = capsys.readouterr()
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["member", "iterations"]
    labels = [line.split("  ")[0].strip() for line in lines[1:]]
    assert labels == ["plain η=0.4", "plain η=2.5", "momentum η=0.4", "momentum η=2.5"]
    assert "diverged at" in lines[2]
    assert "4 members" in err and "batched" in err


def test_gdlab_compare_csv_and_json_carry_every_members_rows(tmp_path, capsys):
    csv_path, json_path = tmp_path / "c.csv", tmp_path / "c.json"
    args = ["compare", "2", "--eta", "0.1", "0.3", "--optimizer", "plain", "adam"]
    assert main([*args, "--format", "csv", "--output", str(csv_path)]) == 0
    assert main([*args, "--format", "json", "--output", str(json_path)]) == 0
    lines = csv_path.read_text().splitlines()
    header = lines[0].split(",")
    assert header[:5] == ["member", "label", "iteration", "x0", "x1"]
    assert "m_x0" in header  # adam's columns, empty for the plain members
    assert len(lines) == 1 + 4 * 10
    data = json.loads(json_path.read_text())
    assert [m["label"] for m in data["members"]] == [
        "plain η=0.1", "plain η=0.3", "adam η=0.1", "adam η=0.3",
    ]  # fmt: skip
    for member in data["members"]:
        assert len(member["rows"]) == member["result"]["iterations"] == 10
        assert member["settings"]["optimizer"]["name"] in ("plain", "adam")
        assert member["columns"][0] == "iteration"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["compare", "1", "--eta", "0.1", "abc"], "eta"),
        (["compare", "1", "--optimizer", "plain", "sgd"], "optimizer"),
        (["compare", "1", "--optimizer", "plain", "adam", "--momentum", "0.5"], "momentum"),
        (["compare", "1", "--format", "book"], "format"),
        (["compare", "1", "--within", "0"], "within"),
        (["compare", "custom", "--eta", "0.1"], "expr"),
        (["compare", "9"], "chapter"),
    ],
)
def test_gdlab_compare_refuses_bad_input_naming_the_field(args, field, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"gdlab: {field}")
    assert len(err.splitlines()) == 1


def test_b9s_compare_records_every_member_and_its_etas_are_stable():
    from tui.bench.compare import B9_ETAS, B9_MEMBERS, compare_run

    assert len(B9_ETAS) == B9_MEMBERS == 16
    facts = problem_for(spec_of("3")).facts
    assert facts.stable_eta is not None
    assert max(B9_ETAS) < facts.stable_eta  # no member diverges: all 30,000 rows are timed
    compare_run(50)  # it asserts that every member recorded every row
