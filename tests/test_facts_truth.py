"""What gdlab says about a function and an η before a run is true, and says its reach.

Issue 21, items 4, 6 and 11: a function is a quadratic by its expression, not by two
Hessian samples; anything else has only local facts, labelled so; the five regimes
of plain descent with their boundaries; momentum's exact bound; other optimizers
are not given plain descent's regimes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from solvers.chapters.function import function_spec
from solvers.chapters.registry import make_problem, problem_for
from solvers.core.facts import (
    REGIME_TOLERANCE,
    BoundReason,
    Curvature,
    Regime,
    Shape,
    regime,
)
from solvers.optim.choices import OptimizerChoice, ScheduleChoice
from solvers.optim.regimes import momentum_bound, presets_apply, said_regime
from solvers.optim.registry import OPTIMIZER_SPECS
from solvers.run.descent import Descent
from solvers.run.settings import RunSettings
from tui.app.widgets.problem_facts import facts_text
from tui.app.widgets.regime_line import regime_text

PLAIN = OptimizerChoice()
CONSTANT = ScheduleChoice()


def custom(text: str, start: tuple[float, ...]):
    spec = function_spec(text, start)
    problem = problem_for(spec)
    return spec, problem, problem.facts_at(start)


def said(eta, facts, optimizer=PLAIN, schedule=CONSTANT):
    text = said_regime(eta, facts, optimizer, schedule)
    assert text is not None
    return text


# ------------------------------------------------- functions that are not quadratics


def test_a_sine_bump_on_a_parabola_is_not_a_quadratic():
    """x² + sin(2πx): two Hessian samples agree (2 at 0 and 0.5), the old test took it
    for a quadratic and said "optimum x* = −3.14159 (Newton step)", which the run passes."""
    spec, _, facts = custom("x^2 + sin(2*pi*x)", (0.0,))
    assert facts.optimum is None and facts.shape is None
    assert facts.bound is BoundReason.LOCAL and not facts.bound_is_global
    shown = facts_text(spec, facts)
    assert "optimum unknown" in shown and "Newton step" not in shown
    assert "Hessian of a quadratic" not in shown and "near the start" in shown
    text = said(0.1, facts).text
    assert "near the start" in text and "converge" not in text
    # the local minimum offered is one: f' = 0 and f'' > 0 there, to float64 precision
    local = facts.local_minimum
    assert local is not None
    (x,) = local.params
    assert 2 * x + 2 * math.pi * math.cos(2 * math.pi * x) == pytest.approx(0, abs=1e-9)
    assert 2 - 4 * math.pi**2 * math.sin(2 * math.pi * x) > 0
    assert "maybe not the lowest" in shown


def test_the_local_minima_of_a_cosine_ripple_are_where_they_are():
    """x² + 0.1·cos(4πx) from 0.3: the minima are at ±0.2213 (f' = 2x − 0.4π sin 4πx = 0),
    not at the Newton step 0.2094 of the start's quadratic model."""
    spec, _, facts = custom("x^2 + 0.1*cos(4*pi*x)", (0.3,))
    assert facts.optimum is None and facts.local_minimum is not None
    (x,) = facts.local_minimum.params
    assert 2 * x - 0.4 * math.pi * math.sin(4 * math.pi * x) == pytest.approx(0, abs=1e-9)
    assert x == pytest.approx(0.2213507, abs=1e-6)
    assert "0.221351" in facts_text(spec, facts)


def test_x4_from_a_quarter_has_no_optimum_and_no_distance():
    """x⁴'s Hessian at 0 is singular: no checked minimum, no distance to an optimum;
    the bound is the start's and says so."""
    spec, problem, facts = custom("x^4", (-0.25,))
    assert facts.optimum is None and facts.local_minimum is None
    assert facts.stable_eta == pytest.approx(2 / 0.75) and facts.bound is BoundReason.LOCAL
    descent = Descent(problem, RunSettings(0.1, 5, start=(-0.25,)))
    for _ in descent.run():
        pass
    last = descent.view.last()
    assert last is not None and descent.view.distance(last[descent.layout.params]) is None
    assert "stable for η < 2.66667 (local: Hessian at the start)" in facts_text(spec, facts)


def test_x_cubed_near_zero_is_not_a_local_minimum():
    """Newton's steps towards x³'s inflection at 0 halve each time, the Hessian stays
    positive on the way: the check must still refuse it."""
    _, _, facts = custom("x^3", (1.0,))
    assert facts.local_minimum is None


def test_exp_has_no_minimum_and_is_never_said_to_converge():
    spec, _, facts = custom("exp(x)", (0.0,))
    assert facts.local_minimum is None and facts.optimum is None
    for eta in (0.1, 1.0, 1.5, 2.0, 3.0):
        text = said(eta, facts).text
        assert "near the start" in text and "converge" not in text, text
    assert "no local minimum found" in facts_text(spec, facts)


def test_cos_from_its_top_curves_down_and_gets_no_regime():
    spec, _, facts = custom("cos(x)", (0.0,))
    assert facts.curvature is Curvature.NEGATIVE and facts.stable_eta is None
    text = said(0.1, facts)
    assert text.kind is None and "curves down" in text.text and "near the start" in text.text
    assert not presets_apply(facts, PLAIN, CONSTANT)
    assert "near the start f curves down" in facts_text(spec, facts)


def test_an_indefinite_start_says_so_and_gets_no_regime():
    _, _, facts = custom("x0^2 - x1^2 + x0^4", (0.5, 0.5))
    assert facts.shape is None and facts.curvature is Curvature.INDEFINITE
    assert facts.stable_eta is None
    assert "curves down along some direction" in said(0.01, facts).text


def test_a_function_undefined_at_the_start_has_no_facts():
    """log(x) at −1: its Hessian −1/x² is finite there, f is not."""
    _, _, facts = custom("log(x)", (-1.0,))
    assert facts.curvature is None and facts.stable_eta is None
    assert said_regime(0.1, facts) is None


def test_rosenbrock_is_local_and_its_regime_says_it_may_not_hold():
    _, _, facts = custom("(1-x0)**2 + 100*(x1-x0**2)**2", (-1.5, 2.0))
    assert facts.is_local and facts.optimum is None
    text = said(1e-3, facts)
    assert text.kind is Regime.DIVERGENT and text.local
    assert "near the start" in text.text and "of the start's Hessian" in text.text
    assert "may change along the path" in text.text and "grows each step" not in text.text


# --------------------------------------------------------- quadratics: their shapes


def test_a_saddle_has_no_minimum_and_no_bound():
    """The old facts gave x0² − x1² "stable for η < 0.5 (Hessian of a quadratic)"."""
    spec, _, facts = custom("x0^2 - x1^2", (1.0, 1.0))
    assert facts.shape is Shape.SADDLE and facts.stable_eta is None and facts.optimum is None
    assert facts.stationary is not None and facts.stationary.params == (0.0, 0.0)
    text = said(0.1, facts)
    assert text.kind is None and "no minimum" in text.text and "unbounded below" in text.line
    assert "stable" not in facts_text(spec, facts)


def test_minus_x_squared_is_a_maximum():
    spec, _, facts = custom("-x^2", (1.0,))
    assert facts.shape is Shape.MAXIMUM and facts.stable_eta is None
    assert "maximum: x = 0, f = 0" in facts_text(spec, facts)
    assert "no minimum" in said(0.1, facts).text


def test_a_valley_is_said_to_be_one_and_where_descent_ends():
    """(x0 + x1)²: minimum not unique. Plain descent never changes x0 − x1, so from
    (1, 0) it converges to the valley's point nearest the start, (0.5, −0.5)."""
    spec, problem, facts = custom("(x0+x1)^2", (1.0, 0.0))
    assert facts.shape is Shape.VALLEY and facts.optimum is None
    assert facts.valley is not None and facts.valley.params == pytest.approx((0.5, -0.5))
    assert facts.stable_eta == pytest.approx(0.5) and facts.bound_is_global
    assert "minimum not unique: a valley of minima" in facts_text(spec, facts)
    descent = Descent(problem, RunSettings(0.1, 60, start=(1.0, 0.0), dtype="float64"))
    for _ in descent.run():
        pass
    final = descent.current_values()
    assert final == pytest.approx((0.5, -0.5), abs=1e-9)


def test_a_linear_direction_is_unbounded_below():
    _, _, facts = custom("x0 + x1^2", (0.0, 0.0))
    assert facts.shape is Shape.UNBOUNDED and facts.stable_eta is None
    text = said(0.1, facts)
    assert "moves on along it" in text.text and "f is unbounded below" in text.line


# -------------------------------------------------------------- the five regimes

BOUNDARIES = [
    ("1", None, 1.0, 2.0, True),
    ("2", None, 0.5, 1.0, True),
    ("custom", ("x0^2+10*x1^2", (1.0, 1.0)), 0.05, 0.1, False),
]


def _facts_of(problem_id, typed):
    if typed is None:
        return make_problem(problem_id).facts
    return custom(*typed)[2]


@pytest.mark.parametrize(("problem_id", "typed", "one", "two", "equal"), BOUNDARIES)
def test_the_five_regimes_and_their_exact_boundaries(problem_id, typed, one, two, equal):
    facts = _facts_of(problem_id, typed)
    cases = [
        (0.5 * one, Regime.MONOTONE),
        (one, Regime.ONE_STEP),
        (one * (1 + 0.5 * REGIME_TOLERANCE), Regime.ONE_STEP),
        (one * (1 + 3 * REGIME_TOLERANCE), Regime.OSCILLATING),
        (one * (1 - 3 * REGIME_TOLERANCE), Regime.MONOTONE),
        (1.5 * one, Regime.OSCILLATING),
        (two, Regime.CYCLE),
        (two * (1 - 0.5 * REGIME_TOLERANCE), Regime.CYCLE),
        (two * (1 - 3 * REGIME_TOLERANCE), Regime.OSCILLATING),
        (two * (1 + 3 * REGIME_TOLERANCE), Regime.DIVERGENT),
    ]
    for eta, kind in cases:
        got = regime(eta, facts)
        assert got is not None and got[0] is kind, (eta, got)
    text = regime(one, facts)[1]
    assert "stops short" not in text
    if equal:
        assert "the first step lands on the optimum" in text
    else:
        assert "the steepest direction is done in one step" in text
        assert "the others converge monotonically" in text


def test_chapter1_at_eta_1_lands_on_the_optimum_at_the_first_step_in_float32():
    problem = make_problem("1")
    descent = Descent(problem, RunSettings(1.0, 3, seed=7))
    for _ in descent.run():
        pass
    xs = descent.history.rows[:, 0]
    assert xs[1] == np.float32(2.0) and xs[2] == np.float32(2.0)


def test_the_cli_at_eta_1_says_one_step_and_at_2_a_cycle_in_words(gdlab):
    one = gdlab("run", "1", "--eta", "1", "--iterations", "3", "--format", "csv")
    assert one.code == 0, one.err
    line = one.err.splitlines()[0]
    assert line.startswith("gdlab: η = 1: one step. At 1/λmax = 1,")
    assert "the first step lands on the optimum" in line
    assert "stops short" not in line and "monotonically" not in line
    two = gdlab("run", "1", "--eta", "2", "--iterations", "3", "--format", "csv")
    line = two.err.splitlines()[0]
    assert line.startswith("gdlab: η = 2: cycle. At 2/λmax = 2,") and " is cycle" not in line


# ------------------------------------------------------------------ per optimizer


def _heavy_ball(eta, lam, mu, damp=0.0, nesterov=False, steps=400):
    """|θ − θ*| after ``steps`` of torch.optim.SGD on f = λ(θ − 1)²/2 from θ = 0, float64."""
    theta = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    sgd = torch.optim.SGD([theta], lr=eta, momentum=mu, dampening=damp, nesterov=nesterov)
    for _ in range(steps):
        sgd.zero_grad()
        (lam * (theta - 1) ** 2 / 2).sum().backward()
        sgd.step()
    return abs(float(theta.detach()) - 1)


@pytest.mark.parametrize(
    ("mu", "damp", "nesterov"),
    [(0.9, 0.0, False), (0.5, 0.0, False), (0.5, 0.3, False), (0.9, 0.0, True), (0.5, 0.0, True)],
)
def test_momentums_bound_is_where_torch_optim_sgd_stops_converging(mu, damp, nesterov):
    """2(1 + μ)/((1 − d)λmax) for heavy ball, 2(1 + μ)/((1 + 2μ)λmax) for Nesterov: just
    below it torch.optim.SGD converges, just above it the distance grows."""
    _, _, facts = custom("5*(x - 1)^2", (0.0,))  # λ = 10
    name = "nesterov" if nesterov else "momentum"
    knobs = {"momentum": mu} | ({} if nesterov else {"dampening": damp})
    optimizer = OptimizerChoice(name, knobs)
    bound = momentum_bound(facts, optimizer)
    expected = 2 * (1 + mu) / ((1 + 2 * mu) * 10) if nesterov else 2 * (1 + mu) / ((1 - damp) * 10)
    assert bound == pytest.approx(expected, rel=1e-12)
    assert _heavy_ball(0.97 * bound, 10, mu, damp, nesterov) < 1e-3
    assert _heavy_ball(1.03 * bound, 10, mu, damp, nesterov) > 1
    below, above = said(0.97 * bound, facts, optimizer), said(1.03 * bound, facts, optimizer)
    assert below.short == "stable" and "converges iff η < 2(1 + μ)/" in below.text
    assert f"= {bound:.4g}" in below.text and "z² − (1 + μ" in below.line
    assert above.short == "unstable" and "diverges" in above.text
    assert below.kind is None and above.kind is None  # no plain-descent regime, no presets
    assert not presets_apply(facts, optimizer, CONSTANT)


def test_momentum_zero_is_plain_descent_and_keeps_its_regimes():
    facts = make_problem("1").facts
    sgd = OptimizerChoice("momentum", {"momentum": 0})
    assert said(1.0, facts, sgd).kind is Regime.ONE_STEP
    assert presets_apply(facts, sgd, CONSTANT)


def test_momentum_on_a_saddle_says_no_minimum():
    _, _, facts = custom("x0^2 - x1^2", (1.0, 1.0))
    text = said(0.1, facts, OptimizerChoice("momentum"))
    assert momentum_bound(facts, OptimizerChoice("momentum")) is None
    assert "no minimum" in text.text and "momentum leaves" in text.text


@pytest.mark.parametrize("name", ["adam", "adamw", "adagrad", "rmsprop", "armijo"])
def test_other_optimizers_get_no_plain_descent_regime(name):
    facts = make_problem("1").facts
    text = said(0.4, facts, OptimizerChoice(name))
    assert text.kind is None
    assert "m o y d are plain descent's regimes" in text.text
    for word in ("monotone", "converges monotonically", "oscillat", "cycle", "divergen"):
        assert word not in text.text
    assert not presets_apply(facts, OptimizerChoice(name), CONSTANT)
    assert "monotone" not in regime_text(facts, "0.4", optimizer=OptimizerChoice(name))


def test_a_schedule_says_its_regime_is_the_first_iterations_only():
    facts = make_problem("1").facts
    text = said(0.4, facts, PLAIN, ScheduleChoice("exponential"))
    assert text.kind is None and text.text.startswith("η = 0.4: monotone at first.")
    assert "schedule changes η during the run" in text.text
    assert not presets_apply(facts, PLAIN, ScheduleChoice("exponential"))


# ------------------------------------------------- every sentence fits the regime line

LINE_WIDTH, LINE_ROWS = 33, 4
"""The app's regime line at 120×40: 33 columns (a scrollbar beside the knobs), 4 rows."""


WITHOUT_BOUND = [name for name in OPTIMIZER_SPECS if name not in ("plain", "momentum", "nesterov")]
"""Every optimizer of the registry for which no bound of η is stated."""


def _sayings():
    chapters = [make_problem(c).facts for c in "123"]
    for facts in chapters:
        for share in (0.25, 0.5, 0.75, 1.0, 1.25, 0.6173):
            yield share * facts.stable_eta, facts, PLAIN, CONSTANT
    typed = [
        ("x^2 + sin(2*pi*x)", (0.0,)),
        ("x^2 + 0.1*cos(4*pi*x)", (0.3,)),
        ("exp(x)", (0.0,)),
        ("x0^2 - x1^2", (1.0, 1.0)),
        ("-x^2", (1.0,)),
        ("-x0^2", (1.0, 1.0)),
        ("(x0+x1)^2", (1.0, 0.0)),
        ("x0 + x1^2", (0.0, 0.0)),
        ("cos(x)", (0.0,)),
        ("(1-x0)**2 + 100*(x1-x0**2)**2", (-1.5, 2.0)),
        ("x0^2+10*x1^2", (1.0, 1.0)),
        ("x*0 + 3", (1.0,)),
        ("x0^2 - x1^2 + x0^4", (0.5, 0.5)),
        ("12.3456*x0^2 - 0.000123456*x1^2", (1.0, 1.0)),
        ("x^4 - 0.5*x^3", (-0.25,)),
    ]
    for text, start in typed:
        facts = custom(text, start)[2]
        for eta in (1.23456e-4, 0.0123456, 0.25, 1.23456):
            yield eta, facts, PLAIN, CONSTANT
    optimizers = [
        OptimizerChoice("momentum"),
        OptimizerChoice("momentum", {"momentum": 0.95, "dampening": 0.35, "weight-decay": 0.015}),
        OptimizerChoice("nesterov", {"momentum": 0.95, "weight-decay": 0.0015}),
        OptimizerChoice("momentum", {"dampening": 1}),
        *(OptimizerChoice(name) for name in WITHOUT_BOUND),
    ]
    for optimizer in optimizers:
        for facts in (chapters[2], custom("x0^2 - x1^2", (1.0, 1.0))[2]):
            for eta in (1.23456e-4, 0.0123456, 1.23456):
                yield eta, facts, optimizer, CONSTANT
    for schedule in ("step", "exponential", "cosine", "plateau"):
        yield 1.23456e-3, chapters[2], PLAIN, ScheduleChoice(schedule)
        yield 1.23456e-3, chapters[2], OptimizerChoice("adam"), ScheduleChoice(schedule)


def test_every_optimizer_without_a_stated_bound_says_what_it_does_instead():
    """Was: nadam and radam, new in the registry, fell through to momentum's bound
    ("Momentum (μ = 0) converges iff η < 2"). Every optimizer but plain descent and the
    two momentum methods says "no regime" and its own sentence."""
    facts = make_problem("1").facts
    assert set(WITHOUT_BOUND) >= {"adam", "nadam", "radam", "armijo"}
    for name in WITHOUT_BOUND:
        text = said(0.4, facts, OptimizerChoice(name), CONSTANT)
        assert text.kind is None and text.short == "no regime", (name, text)
        assert "Momentum (" not in text.text and "converges" not in text.text, (name, text)
        assert OPTIMIZER_SPECS[name].instead[0][:12].lower() in text.text.lower(), (name, text)


def test_every_sentence_fits_the_regime_line_and_starts_with_eta():
    """Four rows of 33 columns: a sentence that did not fit would be cut mid-number. Each
    starts ``η = …`` (the CLI's line too: tests and users pick it out by that)."""
    import textwrap

    for eta, facts, optimizer, schedule in _sayings():
        text = said(eta, facts, optimizer, schedule)
        rows = textwrap.wrap(text.text, LINE_WIDTH, break_long_words=False)
        assert len(rows) <= LINE_ROWS, rows
        assert text.text.startswith(f"η = {eta:g}: ")


SHORT_WIDTH = 25
"""The regime line at 80×24: one row of 25 columns."""


def test_every_short_form_fits_one_row_at_80x24():
    """``η = 0.4: monotone``, ``near start: divergent``: the reach stays, nothing is cut."""
    for eta, facts, optimizer, schedule in _sayings():
        for typed in (f"{eta:.3g}", "0.001", "2.5"):
            text = regime_text(facts, typed, short=True, optimizer=optimizer, schedule=schedule)
            assert 0 < len(text) <= SHORT_WIDTH, text
            said_here = said(float(typed), facts, optimizer, schedule)
            assert ("near start" in text) is said_here.local


HOSTILE = [
    "sqrt(x0) + x1^2",
    "log(x0*x1)",
    "abs(x0) + abs(x1)",
    "max(x0, x1)^2",
    "x0/x1",
    "1/(x0^2 + x1^2)",
    "tan(x0)*x1",
    "x0**-1 + x1",
    "softplus(x0) - sigmoid(x1)",
    "1e300*x0^4 - 1e300*x1^4",
    "exp(exp(x0)) + x1",
    "min(x0, 0)^3 + x1^2",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("start", [(0.0, 0.0), (-1.0, 2.0), (3.0, 40.0)])
def test_facts_of_any_function_come_back_and_never_claim_too_much(text, start):
    """Whatever f does at or near the start, the facts come back (no exception), a
    non-quadratic never gets an optimum, and a local minimum is one: finite, ∇f ≈ 0."""
    spec, problem, facts = custom(text, start)
    assert facts.optimum is None and not facts.bound_is_global
    local = facts.local_minimum
    if local is not None:
        point = torch.tensor(local.params, dtype=torch.float64, requires_grad=True)
        value = problem.value64()(point)
        (grad,) = torch.autograd.grad(value, point)
        assert math.isfinite(local.value) and float(grad.norm()) < 1e-6
    facts_text(spec, facts)  # and it can be shown
    said_regime(0.1, facts)
