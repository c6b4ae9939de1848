"""A learner's CSV file as a table of numbers: a header row, then numeric rows.

torch-free (numpy only), so the CLI and the app refuse a bad file before torch has
loaded. The values are kept in one float64 numpy array that grows by doubling, not
in Python lists of floats, so a 100,000 × 50 file takes about 40 MB. Every fault is
one line, a :class:`SettingError` on the field that named the file, that says the
file, the line and the column where it applies.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from solvers.core.validation import SettingError

FIELD = "data"
"""The option and the form's field that name the file."""
NUL = b"\0"
BOM = b"\xef\xbb\xbf"
"""A UTF-8 byte-order mark some editors write first: not part of the header."""


@dataclass(frozen=True, eq=False)
class Table:
    """A CSV file's columns: their names (the header) and values, one row per line."""

    path: str
    names: tuple[str, ...]
    values: np.ndarray
    """float64, (rows, columns), every value finite."""

    def column(self, name: str) -> int:
        """The index of the column ``name``."""
        return self.names.index(name)


def _show(text: str) -> str:
    """User text quoted for a one-line message, shortened."""
    return repr(text if len(text) <= 24 else text[:24] + "…")


def _refuse(path: str, where: str, reason: str) -> SettingError:
    return SettingError(FIELD, f"{path}{where}: {reason}")


def _header(path: str, line: str) -> tuple[str, ...]:
    """The header's column names: comma-separated, spaces and double quotes around a
    name dropped; each one present and new."""
    names = tuple(part.strip().strip('"').strip() for part in line.rstrip("\r\n").split(","))
    for position, name in enumerate(names, start=1):
        if not name:
            raise _refuse(path, f" line 1, column {position}", "the header names no column here")
        if name in names[: position - 1]:
            first = names.index(name) + 1
            raise _refuse(
                path, f" line 1, column {position}", f"{_show(name)} repeats column {first}'s name"
            )
    return names


def _row(path: str, number: int, line: str, names: tuple[str, ...]) -> np.ndarray:
    """One line's values, each a finite number; one per column."""
    parts = line.rstrip("\r\n").split(",")
    if len(parts) != len(names):
        column = min(len(parts), len(names)) + 1
        what = "missing" if len(parts) < len(names) else "extra"
        reason = (
            f"has {len(parts)} values, the header has {len(names)} columns"
            f" (column {column} is {what})"
        )
        raise _refuse(path, f" line {number}, column {column}", reason)
    values = np.empty(len(parts), dtype=np.float64)
    for position, part in enumerate(parts):
        text = part.strip()
        try:
            value = float(text)
        except ValueError:
            where = f" line {number}, column {position + 1} ({names[position]})"
            shown = "an empty value" if not text else _show(text)
            raise _refuse(path, where, f"{shown} is not a number") from None
        if not math.isfinite(value):
            where = f" line {number}, column {position + 1} ({names[position]})"
            raise _refuse(path, where, f"{_show(text)} is not a finite number")
        values[position] = value
    return values


def _text(path: str, number: int, raw: bytes) -> str:
    """One line as text: UTF-8 without NUL bytes (a binary file has both)."""
    if NUL in raw:
        where = f" line {number}, column {raw.index(NUL) + 1}"
        raise _refuse(path, where, "is not text (a NUL byte)")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = f"0x{raw[error.start]:02x}"
        where = f" line {number}, column {error.start + 1}"
        raise _refuse(path, where, f"is not text (byte {byte} is not UTF-8)") from None


def read_header(path: str) -> tuple[str, ...]:
    """The column names of the file at ``path`` (its first line that is not blank),
    without reading its rows; a SettingError as :func:`read_table` says it."""
    if not os.path.isfile(path):
        return read_table(path).names  # says what is wrong
    try:
        with open(path, "rb") as stream:
            for number, raw in enumerate(stream, start=1):
                line = _text(path, number, raw.removeprefix(BOM) if number == 1 else raw)
                if line.strip():
                    return _header(path, line)
    except OSError as error:
        raise SettingError(FIELD, f"{path}: cannot be read ({error.strerror})") from None
    raise SettingError(FIELD, f"{path}: is empty; expected a header row, then rows of numbers")


def read_table(path: str) -> Table:
    """The file at ``path`` as a table; a SettingError (field ``data``) names the file,
    the line and the column of the first fault."""
    shown = path
    if not path.strip():
        raise SettingError(FIELD, "is empty; expected the path of a CSV file")
    if not os.path.exists(path):
        raise SettingError(FIELD, f"{shown}: no such file")
    if os.path.isdir(path):
        raise SettingError(FIELD, f"{shown}: is a folder, not a CSV file")
    names: tuple[str, ...] = ()
    values = np.empty((0, 0), dtype=np.float64)
    rows = 0
    try:
        with open(path, "rb") as stream:
            for number, raw in enumerate(stream, start=1):
                line = _text(shown, number, raw.removeprefix(BOM) if number == 1 else raw)
                if not line.strip():
                    continue  # a blank line (the last one, say) holds no row
                if not names:
                    names = _header(shown, line)
                    values = np.empty((64, len(names)), dtype=np.float64)
                    continue
                if rows == values.shape[0]:
                    grown = np.empty((2 * rows, len(names)), dtype=np.float64)
                    grown[:rows] = values
                    values = grown
                values[rows] = _row(shown, number, line, names)
                rows += 1
    except OSError as error:
        raise SettingError(FIELD, f"{shown}: cannot be read ({error.strerror})") from None
    if not names:
        raise SettingError(FIELD, f"{shown}: is empty; expected a header row, then rows of numbers")
    if rows == 0:
        raise _refuse(shown, " line 1", "has a header and no rows of numbers")
    return Table(shown, names, values[:rows].copy())
