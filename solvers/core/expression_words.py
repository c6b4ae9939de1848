"""The words of a user's expression: the limits, functions, constants and variables it
may use, and the error that points at what it may not. torch-free (the app's field
checks text before torch has loaded); :mod:`solvers.core.expression` parses with them."""

from __future__ import annotations

import math

from solvers.core.validation import SettingError

MAX_LENGTH = 2000
"""Longer text is refused before it is scanned."""
MAX_DEPTH = 50
"""Deepest nesting of parentheses, calls, unary signs and exponents."""
MAX_EXPONENT = 1000.0
"""Largest magnitude of a constant exponent: ``x**1001`` is refused."""
MAX_DIMENSION = 10
"""A vector is x0 … x9."""

FUNCTIONS_1 = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "softplus")
"""Functions of one argument."""
FUNCTIONS_2 = ("min", "max")
"""Functions of two arguments."""
CONSTANTS = {"pi": math.pi, "e": math.e}
TORCH_FUNCTIONS_1 = {
    "sin": "torch.sin",
    "cos": "torch.cos",
    "tan": "torch.tan",
    "exp": "torch.exp",
    "log": "torch.log",
    "sqrt": "torch.sqrt",
    "abs": "torch.abs",
    "tanh": "torch.tanh",
    "sigmoid": "torch.sigmoid",
    "softplus": "torch.nn.functional.softplus",
}
"""The torch function each one-argument name stands for, as generated code writes it
(the compiled objective and the standalone script both)."""
TORCH_FUNCTIONS_2 = {"min": "torch.minimum", "max": "torch.maximum"}
VARIABLES: dict[str, int | None] = {"x": None} | {f"x{k}": k for k in range(MAX_DIMENSION)}
"""Accepted variable names and their index in the vector (None: x, the only one)."""

ACCEPTED = (
    "an expression in x (or x0 … x9) with numbers, + - * / ** ^, parentheses, pi, e, "
    "and " + " ".join(FUNCTIONS_1 + FUNCTIONS_2)
)
"""What the field accepts, in the words every refusal ends with."""


class ExpressionError(SettingError):
    """Text that is not an accepted expression; ``column`` (0-based) points at the culprit."""

    def __init__(self, reason: str, column: int, text: str) -> None:
        # the column counts from 1 for people; self.column stays 0-based for the caret
        super().__init__("expr", f"at column {column + 1}: {reason}")
        self.what = reason
        """The reason without its column (what a start that does not fit is told)."""
        self.column = column
        self.text = text

    def caret(self, width: int | None = None) -> str:
        """Two lines: the text and a ``^`` under the offending column.

        With ``width``, only a window of about that many characters around the
        column is shown, so the caret still lines up in a narrow field.
        """
        shown = "".join(
            " " if c == "\t" else c if c.isprintable() and c.isascii() else "?" for c in self.text
        )
        column = min(self.column, len(shown))
        if width is not None and len(shown) > width:
            start = max(0, min(column - width // 2, len(shown) - width))
            shown = shown[start : start + width]
            column -= start
        return f"{shown}\n{' ' * column}^"
