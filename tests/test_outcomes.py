"""What gdlab says about how a run went agrees with the run (issue 21: 5, 12, 13).

A regime word predicted at the start is reconciled with the recorded f values
at the end; a run that falls without bound, or that ends on a maximum or a
saddle, has its own outcome, words and exit code; a start where f is not
defined is refused before any run.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from solvers.chapters.function import function_spec
from solvers.chapters.registry import problem_for
from solvers.core.facts import Regime
from solvers.run.members import Standing
from solvers.run.run_end import regime_at_end
from solvers.run.settings import Outcome
from tui.cli.command import main
from tui.process import EXIT_DIVERGED, EXIT_NOT_MINIMUM, EXIT_OK, EXIT_UNBOUNDED, EXIT_USAGE

ROSENBROCK = "(1-x0)**2 + 100*(x1-x0**2)**2"
SAID = "why"


# ------------------------------------------------------- the regime at the end


@pytest.mark.parametrize("local", [True, False])
def test_a_divergent_word_is_dropped_where_f_fell_to_the_end(local: bool) -> None:
    values = np.array([5.0, 4.0, 2.0, 1.0])
    end = regime_at_end((Regime.DIVERGENT, SAID), local, values, Outcome.FINISHED)
    assert end.word is None
    assert "f fell every step" in end.note and "divergent" in end.note
    assert ("local regime near the start" in end.note) is local


def test_each_regime_is_kept_where_the_run_agrees() -> None:
    falling = np.array([5.0, 4.0, 2.0])
    kept = {
        Regime.MONOTONE: (falling, Outcome.FINISHED),
        Regime.OSCILLATING: (falling, Outcome.STOPPED),
        Regime.CYCLE: (np.array([1.0, 1.0, 1.0]), Outcome.FINISHED),
        Regime.DIVERGENT: (np.array([1.0, 4.0]), Outcome.DIVERGED),
    }
    for kind, (values, outcome) in kept.items():
        assert regime_at_end((kind, SAID), True, values, outcome).word == (
            f"{kind.value} near the start"
        )
        assert regime_at_end((kind, SAID), False, values, outcome).note == ""


@pytest.mark.parametrize(
    ("kind", "values", "outcome", "did"),
    [
        (Regime.MONOTONE, [1.0, 3.0, 9.0], Outcome.DIVERGED, "the run diverged"),
        (Regime.OSCILLATING, [1.0, -1e13], Outcome.UNBOUNDED, "f fell without bound"),
        (Regime.CYCLE, [4.0, 2.0, 1.0], Outcome.FINISHED, "f fell every step"),
        (Regime.DIVERGENT, [1.0, 0.0, 0.0], Outcome.FINISHED, "f never rose, and fell overall"),
        (Regime.DIVERGENT, [3.0, 1.0, 2.0], Outcome.FINISHED, "f fell overall, not every step"),
    ],
)
def test_a_regime_the_run_contradicts_is_replaced_by_what_f_did(
    kind: Regime, values: list[float], outcome: Outcome, did: str
) -> None:
    end = regime_at_end((kind, SAID), True, np.array(values), outcome)
    assert end.word is None and end.note.endswith(did) and end.short.endswith(did)


def test_rosenbrock_divergent_near_its_start_is_reconciled_by_the_cli(gdlab) -> None:
    """Issue 21 item 5: labelled "divergent" by the start's Hessian, yet f falls every
    step; the end says the local regime did not hold, and the exit code is 0."""
    result = gdlab(
        "run", "custom", "--expr", ROSENBROCK, "--init", "-1.5", "2", "--eta", "1e-3",
        "--iterations", "300", "--format", "csv",
    )  # fmt: skip
    assert result.code == EXIT_OK, result.err
    assert "divergent" in result.err  # what the start's Hessian says, near the start
    assert (
        "gdlab: the local regime near the start (divergent) did not hold along the path: "
        "f fell every step"
    ) in result.err
    objective = [float(line.split(",")[3]) for line in result.out.splitlines()[1:]]
    assert all(b < a for a, b in itertools.pairwise(objective))


def test_x_to_the_1000_lands_on_0_and_is_not_called_divergent_at_the_end(gdlab) -> None:
    result = gdlab(
        "run", "custom", "--expr", "x**1000", "--init", "1", "--iterations", "5", "--format", "csv"
    )
    assert result.code == EXIT_OK, result.err
    assert "did not hold along the path: f never rose, and fell overall" in result.err


# ------------------------------------------------------ falling without bound


def test_minus_x_squared_falls_without_bound_with_its_own_outcome_and_code(gdlab) -> None:
    """−x² at η = 0.1 from 1: f = −1.44^k passes −1e12 at k = 76; exit 5, not 0."""
    result = gdlab("run", "custom", "--expr=-x^2", "--init", "1", "--eta", "0.1", "--format", "csv")
    assert result.code == EXIT_UNBOUNDED == 5
    assert "gdlab: f fell without bound at iteration 76" in result.err
    assert "diverged" not in result.err
    assert len(result.out.splitlines()) == 1 + 76  # the rows before the fall
    assert -(1.44**75) > -1e12 > -(1.44**76)  # the threshold, crossed at 76


def test_divergence_upwards_keeps_its_code(gdlab) -> None:
    result = gdlab("run", "1", "--eta", "3", "--init", "1")
    assert result.code == EXIT_DIVERGED == 3
    assert "diverged at iteration 4" in result.err and "without bound" not in result.err


def test_a_compare_tells_falling_without_bound_from_diverging(gdlab) -> None:
    result = gdlab(
        "compare", "custom", "--expr=-x^2", "--init", "1", "--eta", "0.1", "--iterations", "200"
    )
    assert result.code == EXIT_OK
    assert re.search(r"unbounded below at 76\s*$", result.out.splitlines()[1])


# -------------------------------------------- stationary points, not minima


def test_a_run_on_a_maximum_says_so_and_exits_6(gdlab) -> None:
    result = gdlab(
        "run", "custom", "--expr", "cos(x)", "--init", "0", "--eta", "0.1", "--format", "csv"
    )
    assert result.code == EXIT_NOT_MINIMUM == 6
    assert (
        "gdlab: stopped on a stationary point that is not a minimum (a local maximum: the Hessian "
        "has eigenvalue -1 < 0); ∇f = 0, so plain descent cannot leave it"
    ) in result.err


def test_a_compare_member_where_the_gradient_vanishes_without_a_known_minimum(gdlab) -> None:
    """x³ has no minimum; descent from 0.001 creeps to its inflection point at 0, where
    ∇f = 0 and the Hessian is 0: the member says ∇f ≈ 0, never "converged"."""
    result = gdlab(
        "compare", "custom", "--expr", "x^3", "--init", "0.001", "--eta", "0.1",
        "--iterations", "4000",
    )  # fmt: skip
    assert result.code == EXIT_OK
    row = result.out.splitlines()[1]
    assert row.endswith("∇f ≈ 0") and "converged" not in row
    bowl = gdlab("compare", "custom", "--expr", "x^2", "--init", "1", "--eta", "0.1")
    assert bowl.out.splitlines()[1].endswith("converged")  # f* = 0 is known: converged


def test_a_compare_member_on_a_maximum_or_saddle_is_not_converged(gdlab) -> None:
    """Issue 21 item 12: ``compare custom --expr "cos(x)" --init 0`` said "converged"."""
    result = gdlab("compare", "custom", "--expr", "cos(x)", "--init", "0", "--eta", "0.1")
    assert result.code == EXIT_OK
    row = result.out.splitlines()[1]
    assert row.endswith("on a local maximum") and "converged" not in row
    saddle = gdlab(
        "compare", "custom", "--expr", "x0^2 - x1^2", "--init", "1", "0", "--eta", "0.1",
        "--iterations", "200",
    )  # fmt: skip
    assert saddle.out.splitlines()[1].endswith("on a saddle")


def test_a_saddle_reached_along_its_rising_direction_is_named(gdlab) -> None:
    result = gdlab(
        "run", "custom", "--expr", "x0^2 - x1^2", "--init", "1", "0", "--eta", "0.1",
        "--iterations", "300", "--format", "csv",
    )  # fmt: skip
    assert result.code == EXIT_NOT_MINIMUM
    assert "(a saddle: the Hessian has eigenvalue -2 < 0)" in result.err


@pytest.mark.parametrize(("expr", "start"), [("x^4", "0"), ("x^2", "1")])
def test_a_minimum_even_a_flat_one_is_not_called_anything_else(gdlab, expr, start) -> None:
    """x⁴'s Hessian at 0 is 0: no negative eigenvalue, so no claim; x² converges."""
    result = gdlab(
        "run", "custom", "--expr", expr, "--init", start, "--eta", "0.1", "--format", "csv"
    )
    assert result.code == EXIT_OK, result.err
    assert "stationary" not in result.err


