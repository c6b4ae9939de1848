"""A user's own objective, typed as text, parsed without ``eval`` into a small tree.

Why a parser of our own: the text comes from a person at the keyboard (or a
hostile script), so it must never reach ``eval``, ``compile`` or ``ast``. The
tokenizer is one linear scan and the parser is recursive descent with an explicit
nesting counter, so any input up to :data:`MAX_LENGTH` characters is accepted or
refused in milliseconds. Constant sub-expressions are evaluated here, in float
arithmetic only, so that ``x**1001``, ``1e999`` or ``9**9**9**9`` are refused
before torch ever sees them.

This module imports neither torch nor numpy (a test checks): the CLI and the
app's fields can refuse bad text before torch has loaded. The words it accepts are
in :mod:`solvers.core.expression_words`, its tokenizer in
:mod:`solvers.core.expression_tokens`, the tree it builds in
:mod:`solvers.core.expression_tree`.

Grammar (as Python's, ``^`` meaning ``**``)::

    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := ("-" | "+") unary | power
    power   := atom [("**" | "^") unary]          # right-associative
    atom    := number | variable | "pi" | "e" | "(" sum ")"
             | function "(" sum ")" | ("min" | "max") "(" sum "," sum ")"
"""

from __future__ import annotations

import math
from collections.abc import Callable

from solvers.core.expression_tokens import Token, tokenize
from solvers.core.expression_tree import (
    Binary,
    Call,
    Constant,
    Expression,
    Negate,
    Node,
    Number,
    Variable,
    number_text,
    render,
)
from solvers.core.expression_words import (
    ACCEPTED,
    CONSTANTS,
    FUNCTIONS_1,
    FUNCTIONS_2,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    VARIABLES,
    ExpressionError,
)

# --- constant folding -------------------------------------------------------------


def _sigmoid(v: float) -> float:
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    z = math.exp(v)
    return z / (1.0 + z)


def _softplus(v: float) -> float:
    return max(v, 0.0) + math.log1p(math.exp(-abs(v)))


