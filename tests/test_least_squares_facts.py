"""A least-squares loss always has a minimum: its facts come from the design's SVD, so a
badly conditioned raw file is not taken for a valley or for no minimum."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from test_regression_data import NIST_LONGLEY

from solvers.chapters.registry import chapter_of, problem_for
from solvers.core.facts import Curvature, Shape
from solvers.problems.local_facts import hessian_at
from solvers.problems.objectives.book import BOOK_X, BOOK_Y_TARGET

LONGLEY = "examples/data/longley.csv"


def facts_of(values: dict[str, str]):  # type: ignore[no-untyped-def]
    return problem_for(chapter_of("3").spec(values)).facts


def test_one_raw_feature_whose_hessian_squares_past_float64_still_has_one_minimum() -> None:
    facts = facts_of({"data": LONGLEY, "target": "TOTEMP", "features": "GNP"})
    assert facts.eigenvalues is not None
    assert facts.eigenvalues[1] / facts.eigenvalues[0] > 1e12  # AᵀA's κ, past 1/FLAT_TOLERANCE
    assert facts.shape is Shape.MINIMUM and facts.curvature is Curvature.POSITIVE
    table = np.loadtxt(LONGLEY, delimiter=",", skiprows=1)
    gnp, total = table[:, 2], table[:, 0]
    slope, intercept = np.polyfit(gnp, total, 1)
    assert facts.optimum is not None
    assert facts.optimum.params == pytest.approx((slope, intercept), rel=1e-9)


def test_every_raw_longley_feature_gives_nists_fit_as_the_minimum() -> None:
    facts = facts_of({"data": LONGLEY, "target": "TOTEMP"})
    assert facts.shape is Shape.MINIMUM and facts.optimum is not None
    names = ("GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR")
    for name, value in zip(names, facts.optimum.params, strict=False):
        assert abs(value - NIST_LONGLEY[name]) <= 1e-6 * abs(NIST_LONGLEY[name])


def test_a_repeated_column_is_a_valley_and_its_point_nearest_the_start(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    rows = [(1.0, 1.0, 3.0), (2.0, 2.0, 5.0), (4.0, 4.0, 9.5), (5.0, 5.0, 11.0)]
    path.write_text("a,b,y\n" + "".join(f"{a},{b},{y}\n" for a, b, y in rows))
    spec = chapter_of("3").spec({"data": str(path), "target": "y"})
    problem = problem_for(spec)
    start = (0.3, -0.1, 0.2)
    facts = problem.facts_at(start)
    assert facts.shape is Shape.VALLEY and facts.optimum is None and facts.valley is not None
    assert facts.curvature is Curvature.FLAT and facts.spectrum[0] == 0.0
    a, b, bias = facts.valley.params
    # a + b is fixed by the data; a − b keeps the start's (descent never changes it)
    assert a - b == pytest.approx(start[0] - start[1], abs=1e-12)
    x = np.array([r[0] for r in rows])
    y = np.array([r[2] for r in rows])
    slope, intercept = np.polyfit(x, y, 1)
    assert a + b == pytest.approx(slope, rel=1e-9)
    assert bias == pytest.approx(intercept, rel=1e-9)
    notes = "\n".join(chapter_of("3").notes(problem))
    assert "∞ raw, ∞ standardized (the columns of [X 1] are dependent" in notes
    assert ", bias 0.975, R²" in notes  # the column b is not the bias b


def test_the_spectrum_is_the_autograd_hessians_on_the_books_samples() -> None:
    problem = problem_for(chapter_of("3").default)
    x = torch.tensor(BOOK_X, dtype=torch.float64)
    design = torch.cat([x.t(), torch.ones(3, 1, dtype=torch.float64)], dim=1)
    target = torch.tensor(BOOK_Y_TARGET, dtype=torch.float64)
    hessian = hessian_at(
        lambda theta: ((design @ theta - target) ** 2).sum() / 2,
        torch.zeros(3, dtype=torch.float64),
    )
    eigenvalues = torch.linalg.eigvalsh(hessian).tolist()
    assert np.allclose(problem.facts.spectrum, eigenvalues, rtol=1e-9, atol=0)
    assert problem.facts.stable_eta == pytest.approx(2 / eigenvalues[-1], rel=1e-12)
