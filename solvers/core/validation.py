"""Parsing of user-typed settings, shared by the CLI and the app.

Every parser takes raw text and either returns a value or raises
:class:`SettingError` naming the field and what it accepts, so the CLI and the
app refuse bad input with the same words. Nothing here evaluates the text: it is
only ever handed to ``float()`` or ``int()`` after a length and character check,
which also keeps Python's slow path for huge integers out of reach.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

MAX_ITERATIONS = 10_000_000
"""Largest iteration count a run accepts (its history is kept whole)."""
MAX_ETA = 1000.0
"""Largest learning rate accepted; far past every chapter's stable bound."""
MAX_ABS_START = 1e6
"""Largest magnitude of a start value."""
MAX_SEED = 2**32 - 1
"""numpy's legacy RandomState, which the book uses, takes seeds up to this."""
DTYPES = ("float32", "float64")
"""What ``--dtype`` takes; float32 is the book's."""
MAX_TEXT = 64
"""Longer text is refused before any parsing."""

_ALLOWED = set("0123456789+-.eE_ ")


class SettingError(ValueError):
    """A setting the user typed cannot be used; the message says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def _clean(field: str, text: str, accepted: str) -> str:
    """Return stripped text, or refuse empty, over-long or non-ASCII-number text."""
    stripped = text.strip()
    if not stripped:
        raise SettingError(field, f"is empty; expected {accepted}")
    if len(stripped) > MAX_TEXT:
        raise SettingError(field, f"is {len(stripped)} characters long; expected {accepted}")
    if not set(stripped) <= _ALLOWED or "_" in stripped or " " in stripped:
        raise SettingError(field, f"{_show(stripped)} is not a number; expected {accepted}")
    return stripped


def _show(text: str) -> str:
    """Quote user text for a message, shortened so a message stays one line."""
    return repr(text if len(text) <= 20 else text[:20] + "…")


def parse_float(field: str, text: str, accepted: str) -> float:
    """Parse a finite float written with ASCII digits."""
    stripped = _clean(field, text, accepted)
    try:
        value = float(stripped)
    except ValueError:
        raise SettingError(
            field, f"{_show(stripped)} is not a number; expected {accepted}"
        ) from None
    if not math.isfinite(value):
        raise SettingError(field, f"{_show(stripped)} is not finite; expected {accepted}")
    return value


def parse_int(field: str, text: str, lo: int, hi: int) -> int:
    """Parse an integer in [lo, hi]; accepts forms like ``30000`` and ``3e4``.

    Decimal, not float, reads the text: ``2.0000000000000001`` is not whole and is
    refused rather than rounded to 2.
    """
    accepted = f"a whole number from {lo:,} to {hi:,}"
    stripped = _clean(field, text, accepted)
    try:
        number = Decimal(stripped)
    except InvalidOperation:
        raise SettingError(
            field, f"{_show(stripped)} is not a number; expected {accepted}"
        ) from None
    if not number.is_finite():
        raise SettingError(field, f"{_show(stripped)} is not finite; expected {accepted}")
    if not lo <= number <= hi:
        raise SettingError(field, f"{_show(stripped)} is out of range; expected {accepted}")
    if number != number.to_integral_value():
        raise SettingError(field, f"{_show(stripped)} is not whole; expected {accepted}")
    return int(number)


ETA_ACCEPTED = f"a number > 0 and ≤ {MAX_ETA:g}"
START_ACCEPTED = f"a number with |value| ≤ {MAX_ABS_START:g}"


def check_eta(value: float, shown: str | None = None) -> float:
    """η must be finite, > 0 and ≤ MAX_ETA (``shown`` is the text the user typed)."""
    if not (math.isfinite(value) and 0.0 < value <= MAX_ETA):
        raise SettingError(
            "eta", f"{_show(shown or repr(value))} is out of range; expected {ETA_ACCEPTED}"
        )
    return value


def check_whole(field: str, value: int, lo: int, hi: int) -> int:
    """A whole number in [lo, hi], as the parsers accept it."""
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise SettingError(
            field,
            f"{_show(repr(value))} is out of range; expected a whole number from {lo:,} to {hi:,}",
        )
    return value


def check_start_value(name: str, value: float, shown: str | None = None) -> float:
    """One start value: finite with |v| ≤ MAX_ABS_START."""
    if not (math.isfinite(value) and abs(value) <= MAX_ABS_START):
        raise SettingError(
            f"init {name}",
            f"{_show(shown or repr(value))} is out of range; expected {START_ACCEPTED}",
        )
    return value


def parse_eta(text: str) -> float:
    """Learning rate η: finite, > 0 and ≤ MAX_ETA."""
    return check_eta(parse_float("eta", text, ETA_ACCEPTED), text.strip())


def parse_iterations(text: str) -> int:
    """Iteration count: 1 to MAX_ITERATIONS."""
    return parse_int("iterations", text, 1, MAX_ITERATIONS)


def parse_every(text: str) -> int:
    """Export stride: keep every K-th iteration, 1 to MAX_ITERATIONS."""
    return parse_int("every", text, 1, MAX_ITERATIONS)


def parse_seed(text: str) -> int:
    """Random seed for the book's normal(0, 0.01) start."""
    return parse_int("seed", text, 0, MAX_SEED)


def parse_start(texts: list[str], names: tuple[str, ...]) -> tuple[float, ...]:
    """Start values, one per parameter name, each finite with |v| ≤ MAX_ABS_START."""
    if len(texts) != len(names):
        listed = ", ".join(names) if len(names) <= 12 else f"{names[0]}, {names[1]}, …, {names[-1]}"
        raise SettingError("init", f"got {len(texts)} value(s); expected {len(names)} ({listed})")
    return tuple(
        check_start_value(name, parse_float(f"init {name}", text, START_ACCEPTED), text.strip())
        for name, text in zip(names, texts, strict=True)
    )


def parse_dtype(text: str) -> str:
    """``float32`` (the book's) or ``float64``."""
    return choose("dtype", text, DTYPES)


def choose(field: str, text: str, names: tuple[str, ...]) -> str:
    """One of ``names``, as typed (case and spaces aside); else a SettingError naming them."""
    stripped = text.strip().lower()
    if stripped not in names:
        shown = _show(text.strip()) if text.strip() else "''"
        raise SettingError(field, f"{shown} is not one; expected {', '.join(names)}")
    return stripped
