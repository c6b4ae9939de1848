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
