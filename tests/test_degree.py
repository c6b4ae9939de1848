"""Quadratic or not, read from the expression tree: the degree pass (solvers/core/degree.py).

The pass may overestimate a degree (then a quadratic is taken for a general function,
which only loses exact facts); it must never underestimate one. The table checks
each rule; the property test checks soundness on random trees against the function
itself: where the pass says degree ≤ d, every (d+1)-th finite difference vanishes.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from quick import examples

from solvers.core.degree import is_quadratic, polynomial_degree
from solvers.core.expression import parse
from solvers.core.expression_words import ExpressionError
from solvers.problems.objectives.expression import make_expression_objective

TABLE = [
    ("x", 1),
    ("3*x + 1", 1),
    ("x^2", 2),
    ("-x^2", 2),
    ("x0*x1", 2),
    ("(x0+x1)^2", 2),
    ("x0^2 - x1^2", 2),
    ("(x0-1)**2 + 3*x1**2 + x0*x1", 2),
    ("x^2/2", 2),
    ("x^2/(1+1)", 2),
    ("x**2.0", 2),
    ("2**2*x", 1),  # a constant power of a constant is a constant
    ("sin(1)*x^2 + e*x + pi", 2),  # functions of constants are constants
    ("x^0", 0),
    ("x^3", 3),
    ("(x^2)^2", 4),
    ("x**2**2", 4),  # right-associative: x**4
    ("(1-x0)**2 + 100*(x1-x0**2)**2", 4),
    # sound over-estimates: each is a quadratic (or less), said to be more
    ("x*0", 1),
    ("(x-x)**3", 3),
    ("x^3 - x^3 + x^2", 3),
    # not polynomials
    ("x/0", None),
    ("x/x", None),
    ("1/x", None),
    ("x**0.5", None),
    ("x**-1", None),
    ("x**x", None),
    ("2**x", None),
    ("sin(x)", None),
    ("x^2 + sin(2*pi*x)", None),
    ("x^2 + 0.1*cos(4*pi*x)", None),
    ("exp(x)", None),
    ("abs(x)**2", None),
    ("max(x, 0)^2", None),
    ("sqrt(x^2)", None),
]


@pytest.mark.parametrize(("text", "degree"), TABLE, ids=[t for t, _ in TABLE])
def test_the_degree_of_each_expression(text, degree):
    expression = parse(text)
    assert polynomial_degree(expression.root) == degree
    assert is_quadratic(expression) is (degree is not None and degree <= 2)


def test_a_long_sum_is_no_recursion_problem():
    text = " + ".join(f"{k}*x{k % 10}*x{(k + 1) % 10}" for k in range(1, 150))
    assert polynomial_degree(parse(text).root) == 2


LEAVES = st.sampled_from(["x0", "x1", "x2", "2", "0.5", "pi", "-1"])
FUNCTIONS = ["sin", "exp", "tanh", "abs", "softplus"]


def _trees(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(children, st.sampled_from(["2", "3", "0.5", "3"])).map(
            lambda t: f"({t[0]})**{t[1]}"
        ),
        st.tuples(children, st.sampled_from(["2", "4", "x0"])).map(lambda t: f"({t[0]})/{t[1]}"),
        st.tuples(st.sampled_from(FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
    )


EXPRESSIONS = st.recursive(LEAVES, _trees, max_leaves=8).filter(
    lambda text: any(v in text for v in ("x0", "x1", "x2"))
)


@settings(max_examples=examples(200), deadline=None)
@given(
    EXPRESSIONS,
    st.lists(st.floats(-1, 1), min_size=3, max_size=3),
    st.lists(st.floats(-1, 1), min_size=3, max_size=3),
)
def test_the_degree_never_underestimates(text, point, direction):
    """Where the pass says degree ≤ d, f along any line is a polynomial of degree ≤ d:
    its (d+1)-th finite difference vanishes (to float64 round-off of the values)."""
    try:
        expression = parse(text)
    except ExpressionError:  # a constant the parser refuses, (-1)**0.5 say
        assume(False)
    degree = polynomial_degree(expression.root)
    assume(degree is not None and degree <= 6)
    assert degree is not None
    objective = make_expression_objective(expression, 3).double()
    p = torch.tensor(point, dtype=torch.float64)
    h = torch.tensor(direction, dtype=torch.float64)
    order = degree + 1
    with torch.no_grad():
        values = [float(objective([p + k * h])[0].sum()) for k in range(order + 1)]
    difference = sum((-1) ** (order - k) * math.comb(order, k) * v for k, v in enumerate(values))
    scale = max(1.0, *(abs(v) for v in values)) * 2**order
    assert abs(difference) <= 1e-9 * scale, (text, degree, values)
