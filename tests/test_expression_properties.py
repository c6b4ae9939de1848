"""Properties of the expression parser over arbitrary and grammar-built text.

Whatever the text, ``parse`` returns an Expression or raises ExpressionError, in
time linear in the text (an operation count, not a wall clock), and without
importing, evaluating or compiling anything.
"""

from __future__ import annotations

import builtins
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from quick import examples

from solvers.core.expression import parse
from solvers.core.expression_tree import Expression
from solvers.core.expression_words import MAX_LENGTH, ExpressionError
from solvers.problems.objectives.expression import ExpressionObjective, make_expression_objective

TOKENS = [
    "x", "x0", "x1", "x9", "x10", "y", "2", "0", "2.5", ".5", "1e-3", "1e999", "1000", "1001",
    "+", "-", "*", "/", "**", "^", "(", ")", ",", " ", "sin", "sqrt", "log", "min", "max",
    "sigmoid", "pi", "e", "lambda", "if", ".", "[", "]", "=", ":", "'", "__import__", "print",
]  # fmt: skip
ASCII_SOUP = st.text(
    alphabet=st.sampled_from(list("x0123456789+-*/^()., eEpisnmaxlogqrt[]'\"=:_\t")),
    max_size=MAX_LENGTH + 10,
)
TOKEN_SOUP = st.lists(st.sampled_from(TOKENS), max_size=700).map("".join)


@contextmanager
def nothing_may_run_code() -> Iterator[None]:
    """Make __import__, eval, exec and compile fail the test if anything calls them."""
    names = ("__import__", "eval", "exec", "compile")
    saved = {name: getattr(builtins, name) for name in names}

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"parse ran code: {args[:1]!r}")

    for name in names:
        setattr(builtins, name, forbidden)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(builtins, name, value)


def parse_or_refuse(text: str) -> Expression | ExpressionError:
    """Parse with code execution forbidden; anything but ExpressionError propagates."""
    with nothing_may_run_code():
        try:
            return parse(text)
        except ExpressionError as error:
            return error


def check_outcome(text: str) -> Expression | ExpressionError:
    outcome = parse_or_refuse(text)
    if isinstance(outcome, ExpressionError):
        assert 0 <= outcome.column <= max(len(text), MAX_LENGTH)
        assert outcome.field == "expr"
        assert outcome.reason
        first, second = outcome.caret().split("\n")
        assert second.endswith("^")
        assert len(second) <= len(first) + 1  # the caret is under the text or just after
    else:
        assert 1 <= outcome.dimension <= 10
        assert outcome.variables
    return outcome


@settings(max_examples=examples(300), deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=MAX_LENGTH + 10))
def test_any_text_parses_or_is_refused(text: str) -> None:
    check_outcome(text)


