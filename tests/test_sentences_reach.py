"""Sentences a reviewer found too wide, each checked on the case that showed it.

A quadratic the degree pass cannot see ((x+1)³ − x³ is 3x² + 3x + 1) gets only local
facts: they must say "not recognised", not "not a quadratic", and that the local
regime *may* change. A regime stated from a Hessian must hold for a start with no
offset along the steepest direction too; a schedule keeps the local reach; momentum
is not given plain descent's factor; adaptive methods' sentences say their limits.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from solvers.chapters.function import function_spec
from solvers.chapters.registry import problem_for
from solvers.optim.choices import CONSTANT, PLAIN, OptimizerChoice, ScheduleChoice
from solvers.optim.regimes import said_regime
from solvers.run.settings import Divergence
from tui.app.widgets.problem_facts import facts_text

GDLAB = str(Path(sys.executable).with_name("gdlab"))


def facts_of(text: str, start: tuple[float, ...]):
    spec = function_spec(text, start)
    return spec, problem_for(spec).facts_at(start)


def test_a_quadratic_the_degree_pass_misses_is_not_called_no_quadratic() -> None:
    spec, facts = facts_of("(x+1)^3 - x^3", (0.0,))
    assert facts.is_local
    panel = facts_text(spec, facts)
    assert "not recognised as a quadratic" in panel and "not a quadratic" not in panel
    said = said_regime(0.1, facts, PLAIN, CONSTANT)
    assert said is not None and "may change along the path" in said.text


def test_a_schedule_keeps_the_local_reach() -> None:
    _, facts = facts_of("(x+1)^3 - x^3", (0.0,))
    said = said_regime(0.1, facts, PLAIN, ScheduleChoice("step"))
    assert said is not None and "near the start at first" in said.text, said.text


def test_divergent_and_cycle_hold_for_a_start_with_no_steep_offset() -> None:
    _, facts = facts_of("x0^2 + 10*x1^2", (1.0, 0.0))  # no offset along λmax = 20
    for eta in (0.15, 0.1):  # above 2/λmax, and on it
        said = said_regime(eta, facts, PLAIN, CONSTANT)
        assert said is not None and "the steepest part of the offset" in said.text, said.text
        assert "steps land farther" not in said.text and "jump across" not in said.text


def test_momentum_on_a_saddle_is_not_given_plain_descents_factor() -> None:
    _, facts = facts_of("x0^2 - x1^2", (1.0, 1.0))
    said = said_regime(0.1, facts, OptimizerChoice("momentum"), CONSTANT)
    assert said is not None and "1 − ηλmin" not in said.detail, said.detail
    assert "grows geometrically" in said.detail
    plain = said_regime(0.1, facts, PLAIN, CONSTANT)
    assert plain is not None and "1 − ηλmin > 1" in plain.detail


def test_a_valleys_condition_number_is_not_stated() -> None:
    _, facts = facts_of("(x0+3*x1)^2", (1.0, 1.0))
    assert facts.condition_number is None


def test_adaptive_methods_say_their_limits() -> None:
    _, facts = facts_of("x^2", (1.0,))
    texts = {
        name: said_regime(0.1, facts, OptimizerChoice(name), CONSTANT)
        for name in ("adagrad", "adam", "rmsprop", "radam")
    }
    assert all(said is not None for said in texts.values())
    assert "steps shrink" not in texts["adagrad"].text  # g = 1, 0.01, 1: steps η, 0.01η, 0.71η
    assert "while |g| ≫ ε" in texts["adam"].detail and "while |g| ≫ ε" in texts["rmsprop"].detail
    assert "once ρₜ > 5" in texts["radam"].text and "β₂ ≤ 2/3" in texts["radam"].detail


def test_a_local_bound_keeps_its_reach_in_the_divergence_lesson() -> None:
    local = Divergence(1, "f rose", 2e-6, "local: Hessian at the start")
    exact = Divergence(4, "it moved away", 2.0, "Hessian of a quadratic")
    assert "stable near the start for η < 2e-06" in local.message
    assert "stable here for η < 2" in exact.message


def test_a_tiny_maximum_is_told_as_one() -> None:
    """−1e-10·x² from 0: the Hessian's −2e-10 is small, but it is all the Hessian has."""
    options = ("--init", "0", "--eta", "0.1", "--iterations", "50", "--format", "csv")
    done = subprocess.run(
        [GDLAB, "run", "custom", "--expr=-1e-10*x^2", *options],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 6, done.stderr
    assert "not a minimum (a local maximum" in done.stderr
