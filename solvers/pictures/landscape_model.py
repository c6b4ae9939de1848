"""What a landscape plot draws, worked out without torch: the plan, levels, glyphs.

:mod:`solvers.pictures.landscape` evaluates the objective (torch) on what
:func:`solvers.pictures.landscape_box.plan` asks for and returns one of the results
here; the widget draws them without ever importing torch. The plan is also the
cache key: while the path stays in its box (and, for a slice, the held parameters
keep their values) the grid of f need not be computed again, only the path redrawn
(:meth:`ContourMap.with_path`).

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
