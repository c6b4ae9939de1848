"""Each problem's autograd gradient, optimum, stable bound and convergence."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from quick import examples

from solvers.chapters.registry import make_problem
from solvers.problems.objectives.book import BOOK_X, BOOK_Y_TARGET
from solvers.run.descent import Descent
from solvers.run.measures import distance
from solvers.run.settings import RunSettings

coord = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


def autograd_gradient(chapter: int, values: tuple[float, ...]) -> np.ndarray:
    problem = make_problem(str(chapter))
    objective = problem.objective_on(torch.device("cpu"), torch.float64)
    params = problem.make_params(values, torch.device("cpu"), torch.float64)
    value, _ = objective(params)
    grads = torch.autograd.grad(value.sum(), params)
    return torch.cat([g.reshape(-1) for g in grads]).numpy()


@settings(max_examples=examples(50), deadline=None)
@given(coord)
def test_chapter1_gradient_is_x_minus_2(x):
    assert autograd_gradient(1, (x,)) == pytest.approx([x - 2], rel=1e-12, abs=1e-12)


@settings(max_examples=examples(50), deadline=None)
@given(coord, coord)
def test_chapter2_gradient_is_2x_plus_4_5(x0, x1):
    expected = [2 * x0 + 4, 2 * x1 + 5]
    assert autograd_gradient(2, (x0, x1)) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@settings(max_examples=examples(50), deadline=None)
@given(coord, coord, coord)
def test_chapter3_gradient_is_the_residuals_times_the_samples(w0, w1, b):
    x = np.array(BOOK_X, dtype=np.float32).astype(np.float64)
    target = np.array(BOOK_Y_TARGET, dtype=np.float32).astype(np.float64)
    residual = w0 * x[0] + w1 * x[1] + b - target
    expected = [residual @ x[0], residual @ x[1], residual.sum()]
    assert autograd_gradient(3, (w0, w1, b)) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_optima_are_computed_exactly():
    assert make_problem("1").facts.optimum.params == pytest.approx((2.0,))
    assert make_problem("1").facts.optimum.value == pytest.approx(0.0)
    ch2 = make_problem("2").facts.optimum
    assert ch2.params == pytest.approx((-2.0, -2.5))
    assert ch2.value == pytest.approx(-7.25)


def test_chapter3_optimum_is_the_exact_fit_of_the_samples_as_typed():
    """The three samples fit w = (3.1, 4.2), b = 0.5 exactly: the facts come from the data
    as typed, in float64, not from float32-rounded copies (which gave 3.10001, 4.19999,
    0.500014)."""
    problem = make_problem("3")
    w0, w1, b = problem.facts.optimum.params
    x = np.array(BOOK_X, dtype=np.float64)
    target = np.array(BOOK_Y_TARGET, dtype=np.float64)
    assert w0 * x[0] + w1 * x[1] + b == pytest.approx(target, abs=1e-12)
    exact = np.linalg.solve(np.vstack([x, np.ones(3)]).T, target)
    assert (w0, w1, b) == pytest.approx(tuple(exact), abs=1e-12)
    assert (w0, w1, b) == pytest.approx((3.1, 4.2, 0.5), abs=1e-12)
    assert problem.facts.optimum.value == pytest.approx(0.0, abs=1e-20)
    from tui.app.widgets.problem_facts import facts_text

    assert "optimum: w0* = 3.1, w1* = 4.2, b* = 0.5" in facts_text(problem.spec, problem.facts)


def test_stable_eta_is_two_over_the_largest_hessian_eigenvalue():
    assert make_problem("1").facts.stable_eta == pytest.approx(2.0)
    assert make_problem("2").facts.stable_eta == pytest.approx(1.0)
    x = np.array(BOOK_X, dtype=np.float64)
    design = np.vstack([x, np.ones(3)]).T
    lam_max = np.linalg.eigvalsh(design.T @ design).max()
    assert make_problem("3").facts.stable_eta == pytest.approx(2 / lam_max, rel=1e-12)


@pytest.mark.parametrize(
    ("chapter", "eta", "iterations", "tolerance"),
    [
        (1, 0.4, 60, 1e-5),
        (2, 0.4, 60, 1e-5),
        pytest.param(3, 0.008, 100_000, 0.07, marks=pytest.mark.slow),
    ],
)
def test_each_chapter_converges_to_its_optimum(chapter, eta, iterations, tolerance):
    # ch3 is ill-conditioned (λmax/λmin is large): 100,000 steps at η near its bound
    # bring it within 0.07 of the least-squares solution, from 5.5 at the start.
    problem = make_problem(str(chapter))
    descent = Descent(problem, RunSettings(eta, iterations, seed=1))
    for _ in descent.run():
        pass
    last = descent.history.last()
    assert last is not None
    assert float(distance(last[descent.layout.params], problem.facts)) < tolerance


def test_a_step_above_the_stable_bound_diverges_and_below_converges():
    problem = make_problem("2")
    bound = problem.facts.stable_eta
    below = Descent(problem, RunSettings(0.95 * bound, 400, seed=3))
    above = Descent(problem, RunSettings(1.05 * bound, 400, seed=3))
    for descent in (below, above):
        for _ in descent.run():
            pass
    assert below.diverged is None
    assert above.diverged is not None
