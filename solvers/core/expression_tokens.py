"""The tokenizer of a user's expression: one linear scan of the text into tokens, each
with its column (for the caret under a refusal). torch-free."""

from __future__ import annotations

import keyword
from collections.abc import Iterator
from typing import NamedTuple

from solvers.core.expression_words import ACCEPTED, ExpressionError

_DIGITS = frozenset("0123456789")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_REST = _NAME_START | _DIGITS
_SPACE = frozenset(" \t")
_SINGLE = frozenset("+-/^(),")

_CHAR_HINTS = {
    "[": "subscripts like x[0] are not accepted; write x0 … x9 for the vector's entries",
    "]": "subscripts like x[0] are not accepted; write x0 … x9 for the vector's entries",
    ".": "attribute access like x.real is not accepted",
    "'": "strings are not accepted",
    '"': "strings are not accepted",
    "=": "assignment and comparison (=, ==, :=) are not accepted",
    ":": "':' (assignment :=, lambda, slices) is not accepted",
    "{": "braces (sets, dicts, comprehensions) are not accepted",
    "}": "braces (sets, dicts, comprehensions) are not accepted",
    "%": "'%' is not accepted; use / or functions",
    "\n": "line breaks are not accepted; the expression is one line",
}


class Token(NamedTuple):
    """One token: kind is "number", "name", an operator or "end"."""

    kind: str
    text: str
    column: int


def tokenize(text: str) -> Iterator[Token]:
    """Scan ``text`` once, left to right; refuse any character outside the grammar."""
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in _SPACE:
            i += 1
        elif c in _DIGITS or (c == "." and i + 1 < n and text[i + 1] in _DIGITS):
            end = _scan_number(text, i)
            yield Token("number", text[i:end], i)
            i = end
        elif c in _NAME_START:
            end = i + 1
            while end < n and text[end] in _NAME_REST:
                end += 1
            name = text[i:end]
            if keyword.iskeyword(name):
                raise ExpressionError(
                    f"{name!r} is a Python keyword, not accepted here; expected {ACCEPTED}", i, text
                )
            yield Token("name", name, i)
            i = end
        elif c == "*":
            if i + 1 < n and text[i + 1] == "*":
                yield Token("**", "**", i)
                i += 2
            else:
                yield Token("*", "*", i)
                i += 1
        elif c in _SINGLE:
            yield Token("**" if c == "^" else c, c, i)
            i += 1
        else:
            hint = _CHAR_HINTS.get(c, f"the character {c!r} is not accepted")
            raise ExpressionError(f"{hint}; expected {ACCEPTED}", i, text)
    yield Token("end", "", n)


def _scan_number(text: str, i: int) -> int:
    """End of the number starting at ``i``: digits [. digits] [e [+-] digits]."""
    n = len(text)
    while i < n and text[i] in _DIGITS:
        i += 1
    if i < n and text[i] == ".":
        i += 1
        while i < n and text[i] in _DIGITS:
            i += 1
    if i < n and text[i] in "eE":
        j = i + 1
        if j < n and text[j] in "+-":
            j += 1
        if j < n and text[j] in _DIGITS:
            while j < n and text[j] in _DIGITS:
                j += 1
            return j
        # "2e" not followed by digits: the number ends before the e ("2e" then
        # reads as 2 followed by the name e, refused as a missing operator).
    return i
