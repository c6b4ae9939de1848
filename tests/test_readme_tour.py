"""Every number the README's tour states about a run is read from the README and checked.

The tour is what a teacher repeats in front of a class: a bound or an iteration
written there that the app does not show would be the first false thing said.
Each test finds its sentence in README.md (so a changed README is checked as it
is) and compares its number with what gdlab computes or prints.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from solvers.chapters.registry import make_problem

README = Path(__file__).resolve().parents[1] / "README.md"
GDLAB = str(Path(sys.executable).with_name("gdlab"))


def _tour() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## A five-minute tour")
    return " ".join(text[start : text.index("\n## ", start + 1)].split())


def _number(pattern: str) -> str:
    found = re.search(pattern, _tour())
    assert found, f"the tour no longer says {pattern!r}: update this test with it"
    return found.group(1)


@pytest.mark.parametrize(
    ("pattern", "chapter"),
    [
        (r"optimum x\* = 2 and the stable bound η < (\S+?),", "1"),
        (r"Press `2`: the same with two parameters \(bound η < (\S+?)\)", "2"),
        (r"the bound η < (\S+) says why the book's η is so small", "3"),
    ],
)
def test_the_tours_bounds_are_the_computed_ones(pattern: str, chapter: str) -> None:
    stated = _number(pattern)
    computed = make_problem(chapter).facts.stable_eta
    assert computed is not None
    digits = len(stated.replace("0.", "").lstrip("0"))
    assert f"{computed:.{digits}g}" == stated


def test_the_tours_divergence_iteration_is_the_runs() -> None:
    eta = _number(r"with η = (\S+) the run is stopped as diverged")
    iteration = _number(r"stopped as diverged at iteration (\d+)")
    bound = _number(r"the status line names the bound η < (\S+?)\.")
    result = subprocess.run(
        [GDLAB, "run", "1", "--eta", eta, "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3, result.stderr
    assert f"diverged at iteration {iteration}:" in result.stderr
    assert f"stable here for η < {bound} " in result.stderr


def test_the_tours_one_step_lands_on_the_optimum() -> None:
    eta = _number(r"at η = (\S+) the first step lands on x\* = 2 \(up to float32 rounding\)")
    result = subprocess.run(
        [GDLAB, "run", "1", "--eta", eta, "--iterations", "2", "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = result.stdout.strip().splitlines()
    assert rows[0].startswith("iteration,x,")
    x = float(rows[2].split(",")[1])  # iteration 1: after the first step
    assert abs(x - 2.0) <= 2.0 * 2**-23, x  # x − (x − 2) rounds in float32 for some starts
