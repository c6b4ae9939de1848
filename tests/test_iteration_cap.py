"""GDLAB_MAX_ITERATIONS: fewer rows, the same rows, and a run that says it was capped."""

from __future__ import annotations

import json

import pytest

from tui.cli.iteration_cap import ENV

COSINE_RUN = ("run", "3", "--schedule", "cosine", "--iterations", "300")
"""A cosine schedule's length defaults to the run's iterations: a cap that shortened the
run's settings would change every η, and so every row after the first."""


def test_a_capped_run_prints_the_first_rows_of_the_full_run(gdlab, monkeypatch):
    full = gdlab(*COSINE_RUN, "--format", "csv")
    monkeypatch.setenv(ENV, "40")
    capped = gdlab(*COSINE_RUN, "--format", "csv")
    assert full.code == capped.code == 0
    assert len(capped.out.splitlines()) == 1 + 40
    assert capped.out.splitlines() == full.out.splitlines()[: 1 + 40]


def test_a_capped_run_does_not_claim_the_full_count(gdlab, monkeypatch):
    monkeypatch.setenv(ENV, "40")
    result = gdlab(*COSINE_RUN, "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert len(data["rows"]) == 40
    assert data["settings"]["iterations"] == 300  # the settings repeat the full run
    assert data["outcome"] == {
        "outcome": "stopped",
        "reason": f"stopped at 40 of 300 iterations by {ENV}",
    }
    summary = result.err.splitlines()[-1]
    assert summary.startswith("chapter 3: 40 iterations")
    assert summary.endswith(f"stopped at 40 of 300 iterations by {ENV}")


def test_a_cap_above_the_run_changes_nothing(gdlab, monkeypatch):
    full = gdlab("run", "1", "--seed", "5", "--format", "json")
    monkeypatch.setenv(ENV, "15")
    same = gdlab("run", "1", "--seed", "5", "--format", "json")
    assert same.out == full.out and ENV not in same.err


def test_a_capped_run_still_diverges_before_the_cap(gdlab, monkeypatch):
    monkeypatch.setenv(ENV, "50")
    result = gdlab("run", "1", "--eta", "3", "--init", "1", "--iterations", "100")
    assert result.code == 3 and ENV not in result.err


def test_a_capped_compare_says_so(gdlab, monkeypatch):
    monkeypatch.setenv(ENV, "7")
    result = gdlab("compare", "2", "--eta", "0.1", "0.2", "--iterations", "100", "--init", "1", "1")
    assert result.code == 0, result.err
    rows = [line.split() for line in result.out.splitlines()[1:]]
    assert [row[2] for row in rows] == ["7", "7"]
    assert f"stopped at 7 of 100 iterations by {ENV}" in result.err


@pytest.mark.parametrize("value", ["0", "x", "1.5", "-3"])
def test_a_bad_cap_is_refused_naming_the_variable(gdlab, monkeypatch, value):
    monkeypatch.setenv(ENV, value)
    result = gdlab("run", "1")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"gdlab: {ENV}: ") and result.err.count("\n") == 1


def test_the_help_names_the_cap(gdlab):
    from tui.cli.command import build_parser

    assert ENV in build_parser().format_help()
