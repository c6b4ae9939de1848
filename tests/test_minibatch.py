"""Stochastic gradients (--batch-size): the shuffle, the full-batch case, the refusals,
the epoch and full-objective columns, and the script that repeats a minibatch run."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from script_runs import run_script

from solvers.chapters.registry import problem_for, spec_of
from solvers.core.validation import SettingError
from solvers.optim.choices import PLAIN
from solvers.run.batch_columns import EPOCH, FULL_OBJECTIVE
from solvers.run.batches import Batches
from solvers.run.descent import Descent
from solvers.run.epochs import epoch_text
from solvers.run.settings import RunSettings

ROOT = Path(__file__).parents[1]


def rows_of(
    batch_size: int | None, seed: int = 7, iterations: int = 60
) -> tuple[tuple, np.ndarray]:
    descent = Descent(
        problem_for(spec_of("3")),
        RunSettings(1e-4, iterations, device="cpu", seed=seed, batch_size=batch_size),
    )
    list(descent.run())
    return descent.layout.columns, descent.history.rows.copy()


def test_a_seeded_minibatch_run_repeats_bit_for_bit_and_another_seed_differs():
    columns, first = rows_of(1)
    _, again = rows_of(1)
    _, other = rows_of(1, seed=8)
    assert columns[-2:] == (EPOCH, FULL_OBJECTIVE)
    np.testing.assert_array_equal(first, again)  # NaN where not evaluated, in both
    assert not np.array_equal(first[:, 3], other[:, 3])  # the batch losses differ
    _, full = rows_of(None)
    assert not np.array_equal(first[:, :3], full[:, :3])  # and it is not full-batch


@pytest.mark.parametrize("size", [3, 4, 1000])
def test_a_batch_of_every_row_or_more_is_the_full_batch_run_bit_for_bit(size):
    columns, rows = rows_of(size)
    full_columns, full = rows_of(None)
    assert columns == full_columns
    assert rows.tobytes() == full.tobytes()


def test_a_compiled_minibatch_run_equals_the_eager_one():
    _, short = rows_of(2, iterations=50)
    _, long = rows_of(2, iterations=2500)  # compiled with TorchScript
    np.testing.assert_array_equal(short, long[:50])


def test_each_epoch_is_a_permutation_and_a_last_partial_batch_is_dropped():
    batches = Batches(rows=7, size=3, seed=5)
    assert batches.per_epoch == 2  # 7 // 3: the seventh row waits for a later shuffle
    indices = batches.indices(0, 6)
    assert indices.shape == (6, 3)
    for epoch in range(3):
        seen = indices[2 * epoch : 2 * epoch + 2].reshape(-1).tolist()
        assert len(set(seen)) == 6 and set(seen) <= set(range(7))
    # the same rows asked for again, or from the middle, are the same
    assert indices[3:].tolist() == batches.indices(3, 3).tolist()
    assert indices.tolist() == Batches(rows=7, size=3, seed=5).indices(0, 6).tolist()
    assert batches.epochs(0, 6).tolist() == [0, 0, 1, 1, 2, 2]
    assert batches.full_at(0, 6).tolist() == [True, False] * 3


def test_the_full_objective_is_recorded_at_each_epochs_first_iteration():
    descent = Descent(
        problem_for(spec_of("3")), RunSettings(1e-4, 30, device="cpu", seed=3, batch_size=1)
    )
    list(descent.run())
    rows = descent.history.rows
    columns = descent.layout.columns
    epochs = rows[:, columns.index(EPOCH)]
    full = rows[:, columns.index(FULL_OBJECTIVE)]
    assert epochs.tolist() == [i // 3 for i in range(30)]
    assert np.isnan(full[[i for i in range(30) if i % 3]]).all()
    objective = descent.problem.objective_on(descent.device, descent.dtype)
    params = descent.problem.make_params(tuple(float(v) for v in rows[6, :3]), descent.device)
    assert full[6] == float(objective(params)[0].detach())  # the objective on every row, there
    # the batch loss (one sample, times 3) is not the full objective
    assert rows[6, columns.index("objective")] != full[6]
    assert epoch_text(epochs[-1], 29) == "epoch 9 · iteration 29"


@pytest.mark.parametrize("chapter", ["1", "2"])
def test_a_batch_size_is_refused_on_a_chapter_without_data_rows(gdlab, chapter):
    result = gdlab("run", chapter, "--batch-size", "2")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "gdlab: batch-size: is only for a chapter whose objective has data rows (chapters 3 "
        "and 4); this one has none"
    ]
    with pytest.raises(SettingError, match="batch-size"):
        Descent(problem_for(spec_of(chapter)), RunSettings(0.1, 5, batch_size=2))


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "x"])
def test_a_bad_batch_size_is_one_line_naming_it(gdlab, text):
    result = gdlab("run", "3", "--batch-size", text)
    assert result.code == 2
    assert result.err.startswith("gdlab: batch-size: ") and len(result.err.splitlines()) == 1


def test_the_csv_and_json_carry_the_epoch_and_the_full_objective(gdlab):
    common = ["run", "3", "--batch-size", "2", "--seed", "1", "--iterations", "4"]
    csv = gdlab(*common, "--format", "csv").out.splitlines()
    assert csv[0].endswith(",epoch,full_objective")
    assert [line.split(",")[-2] for line in csv[1:]] == ["0.0", "1.0", "2.0", "3.0"]
    import json

    data = json.loads(gdlab(*common, "--format", "json").out)
    assert data["columns"][-2:] == ["epoch", "full_objective"]
    assert data["settings"]["batch_size"] == 2
    assert all(math.isfinite(row[-1]) for row in data["rows"])  # every iteration an epoch


def test_a_minibatch_run_repeats_from_its_saved_json(gdlab, tmp_path):
    saved = tmp_path / "run.json"
    common = ["--format", "csv"]
    first = gdlab("run", "3", "--batch-size", "1", "--seed", "4", "--iterations", "9", *common)
    assert (
        gdlab(
            "run",
            "3",
            "--batch-size",
            "1",
            "--seed",
            "4",
            "--iterations",
            "9",
            "--format",
            "json",
            "--output",
            str(saved),
        ).code
        == 0
    )
    assert gdlab("run", "--from", str(saved), *common).out == first.out


STACKLOSS = ["--data", "examples/data/stackloss.csv", "--target", "STACKLOSS", "--standardize"]


@pytest.mark.parametrize(
    ("options", "iterations", "rows"),
    [
        (["--batch-size", "2"], "40", 3),
        pytest.param(["--batch-size", "2"], "2500", 3, marks=pytest.mark.slow, id="compiled"),
        ([*STACKLOSS, "--batch-size", "5", "--eta", "0.02"], "40", 21),
    ],
)
def test_the_script_repeats_a_minibatch_run_bit_for_bit(
    gdlab, tmp_path, monkeypatch, options, iterations, rows
):
    monkeypatch.chdir(ROOT)
    common = ["3", *options, "--seed", "7", "--device", "cpu", "--iterations", iterations]
    generated = gdlab("code", *common)
    assert generated.code == 0, generated.err
    assert f"torch.randperm({rows}, generator=generator)" in generated.out
    expected = gdlab("run", *common, "--format", "csv")
    assert expected.code == 0, expected.err
    assert run_script(generated.out, tmp_path) == expected.out


def test_divergence_is_judged_on_the_full_objective_not_the_batch_noise():
    # at a stable η the batch loss jumps around (one sample times 3), yet the run is
    # not called diverged: the full objective, each epoch, falls
    descent = Descent(
        problem_for(spec_of("3")), RunSettings(1e-3, 3000, device="cpu", seed=2, batch_size=1)
    )
    list(descent.run())
    assert descent.report is not None and descent.diverged is None
    batch = descent.history.rows[:, 3]
    assert (np.diff(batch) > 0).any()  # the noise is there
    # and above the bound it is caught
    diverging = Descent(
        problem_for(spec_of("3")), RunSettings(0.05, 300, device="cpu", seed=2, batch_size=1)
    )
    list(diverging.run())
    assert diverging.diverged is not None


def test_compare_members_by_batch_size_equal_their_runs_alone_bit_for_bit():
    from dataclasses import replace

    from solvers.run.compare import Comparison
    from solvers.run.members import CompareSettings

    problem = problem_for(spec_of("3"))
    settings = CompareSettings.every([1e-4, 1e-3], [PLAIN], 60, [1, 2, None], seed=3, device="cpu")
    comparison = Comparison(problem, settings)
    list(comparison.run())
    assert len(comparison.groups) == 3  # one batched computation per batch size
    labels = [run.member.label for run in comparison.runs]
    assert labels[:3] == ["plain η=0.0001 B=1", "plain η=0.0001 B=2", "plain η=0.0001"]
    for index, run in enumerate(comparison.runs):
        alone = Descent(problem, replace(settings.member_settings(index), start=comparison.start))
        list(alone.run())
        assert run.view.layout.columns == alone.layout.columns
        np.testing.assert_array_equal(run.history.rows, alone.history.rows)
    results = comparison.results()
    # a minibatch member's final f is its objective on all rows (at its last epoch's start)
    rows = comparison.runs[0].history.rows
    assert np.isnan(rows[-1, -1])  # batch 1 of 3: epochs start at 0, 3, … 57
    assert results[0].objective == float(rows[57, -1])
    assert results[0].objective != float(rows[-1, 3])


def test_gdlab_compare_takes_batch_sizes_as_members(gdlab):
    result = gdlab("compare", "3", "--batch-size", "1", "all", "--seed", "3", "--iterations", "30")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[1].startswith("plain η=0.0001 B=1 ") and lines[2].startswith("plain η=0.0001 ")
    assert "B=" not in lines[2]
    refused = gdlab("compare", "1", "--batch-size", "2")
    assert refused.code == 2 and "batch-size" in refused.err


def test_the_code_view_of_a_seedless_minibatch_run_repeats_its_shuffle(tmp_path):
    import io

    from solvers.records.codegen import CodeRequest, script
    from solvers.records.export import CsvWriter
    from tui.app.screens.chapter_values import ChapterValues

    problem = problem_for(spec_of("3"))
    descent = Descent(problem, RunSettings(1e-4, 12, device="cpu", batch_size=1))
    list(descent.run())
    values = ChapterValues.of_run(descent.view)
    assert values.settings.seed == descent.seed  # the seed the run drew
    stream = io.StringIO()
    writer = CsvWriter(stream, problem, descent.layout)
    writer.begin()
    writer.rows(range(12), descent.history.rows)
    text = script(CodeRequest.for_run(values.spec, values.settings))
    assert run_script(text, tmp_path) == stream.getvalue()


@pytest.mark.slow
def test_b12_times_the_same_epoch_as_its_bare_torch_loop():
    from tui.bench.minibatch import B12_ETA, b12_problem, bare_run, gdlab_run

    facts = b12_problem().facts
    assert facts.stable_eta is not None and facts.stable_eta > B12_ETA  # no divergence
    _, descent = gdlab_run()
    _, bare = bare_run()
    assert descent.batches is not None and descent.batches.per_epoch == 390
    ours = np.asarray(descent.current_values())
    # the same permutation, model and step; the loops' sums round differently
    np.testing.assert_allclose(ours, bare.numpy(), rtol=1e-4, atol=1e-6)
    assert np.abs(ours).max() > 1e-3  # it moved


def test_a_network_takes_minibatches_and_repeats_them_with_its_seed():
    from solvers.run.history import Layout

    problem = problem_for(spec_of("4"))

    def rows(seed: int) -> tuple[Layout, np.ndarray]:
        settings = RunSettings(0.005, 20, device="cpu", seed=seed, batch_size=32)
        descent = Descent(problem, settings)
        list(descent.run())
        assert descent.batches is not None and descent.batches.per_epoch == 256 // 32
        return descent.layout, descent.history.rows.copy()

    layout, first = rows(3)
    _, again = rows(3)
    _, other = rows(4)
    assert layout.norms and layout.columns[-2:] == (EPOCH, FULL_OBJECTIVE)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first[:, 0], other[:, 0])
    full = first[:, -1]
    assert np.isfinite(full[::8]).all() and np.isnan(full[1::8]).all()


def test_a_networks_minibatch_script_on_a_file_repeats_the_run(gdlab, tmp_path):
    options = ("4", *STACKLOSS, "--hidden", "8", "--batch-size", "5", "--seed", "2")
    options += ("--iterations", "30")
    run = gdlab("run", *options, "--device", "cpu", "--format", "csv")
    assert run.code == 0, run.err
    code = gdlab("code", *options, "--device", "cpu")
    assert code.code == 0 and "torch.randperm(21, generator=generator)" in code.out
    assert run_script(code.out, tmp_path, "net_batches.py") == run.out


@pytest.mark.parametrize(
    ("chapter", "batch", "gradient"),
    [("3", "2", "w.grad= tensor"), ("4", "64", None)],
    ids=["chapter3", "chapter4"],
)
def test_the_book_format_promises_a_gradient_only_where_its_block_prints_one(
    gdlab, chapter, batch, gradient
):
    """Chapter 3's block prints the batch's gradient; chapter 4's (a network's rows
    hold norms only) prints the loss alone, so the epoch line names no gradient."""
    common = ("--batch-size", batch, "--seed", "1", "--iterations", "2", "--device", "cpu")
    done = gdlab("run", chapter, *common, "--format", "book")
    assert done.code == 0, done.err
    epoch_lines = [line for line in done.out.splitlines() if line.startswith("epoch ")]
    assert len(epoch_lines) == 2
    promised = all(line.endswith("the gradient below is its") for line in epoch_lines)
    assert promised == (gradient is not None)
    if gradient is not None:
        assert done.out.count(gradient) == 2


def test_a_network_minibatch_summary_names_its_gradient_norm_the_batchs(gdlab):
    common = ["run", "4", "--seed", "1", "--iterations", "4", "--format", "csv"]
    batched = gdlab(*common, "--batch-size", "32")
    assert batched.code == 0, batched.err
    summary = next(line for line in batched.err.splitlines() if line.startswith("chapter 4:"))
    assert "‖∇f_batch‖ " in summary and "‖∇f‖" not in summary, summary
    whole = gdlab(*common)
    summary = next(line for line in whole.err.splitlines() if line.startswith("chapter 4:"))
    assert "‖∇f‖ " in summary and "‖∇f_batch‖" not in summary, summary
