"""What a landscape plot draws, worked out without torch: the box, levels, glyphs.

:mod:`solvers.pictures.landscape` evaluates the objective (torch) on what :func:`plan`
asks for and returns one of the results here; the widget draws them without
ever importing torch. The plan is also the cache key: while the path stays in
its box (and, for a slice, the held parameters keep their values) the grid of
f need not be computed again, only the path redrawn (:meth:`ContourMap.with_path`).

Conventions: a map is ``rows`` x ``cols`` cells, column 0 at the left (smallest
x), row 0 at the top (largest y); each cell holds f at its centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Literal

import numpy as np

LEVEL_GLYPHS = " ,:;-=+x#%"
"""One glyph per level, light (low f) to dense (high f); none of them is a mark."""
NOT_FINITE = "?"
"""A cell where f is not finite (NaN or ±inf)."""
PATH_LINE = "·"
"""Cells the straight line between two consecutive iterates crosses."""
ITERATE = "o"
START = "S"
OPTIMUM = "*"
CURRENT = "@"
MARKS = (PATH_LINE, ITERATE, OPTIMUM, START, CURRENT)
"""Overlay marks, lowest priority first: a later one wins a shared cell."""

PATH_POINTS = 2_000
"""Rows of the path kept for drawing (strided, first and last always kept)."""
MARGIN = 0.1
"""The box reaches this fraction of the path's span beyond it on each side."""
LOG_DECADES = 2.0
"""Levels are log-spaced when f - min spans more than this many decades from its
10th percentile over the cells to its maximum: evenly spaced levels would then put
most of the map, and the whole end of the path, in the bottom level or two
(Rosenbrock's valley: 2.3 decades; a round bowl such as chapter 2's: 1.6)."""

Scale = Literal["log", "linear", "flat"]


ITEM_GAP = "   "
"""Between two items of a legend on one line (an item is a phrase never cut)."""


def join_items(items: tuple[str, ...]) -> str:
    """A legend's items on one line."""
    return ITEM_GAP.join(items)


def fmt(value: float) -> str:
    """A number in at most 4 significant digits, as the titles and legends show it."""
    return f"{value:.4g}"


