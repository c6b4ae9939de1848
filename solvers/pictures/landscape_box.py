"""The box a landscape plot shows: the span of the path with a margin, on round axis
ticks, and which parameters are drawn (the rest held). torch-free, as the rest of
:mod:`solvers.pictures.landscape_model`, whose :class:`Plan` it returns."""

from __future__ import annotations

import math

import numpy as np

from solvers.pictures.landscape_model import MARGIN, NoLandscape, Plan


def stride(path: np.ndarray, count: int) -> np.ndarray:
    """About ``count`` rows of ``path`` in order, evenly strided, the last kept.

    The step is odd, so a path that alternates sides every iteration (oscillation)
    still alternates when strided: an even step would keep one side only.
    """
    if len(path) <= count:
        return np.asarray(path)
    step = -(-len(path) // count)
    step += 1 - step % 2
    picked = np.asarray(path[::step])
    if (len(path) - 1) % step:
        picked = np.concatenate([picked, np.asarray(path[-1:])])
    return picked


def extent(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Column-wise min and max of the finite rows of ``values`` (n, k); None if none.

    Every row counts (no striding: a stride could miss the far side of an
    oscillation); non-finite rows are skipped.
    """
    if len(values) == 0:
        return None
    lo, hi = np.min(values, axis=0), np.max(values, axis=0)
    if np.isfinite(lo).all() and np.isfinite(hi).all():
        return lo.astype(np.float64), hi.astype(np.float64)
    finite = values[np.isfinite(values).all(axis=1)]
    if len(finite) == 0:
        return None
    return finite.min(axis=0).astype(np.float64), finite.max(axis=0).astype(np.float64)


def nice_step(span: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``span`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(span))
    for factor in (1.0, 2.0, 5.0, 10.0):
        if factor * power >= span:
            return factor * power
    return 10.0 * power  # pragma: no cover - the loop ends at 10


def axis_range(lo: float, hi: float, extra: float | None = None) -> tuple[float, float]:
    """A range holding [lo, hi] and ``extra`` with a margin, its ends snapped to a
    round step (a tenth of the span or so), so that a path growing inside it leaves
    the range, and with it the cache key, unchanged."""
    if extra is not None:
        lo, hi = min(lo, extra), max(hi, extra)
    span = hi - lo
    if not span > 0:
        span = max(abs(lo), 1.0)
    pad = MARGIN * span
    step = nice_step(span / 10)
    return math.floor((lo - pad) / step) * step, math.ceil((hi + pad) / step) * step


def plan(
    param_names: tuple[str, ...],
    path: np.ndarray,
    optimum: tuple[float, ...] | None,
    size: tuple[int, int],
    what: str = "f",
) -> Plan | NoLandscape:
    """What to draw for a run's parameter rows ``path`` (n, n_params).

    One parameter: a curve of ``size[0]`` points. Two: a map of ``size`` cells over
    a box around the path and the optimum. More: a map over the first two with the
    others held at their last row's values.
    """
    n = len(param_names)
    if n == 0:
        return NoLandscape("the problem has no parameters to draw over")
    if len(path) == 0:
        return NoLandscape("no iterations yet")
    last = np.asarray(path[-1], dtype=np.float64).reshape(n)
    if not np.isfinite(last).all():
        return NoLandscape("the last iterate is not finite")
    bounds = extent(np.asarray(path)[:, drawn_axes(n)])
    if bounds is None:  # pragma: no cover - the last row is finite
        return NoLandscape("no finite iterate to draw around")
    return plan_box(param_names, bounds, last, optimum, size, what)


def drawn_axes(n_params: int) -> tuple[int, ...]:
    """The parameters a landscape spans: the only one, or the first two."""
    return (0,) if n_params == 1 else (0, 1)


def plan_box(
    param_names: tuple[str, ...],
    bounds: tuple[np.ndarray, np.ndarray],
    held_values: np.ndarray,
    optimum: tuple[float, ...] | None,
    size: tuple[int, int],
    what: str = "f",
    held_at: str = Plan.held_at,
) -> Plan:
    """The plan around ``bounds`` (the drawn parameters' min and max) and the optimum,
    the parameters not drawn held at ``held_values`` (all n_params of them)."""
    n = len(param_names)
    axes = drawn_axes(n)
    held = tuple((param_names[k], float(held_values[k])) for k in range(len(axes), n))
    lo, hi = bounds
    if optimum is not None and not all(math.isfinite(v) for v in optimum):
        optimum = None
    x = axis_range(float(lo[0]), float(hi[0]), optimum[0] if optimum else None)
    if n == 1:
        return Plan(axes, param_names[:1], x, None, held, (max(16, size[0]), 1), what, held_at)
    y = axis_range(float(lo[1]), float(hi[1]), optimum[1] if optimum else None)
    cols, rows = max(4, size[0]), max(2, size[1])
    return Plan(axes, param_names[:2], x, y, held, (cols, rows), what, held_at)
