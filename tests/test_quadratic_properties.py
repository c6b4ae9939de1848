"""Random quadratics typed as text: their facts and regime sentence against numpy.

Each example builds H = Q·diag(λ)·Qᵀ from a random orthogonal Q (numpy's QR) and chosen
eigenvalues: positive definite, semidefinite with b in H's range (a valley) or not
(unbounded), indefinite, negative definite; 1 to 5 variables. f = ½xᵀHx + bᵀx + c is
written out as an expression the parser accepts, and what gdlab says about it is
checked against ``np.linalg.eigvalsh`` of the H built and numpy's own solves.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from quick import examples

from solvers.chapters.function import function_spec
from solvers.chapters.registry import problem_for
from solvers.core.facts import REGIME_TOLERANCE, Regime, Shape, signed
from solvers.optim.choices import OptimizerChoice, ScheduleChoice
from solvers.optim.regimes import presets_apply, said_regime
from tui.app.widgets.problem_facts import facts_text

KINDS = ("definite", "valley", "unbounded", "indefinite", "negative")
SHAPES = {
    "definite": Shape.MINIMUM,
    "valley": Shape.VALLEY,
    "unbounded": Shape.UNBOUNDED,
    "indefinite": Shape.SADDLE,
    "negative": Shape.MAXIMUM,
}
SHARES = (0.3, 0.5, 0.8, 1.0, 1.4)
"""η as a share of 2/λmax: monotone, one step, oscillating, cycle, divergent."""
REGIME_OF_SHARE = dict(
    zip(
        SHARES,
        (Regime.MONOTONE, Regime.ONE_STEP, Regime.OSCILLATING, Regime.CYCLE, Regime.DIVERGENT),
        strict=True,
    )
)


def _number(value: float) -> str:
    return f"({float(value)!r})"


def expression_of(h: np.ndarray, b: np.ndarray, c: float) -> str:
    """½xᵀHx + bᵀx + c written out (x for one variable, x0 … x4 for more)."""
    n = len(b)
    names = ["x"] if n == 1 else [f"x{i}" for i in range(n)]
    terms = []
    for i in range(n):
        terms.append(f"{_number(h[i, i] / 2)}*{names[i]}*{names[i]}")
        for j in range(i + 1, n):
            terms.append(f"{_number(h[i, j])}*{names[i]}*{names[j]}")
    terms += [f"{_number(b[i])}*{names[i]}" for i in range(n)]
    return " + ".join([*terms, _number(c)])


@st.composite
def quadratics(draw):
    """(kind, H, b, c, start): H and b as the expression has them; sometimes with every
    |λ| equal (one step of η = 1/λmax then finishes every direction)."""
    kind = draw(st.sampled_from(KINDS))
    low = {"definite": 1, "valley": 2, "unbounded": 1, "indefinite": 2, "negative": 1}[kind]
    n = draw(st.integers(low, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    magnitude = st.floats(0.1, 10)
    size = draw(st.lists(magnitude, min_size=n, max_size=n))
    equal = draw(st.booleans())
    if equal:
        size = [size[0]] * n
    lam = np.array(size)
    if kind in ("valley", "unbounded"):
        zeros = draw(st.integers(1, n - 1)) if n > 1 else 1
        lam[:zeros] = 0.0
        if kind == "unbounded" and n == 1:
            lam[:] = 0.0
    if kind == "indefinite":
        negatives = draw(st.integers(1, n - 1))
        lam[:negatives] *= -1
    if kind == "negative":
        lam *= -1
    q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    h = q @ np.diag(lam) @ q.T
    h = (h + h.T) / 2
    if kind == "valley":
        b = h @ rng.normal(size=n)
    elif kind == "unbounded":
        null = q[:, lam == 0]
        slope = rng.choice([-1, 1], null.shape[1]) * rng.uniform(0.5, 2, null.shape[1])
        b = h @ rng.normal(size=n) + null @ slope
    else:
        b = rng.normal(size=n) * 3
    c = float(rng.normal())
    start = tuple(float(v) for v in rng.uniform(-3, 3, size=n))
    return kind, h, b, c, start


@settings(max_examples=examples(100), deadline=None)
@given(quadratics(), st.sampled_from(SHARES))
def test_a_random_quadratics_facts_and_regime_agree_with_numpy(quadratic, share):
    kind, h, b, c, start = quadratic
    text = expression_of(h, b, c)
    spec = function_spec(text, start)
    facts = problem_for(spec).facts_at(start)
    eigenvalues = np.linalg.eigvalsh(h)
    scale = np.abs(eigenvalues).max()

    assert facts.shape is SHAPES[kind], (text, eigenvalues)
    assert facts.eigenvalues == pytest.approx(
        (eigenvalues.min(), eigenvalues.max()), abs=1e-9 * scale
    )
    lam_max = eigenvalues.max()
    eta = share * 2 / lam_max if lam_max > 1e-9 * scale else 0.1
    said = said_regime(eta, facts)
    assert said is not None
    shown = facts_text(spec, facts)

    if kind == "definite":
        solution = np.linalg.solve(h, -b)
        assert facts.optimum is not None
        assert facts.optimum.params == pytest.approx(
            tuple(solution), abs=1e-8 * (1 + np.abs(solution).max())
        )
        assert facts.stable_eta == pytest.approx(2 / lam_max, rel=1e-9)
        assert "optimum:" in shown and "(Hessian of a quadratic)" in shown
    else:
        assert facts.optimum is None and "optimum:" not in shown

    if kind == "valley":
        pinv = np.linalg.pinv(h, rcond=1e-10, hermitian=True)
        nearest = np.array(start) - pinv @ (h @ np.array(start) + b)
        assert facts.valley is not None
        assert facts.valley.params == pytest.approx(
            tuple(nearest), abs=1e-8 * (1 + np.abs(nearest).max())
        )
        assert facts.stable_eta == pytest.approx(2 / lam_max, rel=1e-9)
        assert "minimum not unique: a valley of minima" in shown

    if kind in ("definite", "valley"):
        assert said.kind is REGIME_OF_SHARE[share], (said, eta, lam_max)
        assert presets_apply(facts, OptimizerChoice(), ScheduleChoice())
        positive = eigenvalues[eigenvalues > 1e-9 * scale]
        one_step_everywhere = positive.min() >= (1 - REGIME_TOLERANCE) * positive.max()
        if said.kind is Regime.ONE_STEP:
            assert ("the first step lands" in said.text) is bool(one_step_everywhere)
            assert one_step_everywhere or "the others converge monotonically" in said.text
        if said.kind is Regime.MONOTONE:
            assert "each step stops short" in said.text and "it converges" in said.text
        if said.kind is Regime.DIVERGENT:
            assert "grows each step" in said.text
        assert f"{2 / lam_max:.4g}" in said.text or f"{1 / lam_max:.4g}" in said.text
    else:
        assert said.kind is None and facts.stable_eta is None
        assert said.text.startswith(f"η = {eta:g}: no minimum")
        assert "f is unbounded below" in said.line
        if kind == "indefinite":
            assert f"λmin = {signed(eigenvalues.min())}" in said.text
        if kind == "negative":
            assert f"λmax = {signed(eigenvalues.max())}" in said.line and "maximum" in shown