def test_the_standings_of_the_compare_name_each_outcome() -> None:
    assert {s.value for s in Standing} >= {"not converged", "unbounded below", "not a minimum"}


# -------------------------------------------------- a start f is not defined at


@pytest.mark.parametrize(
    ("expr", "start", "shown"),
    [("log(x)", "-1", "nan"), ("sqrt(x)", "-1", "nan"), ("x/0", "1", "inf"), ("x**-1", "0", "inf")],
)
@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_start_where_f_is_not_finite_is_refused_before_the_run(
    gdlab, command: str, expr: str, start: str, shown: str
) -> None:
    result = gdlab(command, "custom", "--expr", expr, "--init", start)
    assert result.code == EXIT_USAGE == 2
    assert result.err == (
        f"gdlab: init: f is not finite at the start (f = {shown}); "
        "expected a start where f is defined\n"
    )
    assert result.out == ""


def test_a_start_where_the_gradient_is_not_finite_is_refused_too(gdlab) -> None:
    result = gdlab("run", "custom", "--expr", "sqrt(x)", "--init", "0")
    assert result.code == EXIT_USAGE
    assert result.err.startswith("gdlab: init: ∇f is not finite at the start (f = 0, ")


def test_the_exit_codes_are_in_the_run_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as leaving:
        main(["run", "--help"])
    assert leaving.value.code == EXIT_OK
    codes = capsys.readouterr().out.split("exit codes:")[1]
    assert re.search(r"^  5 +f fell without bound", codes, re.MULTILINE)
    assert re.search(r"^  6 +ended on a stationary point that is not a minimum", codes, re.M)
    assert re.search(r"^  3 +diverged", codes, re.MULTILINE)