@settings(max_examples=examples(300), deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(ASCII_SOUP)
def test_text_of_the_grammars_characters_parses_or_is_refused(text: str) -> None:
    check_outcome(text)


@settings(max_examples=examples(300), deadline=5000, suppress_health_check=[HealthCheck.too_slow])
@given(TOKEN_SOUP)
def test_text_of_the_grammars_tokens_parses_or_is_refused(text: str) -> None:
    check_outcome(text)


# --- grammatical expressions ----------------------------------------------------------

LEAVES = st.sampled_from(["x", "2", "0.5", "3.25", "pi", "e", "1e-3"] + ["x"] * 7)
ONE = ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "softplus"]


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**", "^"]), children).map(
            lambda t: f"{t[0]} {t[1]} {t[2]}"
        ),
        children.map(lambda c: f"-{c}"),
        children.map(lambda c: f"({c})"),
        st.tuples(st.sampled_from(ONE), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["min", "max"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
    )


GRAMMATICAL = st.recursive(LEAVES, _extend, max_leaves=40)
CONSTANT_REFUSALS = ("does not use x", "too large", "not a finite number", "divides by zero")


@settings(max_examples=examples(300), deadline=5000)
@given(GRAMMATICAL)
def test_grammatical_text_parses_unless_a_constant_is_bad(text: str) -> None:
    outcome = check_outcome(text)
    if isinstance(outcome, ExpressionError):
        assert any(words in outcome.reason for words in CONSTANT_REFUSALS), outcome.reason
        return
    # The canonical text reads back as itself, where its added parentheses stay
    # within the nesting limit.
    again = parse_or_refuse(outcome.text)
    if isinstance(again, Expression):
        assert again.text == outcome.text
    else:
        assert "nests deeper" in again.reason or "characters long" in again.reason


@settings(max_examples=examples(25), deadline=10000, suppress_health_check=[HealthCheck.too_slow])
@given(GRAMMATICAL, st.floats(0.1, 3.0))
def test_eager_and_scripted_agree_on_grammatical_text(text: str, value: float) -> None:
    outcome = parse_or_refuse(text)
    if not isinstance(outcome, Expression):
        return
    x0 = torch.tensor([value], dtype=torch.float64)
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for module in (ExpressionObjective(outcome, 1), make_expression_objective(outcome, 1)):
            x = x0.clone().requires_grad_(True)
            y, _ = module([x])
            (g,) = torch.autograd.grad(y, x, allow_unused=True)
            results.append((y.detach(), g))
    (y1, g1), (y2, g2) = results
    # the compiled form merges repeated subexpressions and may round the last bit of
    # a gradient its own way (docs/guide.md, "The code"): equal to 1e-12, NaN with NaN
    assert torch.allclose(y1, y2, rtol=1e-12, atol=1e-12, equal_nan=True)
    assert (g1 is None) == (g2 is None)
    if g1 is not None:
        assert torch.allclose(g1, g2, rtol=1e-12, atol=1e-12, equal_nan=True)


# --- worst cases: bounded work ----------------------------------------------------------


def count_calls(text: str) -> int:
    """Python and C function calls made while parsing ``text``: a machine-independent cost."""
    calls = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(profile)
    try:
        check_outcome(text)
    finally:
        sys.setprofile(None)
    return calls


def worst_cases(n: int) -> dict[str, str]:
    """Texts of about ``n`` characters built to stress each part of the parser."""
    half = n // 2
    return {
        "long sum": "+".join(["x"] * half)[: n - 1],
        "long product": "*".join(["x"] * half)[: n - 1],
        "nested parentheses then a long sum": "(" * 50 + "+".join(["x"] * (half - 60)) + ")" * 50,
        "nested calls": "sin(" * 50 + "x" + ")" * 50 + "+x" * ((n - 251) // 2),
        "signs": "-" * 50 + "x" + "+" + "-" * 49 + "x" + "*x" * ((n - 102) // 2),
        "power tower": "x**" * 50 + "x" + "+x" * ((n - 151) // 2),
        "constant tower": "2**" * 50 + "x",
        "one long number": "1" * (n - 2) + "*x",
        "many numbers": "+".join(["1.5e-3"] * (n // 7)) + "+x",
        "unclosed parentheses": "(" * 50 + "x+" * ((n - 52) // 2) + "x",
        "garbage at the end": "x+" * (half - 1) + "x@",
        "deep nesting refused": "(" * (n - 1) + "x",
        "too long": "x+" * n,
    }


def test_worst_case_inputs_cost_linear_work() -> None:
    per_char = {}
    for name, text in worst_cases(MAX_LENGTH).items():
        calls = count_calls(text)
        per_char[name] = calls / min(len(text), MAX_LENGTH)
        # Linear: doubling the text at most about doubles the work.
        small = worst_cases(MAX_LENGTH // 2)[name]
        assert calls <= 2.3 * count_calls(small) + 500, name
    assert max(per_char.values()) <= 40, per_char


@settings(max_examples=examples(50), deadline=5000)
@given(st.sampled_from(sorted(worst_cases(MAX_LENGTH))))
def test_worst_case_inputs_finish(name: str) -> None:
    outcome = check_outcome(worst_cases(MAX_LENGTH)[name])
    refused = ("one long number", "unclosed", "garbage", "refused", "too long")
    assert isinstance(outcome, ExpressionError) == any(word in name for word in refused)