@dataclass(frozen=True)
class Plan:
    """What to compute: which parameters span the plot, over what box, the rest held.

    Equal plans give equal grids, so a plan is the cache key of a map.
    """

    axes: tuple[int, ...]
    """Indices of the drawn parameters: (0,) for a curve, (0, 1) for a map."""
    names: tuple[str, ...]
    """Their names."""
    x: tuple[float, float]
    """The first drawn parameter's range."""
    y: tuple[float, float] | None
    """The second's (maps only)."""
    held: tuple[tuple[str, float], ...]
    """Parameters not drawn, with the value they are held at (their last row's)."""
    size: tuple[int, int]
    """(cols, rows) of a map; (points, 1) of a curve."""
    what: str
    """What the objective is called: "f", or "loss" for a model."""
    held_at: str = "their current values"
    """Where the held values come from, in words (a compare holds them at the optimum)."""

    @property
    def title(self) -> str:
        """One line saying what is drawn, e.g. "loss over w0, w1 with b = 0.6755"."""
        if len(self.axes) == 1:
            return f"{self.what}({self.names[0]}) over the range the run visits"
        title = f"{self.what} over {self.names[0]}, {self.names[1]}"
        if not self.held:
            return title
        if len(self.held) <= 3:
            title += " with " + ", ".join(f"{n} = {fmt(v)}" for n, v in self.held)
            if self.held_at != Plan.held_at:
                title += f" ({self.held_at})"
            return title
        return title + f", the other {len(self.held)} parameters at {self.held_at}"

    @property
    def axes_items(self) -> tuple[str, ...]:
        """The box in words, one item an axis: its range and direction."""
        items: tuple[str, ...] = (f"{self.names[0]} {fmt(self.x[0])} … {fmt(self.x[1])} →",)
        if self.y is not None:
            items += (f"{self.names[1]} {fmt(self.y[0])} … {fmt(self.y[1])} ↑",)
        return items

    @property
    def axes_line(self) -> str:
        """The box in words: each axis' range and direction."""
        return join_items(self.axes_items)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """x of each column's centre (left to right), y of each row's (top to bottom)."""
        cols, rows = self.size
        xs = _centres(self.x, cols)
        ys = _centres(self.y, rows)[::-1] if self.y is not None else np.zeros(rows)
        return xs, ys

    def cells(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(col, row, inside) of points (n, 2) in the drawn parameters; ``inside`` is
        False for points outside the box (their col and row are clipped)."""
        cols, rows = self.size
        assert self.y is not None
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        fx = (pts[:, 0] - self.x[0]) / (self.x[1] - self.x[0])
        fy = (pts[:, 1] - self.y[0]) / (self.y[1] - self.y[0])
        inside = (fx >= 0) & (fx <= 1) & (fy >= 0) & (fy <= 1)
        with np.errstate(invalid="ignore"):
            col = np.clip(np.floor(np.nan_to_num(fx) * cols), 0, cols - 1).astype(np.int64)
            row = rows - 1 - np.clip(np.floor(np.nan_to_num(fy) * rows), 0, rows - 1)
        return col, row.astype(np.int64), inside


def _centres(span: tuple[float, float] | None, n: int) -> np.ndarray:
    assert span is not None
    width = (span[1] - span[0]) / n
    return span[0] + width * (np.arange(n, dtype=np.float64) + 0.5)


@dataclass(frozen=True)
class NoLandscape:
    """Nothing is drawn, and why (in words the widget shows)."""

    reason: str


@dataclass(frozen=True)
class Levels:
    """Thresholds between levels, in f; ``len(thresholds) + 1`` levels."""

    thresholds: np.ndarray
    scale: Scale
    f_min: float
    f_max: float

    def index(self, values: np.ndarray) -> np.ndarray:
        """Level of each value, 0 (lowest) … len(thresholds); -1 where not finite."""
        values = np.asarray(values, dtype=np.float64)
        level = np.searchsorted(self.thresholds, values, side="right").astype(np.int8)
        level[~np.isfinite(values)] = -1
        return level

    def words(self, what: str = "f") -> str:
        """How the levels were chosen, for the legend."""
        if self.scale == "log":
            return f"levels log-spaced in {what} - min"
        if self.scale == "linear":
            return "levels evenly spaced"
        return f"{what} is the same everywhere here"


def choose_levels(values: np.ndarray, count: int = len(LEVEL_GLYPHS)) -> Levels:
    """``count`` levels for these values: log-spaced in ``f - min`` when that spans
    more than :data:`LOG_DECADES` decades (see there), else evenly spaced."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return Levels(np.empty(0), "flat", math.nan, math.nan)
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo
    if not span > 0 or not math.isfinite(span):
        return Levels(np.empty(0), "flat", lo, hi)
    above = finite - lo
    positive = above[above > 0]
    p10 = float(np.percentile(positive, 10))
    if span > p10 * 10**LOG_DECADES:
        floor = max(float(np.percentile(positive, 1)), span * 1e-12)
        steps = np.geomspace(floor, span, count)[:-1]
        return Levels(lo + steps, "log", lo, hi)
    steps = span * np.arange(1, count) / count
    return Levels(lo + steps, "linear", lo, hi)


@dataclass(frozen=True)
class Curve:
    """One parameter: f over the visited range, and the iterates on it."""

    plan: Plan
    xs: np.ndarray
    """Sorted x of the curve, the iterates' x among them (so it passes through them)."""
    fs: np.ndarray
    """f at ``xs`` (float64, finite)."""
    path_x: np.ndarray
    """The iterates in order (strided to :data:`PATH_POINTS`, first and last kept)."""
    path_f: np.ndarray
    """f at each iterate, evaluated in float64."""
    optimum: tuple[float, float] | None
    """(x*, f*) where known."""

    @property
    def title(self) -> str:
        return self.plan.title

    @property
    def legend_items(self) -> tuple[str, ...]:
        """The legend, one phrase an item (a widget wraps whole items)."""
        items: tuple[str, ...] = (
            f"{self.plan.what} {fmt(float(self.fs.min()))} … {fmt(float(self.fs.max()))}",
            f"{START} start",
            f"{CURRENT} now",
            f"{ITERATE} iterates, joined in order",
        )
        if self.optimum is not None:
            items += (f"{OPTIMUM} optimum {fmt(self.optimum[0])}",)
        return items

    @property
    def legend(self) -> str:
        return join_items(self.legend_items)


@dataclass(frozen=True)
class ContourMap:
    """Two parameters (or a slice over two): f on a grid of cells, levels, the path."""

    plan: Plan
    values: np.ndarray
    """f at each cell's centre, (rows, cols), NaN where not finite."""
    levels: Levels
    cells: np.ndarray
    """Level index of each cell (int8), -1 where f is not finite."""
    path: np.ndarray
    """The iterates in the drawn parameters, (n, 2), in order (strided)."""
    optimum: tuple[float, float] | None
    """The optimum's drawn coordinates where known (of the whole problem, for a slice)."""

    @property
    def title(self) -> str:
        return self.plan.title

    def with_path(self, path: np.ndarray) -> ContourMap:
        """The same grid under a newer path (drawn coordinates, already strided)."""
        return replace(self, path=np.asarray(path, dtype=np.float64))

    @property
    def levels_items(self) -> tuple[str, ...]:
        """The level glyphs and the range of f they cover, how they were chosen, and
        the mark of cells where f is not finite if there are any."""
        levels = self.levels
        items: tuple[str, ...] = (
            f"[{LEVEL_GLYPHS}] {self.plan.what} {fmt(levels.f_min)} … {fmt(levels.f_max)}",
            levels.words(self.plan.what),
        )
        if (self.cells < 0).any():
            items += (f"{NOT_FINITE} not finite",)
        return items

    @property
    def legend_items(self) -> tuple[str, ...]:
        """The legend, one phrase an item (a widget wraps whole items)."""
        marks = (f"{START} start", f"{CURRENT} now", f"{ITERATE}{PATH_LINE} path")
        items: tuple[str, ...] = (*self.levels_items, *marks)
        if self.optimum is not None:
            mark = f"{OPTIMUM} optimum"
            if self.plan.held:
                mark += " (of all parameters)"
            if self.now_on_optimum:
                mark += f", under {CURRENT}"
            items += (mark,)
        return items

    @property
    def legend(self) -> str:
        return join_items(self.legend_items)

    @property
    def now_on_optimum(self) -> bool:
        """The current point's cell is the optimum's, so ``@`` hides ``*``."""
        if self.optimum is None or len(self.path) == 0:
            return False
        col, row, inside = self.plan.cells(np.array([self.optimum, self.path[-1]]))
        return bool(inside.all() and col[0] == col[1] and row[0] == row[1])

    def level_grid(self) -> np.ndarray:
        """One level glyph per cell, (rows, cols), before any mark."""
        lookup = np.array(list(LEVEL_GLYPHS + NOT_FINITE))  # level -1: the last entry
        return lookup[self.cells.astype(np.int64)]

    def glyph_rows(self) -> list[str]:
        """The map as text, one string per row: level glyphs under the path's marks
        (worked out once: the plot's worker asks first, so the UI thread finds it done)."""
        return self._glyph_rows

    @cached_property
    def _glyph_rows(self) -> list[str]:
        grid = self.level_grid()
        for glyph, (cols, rows) in self.marks():
            grid[rows, cols] = glyph
        return ["".join(row) for row in grid.tolist()]

    def marks(self) -> list[tuple[str, tuple[np.ndarray, np.ndarray]]]:
        """Each overlay mark with the (cols, rows) of its cells, lowest priority first."""
        out: list[tuple[str, tuple[np.ndarray, np.ndarray]]] = []
        path = self.path
        if len(path):
            line, iterates = path_cells(self.plan, path)
            out.append((PATH_LINE, line))
            out.append((ITERATE, iterates))
        points = [(OPTIMUM, np.array([self.optimum]))] if self.optimum is not None else []
        if len(path):
            points += [(START, path[:1]), (CURRENT, path[-1:])]
        for glyph, point in points:
            out.append((glyph, point_cells(self.plan, point)))
        return out


Cells = tuple[np.ndarray, np.ndarray]
"""(cols, rows) of some cells of a map."""


def path_cells(plan: Plan, path: np.ndarray) -> tuple[Cells, Cells]:
    """The cells a path crosses between its points, and its points' own cells (those
    inside the box)."""
    col, row, inside = plan.cells(path)
    return _lines(col, row, inside), (col[inside], row[inside])


def point_cells(plan: Plan, points: np.ndarray) -> Cells:
    """The cells of those ``points`` (n, 2) inside the box."""
    col, row, inside = plan.cells(points)
    return col[inside], row[inside]


def _lines(col: np.ndarray, row: np.ndarray, inside: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cells strictly between consecutive points (both inside the box) on the straight
    line joining them: (cols, rows), all segments at once."""
    keep = np.ones(len(col), dtype=bool)
    keep[1:] = (col[1:] != col[:-1]) | (row[1:] != row[:-1])
    col, row, inside = col[keep], row[keep], inside[keep]
    both = inside[:-1] & inside[1:]
    c0, r0 = col[:-1][both], row[:-1][both]
    dc, dr = col[1:][both] - c0, row[1:][both] - r0
    steps = np.maximum(np.abs(dc), np.abs(dr))
    between = np.maximum(steps - 1, 0)
    total = int(between.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    segment = np.repeat(np.arange(len(steps)), between)
    first = np.cumsum(between) - between
    t = (np.arange(total) - first[segment] + 1) / steps[segment]
    cols = np.rint(c0[segment] + dc[segment] * t).astype(np.int64)
    rows = np.rint(r0[segment] + dr[segment] * t).astype(np.int64)
    return cols, rows


Landscape = Curve | ContourMap | NoLandscape
"""What :func:`solvers.pictures.landscape.compute_landscape` returns."""


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
