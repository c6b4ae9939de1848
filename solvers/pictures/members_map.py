"""A compare's members over one landscape, worked out without torch.

The members of a compare share a problem, so they share its landscape: one
contour map (two parameters, or a slice over the first two) or one curve (one
parameter) under every member's path. :mod:`solvers.pictures.landscape` evaluates the
objective on what :func:`plan_members` asks for; the widget draws the result.

Choices, and why:

- The box holds the start, the optimum and every member that has not diverged.
  A diverging member's rows grow by orders of magnitude before the divergence
  rule stops it; counted, it would shrink every other path to a dot. It is drawn
  until it leaves the box.
- With more than two parameters the others are held at the optimum's values where
  it is known (every member heads there; members have different values of them
  at any one time), else at the first counted member's last values. The title
  says which.
- Each member's path is drawn with :data:`~solvers.pictures.landscape_model.PATH_LINE`
  and ends in its mark (:data:`MEMBER_MARKS`): no level glyph and no single run's
  mark is among them, so a cell never reads two ways. A later member's mark wins
  a shared cell, as on the compare's other plots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import cast

import numpy as np

from solvers.pictures.landscape_box import drawn_axes, extent, plan_box
from solvers.pictures.landscape_model import (
    OPTIMUM,
    PATH_LINE,
    START,
    ContourMap,
    NoLandscape,
    Plan,
    fmt,
    join_items,
    path_cells,
    point_cells,
)

MEMBER_MARKS = "123456789abcdefghijklmnpqrstuvwyzABCDEFGHIJKLMNOPQRTUVWXYZ$&!~^>"
"""One character per member (a compare has at most 64), in the members' order:
drawn at the end of its curve and its path and before its name in the legend.
Without colour (NO_COLOR, a monochrome projector) or past the palette's 16
colours, the only way to tell members apart. None is a level glyph or a single
run's mark (o, x, S, #, % are left out)."""

NO_MEMBER = -1
"""The owner of a cell that no member's path or mark is in."""


def member_mark(index: int) -> str:
    """Member ``index``'s mark."""
    return MEMBER_MARKS[index % len(MEMBER_MARKS)]


def plan_members(
    param_names: tuple[str, ...],
    paths: Sequence[np.ndarray],
    counted: Sequence[bool],
    optimum: tuple[float, ...] | None,
    size: tuple[int, int],
    what: str = "f",
) -> Plan | NoLandscape:
    """What to draw under the members' parameter rows ``paths`` (each (n, n_params));
    the box is planned around those ``counted`` (all of them where none is)."""
    n = len(param_names)
    if n == 0:
        return NoLandscape("the problem has no parameters to draw over")
    chosen = [(i, p) for i, (p, c) in enumerate(zip(paths, counted, strict=True)) if c and len(p)]
    chosen = chosen or [(i, p) for i, p in enumerate(paths) if len(p)]
    if not chosen:
        return NoLandscape("no iterations yet")
    axes = list(drawn_axes(n))
    bounds = [b for b in (extent(np.asarray(p)[:, axes]) for _, p in chosen) if b is not None]
    if not bounds:
        return NoLandscape("no member has a finite iterate to draw around")
    starts = [np.asarray(p[0], dtype=np.float64)[axes] for _, p in chosen]
    lo = np.min([b[0] for b in bounds] + starts, axis=0)  # the starts too
    hi = np.max([b[1] for b in bounds] + starts, axis=0)
    if not (np.isfinite(lo).all() and np.isfinite(hi).all()):  # a start is not finite
        lo, hi = np.min([b[0] for b in bounds], axis=0), np.max([b[1] for b in bounds], axis=0)
    if optimum is not None and len(optimum) == n and np.isfinite(optimum).all():
        return plan_box(param_names, (lo, hi), np.asarray(optimum), optimum, size, what,
                        "the optimum's")  # fmt: skip
    for index, path in chosen:
        last = np.asarray(path[-1], dtype=np.float64)
        if np.isfinite(last).all():
            held_at = f"member {member_mark(index)}'s last"
            return plan_box(param_names, (lo, hi), last, optimum, size, what, held_at)
    return NoLandscape("no member's last iterate is finite")


