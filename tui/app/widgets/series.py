"""Shrinking a long series to what a few terminal columns can show."""

from __future__ import annotations

import numpy as np

FLOAT32_EPS = float(np.finfo(np.float32).eps)


def resolution(optimum_value: float) -> float:
    """The smallest gap f - f* that float32 can resolve near f*: plotting below it shows
    rounding, not descent (ch2's f reaches -7.25 exactly, a gap of 0)."""
    return max(1e-30, FLOAT32_EPS * abs(optimum_value))


def log_gap(gap: np.ndarray, floor: float = 1e-30) -> np.ndarray:
    """log10 of a non-negative gap, floored at ``floor`` (NaN stays NaN)."""
    values = np.asarray(gap, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.log10(np.maximum(values, floor))


def log_progress(
    values: np.ndarray, optimum_value: float | None, lowest: float | None = None
) -> tuple[np.ndarray, str]:
    """log10 of how far each objective value is from done, and what that is called.

    f - f* where f* is known (floored at float32's resolution near it); otherwise f
    less the lowest f seen (``lowest``, default the lowest of ``values``), floored
    at 1e-7 of the largest |f|, so a curve still shows how f falls.
    """
    values = np.asarray(values, dtype=np.float64)
    if optimum_value is not None:
        return log_gap(np.abs(values - optimum_value), resolution(optimum_value)), "f - f*"
    low = float(np.nanmin(values)) if lowest is None else lowest
    top = float(np.nanmax(np.abs(values))) if len(values) else 1.0
    return log_gap(values - low, max(1e-30, top * 1e-7)), "f - min f"


def log_etas(rows: np.ndarray, columns: tuple[str, ...]) -> np.ndarray | None:
    """log10 of the rows' ``eta`` column (NaN where η ≤ 0), or None where there is no
    such column or η is the same in every row: a constant η gets no line."""
    if "eta" not in columns or len(rows) == 0:
        return None
    etas = np.asarray(rows[:, columns.index("eta")], dtype=np.float64)
    finite = etas[np.isfinite(etas)]
    if len(finite) == 0 or finite.min() == finite.max():
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.where(etas > 0, etas, np.nan))


def held(values: np.ndarray) -> np.ndarray:
    """``values`` with each NaN replaced by the last number before it (NaN before the
    first): a minibatch run's objective on all rows, evaluated at each epoch's start,
    held through the epoch so that it can be sampled as every row's column is."""
    values = np.asarray(values, dtype=np.float64)
    at = np.where(np.isnan(values), 0, np.arange(len(values)))
    np.maximum.accumulate(at, out=at)
    return values[at]  # before the first number: values[0], itself NaN


def min_max_buckets(values: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Downsample to at most ``2 * buckets`` points: each bucket's min and max.

    Returns the x positions (iteration numbers) and values; a spike in any bucket
    survives, which plain striding would drop.
    """
    n = len(values)
    if n <= 2 * buckets:
        return np.arange(n, dtype=np.float64), np.asarray(values, dtype=np.float64)
    size = -(-n // buckets)
    padded = np.full(size * buckets, np.nan)
    padded[:n] = values
    grid = padded.reshape(buckets, size)
    valid = ~np.isnan(grid).all(axis=1)
    lo = np.nanmin(grid[valid], axis=1)
    hi = np.nanmax(grid[valid], axis=1)
    starts = (np.arange(buckets)[valid] * size).astype(np.float64)
    xs = np.column_stack([starts, starts + size / 2]).reshape(-1)
    ys = np.column_stack([hi, lo]).reshape(-1)
    return xs, ys