def test_a_defined_start_passes_the_check() -> None:
    from solvers.run.start_check import check_start

    spec = function_spec(ROSENBROCK, (-1.5, 2.0))
    check_start(problem_for(spec), (-1.5, 2.0), "float32", "init")  # raises nothing


def test_the_compare_json_gives_the_reason_of_a_member_on_a_maximum(gdlab) -> None:
    import json

    result = gdlab(
        "compare", "custom", "--expr", "cos(x)", "--init", "0", "--iterations", "3",
        "--format", "json",
    )  # fmt: skip
    member = json.loads(result.out)["members"][0]["result"]
    assert member["outcome"] == "on a local maximum"
    assert member["reason"].startswith("stopped on a stationary point that is not a minimum")


def test_a_steep_minimum_far_below_the_start_is_not_taken_for_a_fall(gdlab) -> None:
    """f passes −1e12 on its way to its minimum −1e13, but ‖∇f‖ shrinks: no fall."""
    result = gdlab(
        "run", "custom", "--expr", "1e13*(x-1)^2 - 1e13", "--init", "0", "--eta", "1e-14",
        "--iterations", "50", "--format", "csv",
    )  # fmt: skip
    assert result.code == EXIT_OK, result.err
    assert "without bound" not in result.err


def test_the_cli_ends_in_one_line_whatever_the_regime_said() -> None:
    from solvers.run.run_end import end_lines

    falling, rising = np.array([3.0, 2.0, 1.0]), np.array([1.0, 5.0])
    said = (Regime.MONOTONE, SAID)
    assert end_lines(Outcome.DIVERGED, "diverged at iteration 2: …", said, True, rising) == [
        "diverged at iteration 2: …"
    ]
    assert end_lines(Outcome.FINISHED, "", said, True, falling) == []
    (line,) = end_lines(Outcome.FINISHED, "", (Regime.DIVERGENT, SAID), True, falling)
    assert line.endswith("did not hold along the path: f fell every step")