_FOLD_1: dict[str, Callable[[float], float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "abs": abs,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "softplus": _softplus,
}
_FOLD_2: dict[str, Callable[[float, float], float]] = {"min": min, "max": max}
_FOLD_BINARY: dict[str, Callable[[float, float], float]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": math.pow,  # float power: never Python's unbounded int power
}


def _fold(fn: Callable[[], float], what: str, column: int, text: str) -> float:
    """Evaluate a constant sub-expression; refuse it unless the result is a finite float."""
    try:
        value = fn()
    except ZeroDivisionError:
        raise ExpressionError(
            f"{what} divides by zero; constants must be finite", column, text
        ) from None
    except (OverflowError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise ExpressionError(
            f"{what} is not a finite number (it overflows or is undefined); "
            "constants must be finite",
            column,
            text,
        )
    return value


# --- the parser -------------------------------------------------------------------


class _Parser:
    """Recursive descent over the token stream, one token of look-ahead."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.token = next(self.tokens)
        self.depth = 0
        self.first_use: dict[str, int] = {}

    def fail(self, reason: str, column: int | None = None) -> ExpressionError:
        col = self.token.column if column is None else column
        return ExpressionError(f"{reason}; expected {ACCEPTED}", col, self.text)

    def advance(self) -> Token:
        token = self.token
        self.token = next(self.tokens)
        return token

    def enter(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                f"the expression nests deeper than {MAX_DEPTH} levels "
                "(parentheses, calls, signs, powers); simplify it",
                column,
                self.text,
            )

    def describe(self, token: Token) -> str:
        if token.kind == "end":
            return "the end of the text"
        if token.kind in ("number", "name"):
            return f"the {token.kind} {token.text[:20]!r}"
        return repr(token.text)

    def parse(self) -> Node:
        if self.token.kind == "end":
            raise ExpressionError(f"the expression is empty; expected {ACCEPTED}", 0, self.text)
        root = self.sum()
        if self.token.kind == ")":
            raise self.fail("')' has no matching '('")
        if self.token.kind == ",":
            raise self.fail("',' separates arguments of min and max only")
        if self.token.kind != "end":
            raise self.fail(
                f"{self.describe(self.token)} follows a complete expression; "
                "an operator (+ - * / ** ^) is missing"
            )
        return root

    def sum(self) -> Node:
        left = self.product()
        while self.token.kind in ("+", "-"):
            op = self.advance()
            right = self.product()
            left = self.binary(op, left, right)
        return left

    def product(self) -> Node:
        left = self.unary()
        while self.token.kind in ("*", "/"):
            op = self.advance()
            right = self.unary()
            left = self.binary(op, left, right)
        return left

    def unary(self) -> Node:
        if self.token.kind in ("-", "+"):
            op = self.advance()
            self.enter(op.column)
            operand = self.unary()
            self.depth -= 1
            if op.kind == "+":
                return operand
            value = None if operand.constant is None else -operand.constant
            return Negate(op.column, value, operand)
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.token.kind == "**":
            op = self.advance()
            self.enter(op.column)
            exponent_column = self.token.column
            exponent = self.unary()
            self.depth -= 1
            if exponent.constant is not None and abs(exponent.constant) > MAX_EXPONENT:
                raise ExpressionError(
                    f"the exponent {number_text(exponent.constant)} is too large; "
                    f"constant exponents must lie within ±{MAX_EXPONENT:g}",
                    exponent_column,
                    self.text,
                )
            return self.binary(op, base, exponent)
        return base

    def binary(self, op: Token, left: Node, right: Node) -> Node:
        kind = op.kind
        value = None
        if left.constant is not None and right.constant is not None:
            a, b = left.constant, right.constant
            value = _fold(
                lambda: _FOLD_BINARY[kind](a, b), f"the constant {op.text!r}", op.column, self.text
            )
        return Binary(op.column, value, kind, left, right)

    def atom(self) -> Node:
        token = self.token
        if token.kind == "number":
            self.advance()
            value = float(token.text)  # ASCII digits, '.', 'e' and a sign only
            if not math.isfinite(value):
                raise ExpressionError(
                    f"the number {token.text[:20]!r} is too large to be finite; "
                    "numbers must be finite",
                    token.column,
                    self.text,
                )
            return Number(token.column, value)
        if token.kind == "(":
            self.advance()
            self.enter(token.column)
            inner = self.sum()
            self.close(token)
            self.depth -= 1
            return inner
        if token.kind == "name":
            return self.name()
        if token.kind == "end":
            raise self.fail("the expression ends too early: an operand is missing")
        if token.kind == ")":
            raise self.fail("')' appears where an operand is expected")
        raise self.fail(f"{self.describe(token)} appears where an operand is expected")

    def close(self, opening: Token) -> None:
        if self.token.kind == ")":
            self.advance()
            return
        if self.token.kind == "end":
            raise self.fail(f"'{opening.text}' is never closed", opening.column)
        if self.token.kind == ",":
            raise self.fail("',' separates arguments of min and max only")
        raise self.fail(
            f"{self.describe(self.token)} follows a complete expression; "
            "an operator (+ - * / ** ^) or ')' is missing"
        )

    def name(self) -> Node:
        token = self.advance()
        name = token.text
        called = self.token.kind == "("
        if name in VARIABLES:
            if called:
                raise self.fail(
                    f"{name} is a variable, not a function; write {name}*(…)", token.column
                )
            self.first_use.setdefault(name, token.column)
            return Variable(token.column, None, name, VARIABLES[name])
        if name in CONSTANTS:
            if called:
                raise self.fail(
                    f"{name} is a constant, not a function; write {name}*(…)", token.column
                )
            return Constant(token.column, CONSTANTS[name], name)
        if name in FUNCTIONS_1 or name in FUNCTIONS_2:
            if not called:
                raise self.fail(
                    f"the function {name} needs its arguments in parentheses", token.column
                )
            return self.call(token)
        what = "function" if called else "name"
        raise self.fail(f"unknown {what} {name[:20]!r}", token.column)

    def call(self, token: Token) -> Node:
        opening = self.advance()
        self.enter(token.column)
        arity = 2 if token.text in FUNCTIONS_2 else 1
        args = [self.sum()]
        while self.token.kind == ",":
            if len(args) == arity:
                raise self.fail(f"{token.text} takes {arity} argument{'s' * (arity > 1)}")
            self.advance()
            args.append(self.sum())
        if len(args) < arity and self.token.kind == ")":
            raise self.fail(f"{token.text} takes {arity} arguments, got {len(args)}")
        self.close(opening)
        self.depth -= 1
        value = None
        values = [a.constant for a in args if a.constant is not None]
        if len(values) == arity:
            name = token.text
            if arity == 1:
                fn: Callable[[], float] = lambda: _FOLD_1[name](values[0])  # noqa: E731
            else:
                fn = lambda: _FOLD_2[name](values[0], values[1])  # noqa: E731
            value = _fold(fn, f"{name}(…) of a constant", token.column, self.text)
        return Call(token.column, value, token.text, tuple(args))


def parse(text: str) -> Expression:
    """Parse ``text`` into an :class:`Expression`, or raise :class:`ExpressionError`."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text):,} characters long; at most {MAX_LENGTH:,} are accepted",
            MAX_LENGTH,
            text,
        )
    parser = _Parser(text)
    root = parser.parse()
    names = sorted(parser.first_use)
    if not names:
        raise ExpressionError(
            f"the expression does not use x, so there is nothing to minimise; expected {ACCEPTED}",
            0,
            text,
        )
    is_vector = names != ["x"]
    if is_vector and "x" in parser.first_use:
        raise ExpressionError(
            "x and x0 … x9 cannot be mixed: use x for one number or x0 … x9 for a vector",
            max(parser.first_use["x"], min(parser.first_use[n] for n in names if n != "x")),
            text,
        )
    dimension = max(int(n[1]) for n in names) + 1 if is_vector else 1
    return Expression(
        source=text,
        root=root,
        variables=tuple(names),
        dimension=dimension,
        is_vector=is_vector,
        text=render(root),
        _first_use=dict(parser.first_use),
    )