@dataclass(frozen=True)
class MembersMap:
    """Every member's path over one contour map, each ending in its mark."""

    grid: ContourMap
    """The levels under the members (its own path is empty)."""
    paths: tuple[np.ndarray, ...]
    """Each member's iterates in the drawn parameters, (n, 2), in order (strided)."""

    @property
    def plan(self) -> Plan:
        return self.grid.plan

    @property
    def title(self) -> str:
        return self.plan.title

    def with_paths(self, paths: Sequence[np.ndarray]) -> MembersMap:
        """The same grid under newer paths."""
        return MembersMap(self.grid, tuple(np.asarray(p, dtype=np.float64) for p in paths))

    @property
    def outside(self) -> list[int]:
        """Members whose last point is outside the box (drawn up to its edge): diverging
        ones, usually."""
        out = []
        for index, path in enumerate(self.paths):
            if len(path) and not self.plan.cells(path[-1:])[2].all():
                out.append(index)
        return out

    @property
    def legend_items(self) -> tuple[str, ...]:
        """The legend, one phrase an item (a widget wraps whole items)."""
        ends = member_mark(0)
        if len(self.paths) > 1:
            ends += f"…{member_mark(len(self.paths) - 1)}"
        items: tuple[str, ...] = (*self.grid.levels_items, f"{START} start", f"{PATH_LINE} path")
        items += (f"{ends} each member's end",)
        if self.grid.optimum is not None:
            items += (f"{OPTIMUM} optimum",)
        if self.outside:
            items += ("out of the box: " + _marks(self.outside),)
        return items

    @property
    def legend(self) -> str:
        return join_items(self.legend_items)

    def layers(self) -> list[tuple[str, int, tuple[np.ndarray, np.ndarray]]]:
        """(glyph, member or NO_MEMBER, (cols, rows)) of each overlay, lowest first:
        every member's path, then the optimum, the starts, and every member's end."""
        return self._layers

    @cached_property
    def _layers(self) -> list[tuple[str, int, tuple[np.ndarray, np.ndarray]]]:
        plan = self.plan
        out: list[tuple[str, int, tuple[np.ndarray, np.ndarray]]] = []
        drawn = [(i, p) for i, p in enumerate(self.paths) if len(p)]
        for index, path in drawn:
            line, points = path_cells(plan, path)
            out.append((PATH_LINE, index, line))
            out.append((PATH_LINE, index, points))
        if self.grid.optimum is not None:
            out.append((OPTIMUM, NO_MEMBER, point_cells(plan, np.array([self.grid.optimum]))))
        for _, path in drawn:
            out.append((START, NO_MEMBER, point_cells(plan, path[:1])))
        for index, path in drawn:
            out.append((member_mark(index), index, point_cells(plan, path[-1:])))
        return out

    def glyph_rows(self) -> list[str]:
        """The map as text, one string per row (worked out once: the plot's worker
        asks first, so that the UI thread finds it done)."""
        return self._glyph_rows

    @cached_property
    def _glyph_rows(self) -> list[str]:
        grid = self.grid.level_grid()
        for glyph, _, (cols, rows) in self.layers():
            grid[rows, cols] = glyph
        return ["".join(row) for row in grid.tolist()]

    def owners(self) -> list[list[int]]:
        """The member each cell's glyph belongs to, row by row; NO_MEMBER for a level
        glyph, the start or the optimum (the widget colours by it). Worked out once."""
        return self._owners

    @cached_property
    def _owners(self) -> list[list[int]]:
        owner = np.full(self.grid.cells.shape, NO_MEMBER, dtype=np.int16)
        for _, index, (cols, rows) in self.layers():
            owner[rows, cols] = index
        return cast(list[list[int]], owner.tolist())


@dataclass(frozen=True)
class MembersCurve:
    """One parameter: f over the range the members visit, each member's iterates on it."""

    plan: Plan
    xs: np.ndarray
    """Sorted x of the curve, every member's iterates among them."""
    fs: np.ndarray
    """f at ``xs``."""
    paths_x: tuple[np.ndarray, ...]
    """Each member's iterates in order (strided)."""
    paths_f: tuple[np.ndarray, ...]
    """f at each of them."""
    optimum: tuple[float, float] | None
    """(x*, f*) where known."""
    outside: tuple[int, ...] = ()
    """Members that left the range (drawn up to there): diverging ones, usually."""

    @property
    def title(self) -> str:
        return f"{self.plan.what}({self.plan.names[0]}) over the range the members visit"

    @property
    def legend_items(self) -> tuple[str, ...]:
        """The legend, one phrase an item (a widget wraps whole items)."""
        count = len(self.paths_x)
        ends = member_mark(0) + (f"…{member_mark(count - 1)}" if count > 1 else "")
        items: tuple[str, ...] = (
            f"{self.plan.what} {fmt(float(self.fs.min()))} … {fmt(float(self.fs.max()))}",
            f"{START} start",
            f"{ends} each member's end, its iterates joined in order",
        )
        if self.optimum is not None:
            items += (f"{OPTIMUM} optimum {fmt(self.optimum[0])}",)
        if self.outside:
            items += ("out of the range: " + _marks(self.outside),)
        return items

    @property
    def legend(self) -> str:
        return join_items(self.legend_items)


def _marks(indices: Sequence[int]) -> str:
    """Members named by their marks, e.g. "3, 4"."""
    return ", ".join(member_mark(i) for i in indices)
