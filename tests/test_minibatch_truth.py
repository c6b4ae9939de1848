"""What is said of η on a minibatch run is what is true of a batch's step: each batch's
loss curves by up to N·max‖[xᵢ 1]‖² (exactly that for a one-row batch), and the
full-batch regime, its presets and its bound are not said of it."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import chapter, first_screen, set_fields, text_of, wait_until
from test_regression_data import STACKLOSS

from solvers.chapters.base import ON
from solvers.chapters.registry import chapter_of, problem_for
from solvers.optim.choices import CONSTANT, PLAIN
from solvers.optim.regimes import presets_apply, said_regime
from tui.app.app import GdlabApp

VALUES = {"data": STACKLOSS, "target": "STACKLOSS", "standardize": ON}


def design() -> np.ndarray:
    """Stack loss's rows as [z-scored x, 1], population σ, from the file itself."""
    table = np.loadtxt(STACKLOSS, delimiter=",", skiprows=1)
    x = table[:, 1:]
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    return np.hstack([z, np.ones((len(z), 1))])


def test_the_batch_curvature_is_n_times_the_largest_row_and_a_one_row_batch_reaches_it():
    facts = problem_for(chapter_of("3").spec(VALUES)).facts
    rows = design()
    n = len(rows)
    assert facts.rows == n == 21
    largest = n * max(float(r @ r) for r in rows)
    assert facts.batch_curvature == pytest.approx(largest, rel=1e-12)
    one_row = [n * np.linalg.eigvalsh(np.outer(r, r))[-1] for r in rows]
    assert max(one_row) == pytest.approx(largest, rel=1e-9)
    assert largest > 1 / facts.stable_eta  # a batch curves more than all rows do


@pytest.mark.parametrize("batch", [1, 4])
def test_below_two_over_it_no_batch_step_moves_away_from_that_batchs_fits(batch: int):
    facts = problem_for(chapter_of("3").spec(VALUES)).facts
    eta = 0.99 * 2 / (facts.batch_curvature or 0)
    rows = design()
    target = np.loadtxt(STACKLOSS, delimiter=",", skiprows=1)[:, 0]
    n = len(rows)
    generator = np.random.default_rng(batch)
    for _ in range(200):
        chosen = generator.choice(n, batch, replace=False)
        a, t = rows[chosen], target[chosen]
        fit = np.linalg.lstsq(a, t, rcond=None)[0]  # a point of the batch's fits
        projector = np.linalg.pinv(a) @ a  # onto the batch's row space
        theta = fit + generator.normal(scale=10, size=rows.shape[1])
        after = theta - eta * (n / batch) * a.T @ (a @ theta - t)
        before_gap = projector @ (theta - fit)
        after_gap = projector @ (after - fit)
        assert np.linalg.norm(after_gap) <= np.linalg.norm(before_gap) * (1 + 1e-9)
        assert np.allclose((np.eye(len(fit)) - projector) @ (after - theta), 0, atol=1e-9)


def test_the_sentence_and_the_presets_follow_the_batch_size():
    facts = problem_for(chapter_of("3").spec(VALUES)).facts
    full = said_regime(0.02, facts)
    assert full is not None and full.kind is not None  # every row: plain descent's regime
    said = said_regime(0.02, facts, batch=4)
    assert said is not None and said.kind is None
    assert "full-batch descent's regime does not apply" in said.text
    assert "η ≥ 2/that = 0.009262" in said.text and "monotone" not in said.text
    assert "cannot settle on it" in said.text
    below = said_regime(0.005, facts, batch=4)
    assert below is not None and "no batch's step moves θ away" in below.text
    assert presets_apply(facts, PLAIN, CONSTANT) and not presets_apply(facts, PLAIN, CONSTANT, 4)
    every = said_regime(0.02, facts, batch=21)  # a batch of every row: the full batch
    assert every is not None and every.kind is full.kind


def test_the_readme_minibatch_example_does_not_promise_convergence(gdlab):
    result = gdlab(
        "run", "3", "--data", STACKLOSS, "--target", "STACKLOSS", "--standardize",
        "--batch-size", "4", "--seed", "1", "--iterations", "50", "--format", "csv",
    )  # fmt: skip
    assert result.code == 0
    first = result.err.splitlines()[0]
    assert "with batches of 4 of the 21 rows" in first
    assert "monotone" not in first and "converges" not in first


def test_a_diverged_minibatch_run_names_the_batch_curvature(gdlab):
    result = gdlab(
        "run", "3", "--data", STACKLOSS, "--target", "STACKLOSS", "--standardize",
        "--batch-size", "1", "--seed", "1", "--format", "csv",
    )  # fmt: skip
    assert result.code == 3
    last = result.err.strip().splitlines()[-1]
    assert "full-batch plain descent is stable here for η < 0.0446462" in last
    assert "a batch's loss curves by up to 215.9" in last and "0.009262" in last


async def test_the_regime_line_and_the_presets_follow_the_batch_field():
    app = GdlabApp()
    async with app.run_test(size=(120, 50)) as pilot:
        await first_screen(pilot)
        screen = await chapter(pilot, 3)
        await wait_until(pilot, lambda: "monotone" in text_of(screen, "#regime"), "the regime")
        assert screen.check_action("preset", ("monotone",))
        await set_fields(pilot, screen, **{"batch-size": "1"})
        await wait_until(
            pilot,
            lambda: "with batches of 1 of the 3 rows" in text_of(screen, "#regime"),
            "the minibatch sentence",
        )
        assert "monotone" not in text_of(screen, "#regime")
        assert not screen.check_action("preset", ("monotone",))
