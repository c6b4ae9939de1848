"""What the quick run (``pytest -m 'not slow'``) runs less of; the full run, which CI
runs, runs everything as written.

``examples(n)``: a property test's example count, ``n`` in the full run and a fifth
of it in the quick run (where conftest.py loads the "quick" Hypothesis profile).

``slow_except(values, *kept)``: one test parameter's values, all but ``kept`` marked
``slow``.

``grid(rows, columns)``: the parameters of a test over rows × columns. The quick run
keeps one column for each row, in turn (row i meets column i mod len(columns)), so it
still meets every row and, given as many rows as columns, every column; the other
pairs are marked ``slow``, and so is every pair of a row ``quick_rows`` leaves out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import settings

QUICK_PROFILE = "quick"
QUICK_SHARE = 5
"""The quick run runs one example in QUICK_SHARE ..."""
MIN_QUICK_EXAMPLES = 5
"""... and at least MIN_QUICK_EXAMPLES."""


def quick_run() -> bool:
    return settings.get_current_profile_name() == QUICK_PROFILE


def examples(full: int) -> int:
    """``full`` in the full run; a fifth of it (at least 5, at most ``full``) in the quick run."""
    if not quick_run():
        return full
    return min(full, max(MIN_QUICK_EXAMPLES, full // QUICK_SHARE))


def grid(
    rows: Sequence[Any],
    columns: Sequence[tuple[Any, ...]],
    *,
    row_id: Callable[[Any], str] = str,
    column_id: Callable[[tuple[Any, ...]], str] = lambda column: "-".join(map(str, column)),
    quick_rows: Callable[[Any], bool] = lambda row: True,
) -> list[Any]:
    """``pytest.param(row, *column)`` for each pair, with the id ``row-column`` (the id
    two stacked parametrize decorators give). Rows for which ``quick_rows`` is false
    are slow in every column."""
    params = []
    for i, row in enumerate(rows):
        for j, column in enumerate(columns):
            quick = quick_rows(row) and j == i % len(columns)
            params.append(
                pytest.param(
                    row,
                    *column,
                    id=f"{row_id(row)}-{column_id(column)}",
                    marks=() if quick else pytest.mark.slow,
                )
            )
    return params


def slow_except(values: Sequence[Any], *kept: Any) -> list[Any]:
    """Each value as a ``pytest.param`` (the id the value alone gives), marked slow
    unless it is one of ``kept``."""
    missing = [k for k in kept if k not in values]
    assert not missing, f"kept values not among the parameters: {missing}"
    return [pytest.param(v, marks=() if v in kept else pytest.mark.slow) for v in values]
