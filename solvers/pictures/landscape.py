"""The landscape under a run: f evaluated (torch, float64) where the plot needs it.

:func:`compute_landscape` turns a problem and its recorded parameter rows into a
:class:`~solvers.pictures.landscape_model.Curve` (one parameter), a
:class:`~solvers.pictures.landscape_model.ContourMap` (two, or a slice over the first two
with the others held at their last values) or a
:class:`~solvers.pictures.landscape_model.NoLandscape` saying why nothing is drawn. The
results hold numpy arrays only, so the UI draws them without torch.

The grid is evaluated in one batched call: ``torch.func.vmap`` over the
objective's own ``forward`` (the same module the run uses, copied to float64), so
any objective written with torch ops works unchanged. An objective vmap cannot
batch is evaluated point by point instead (about 100x slower: ~0.2 s for 1,200
points here).
"""

from __future__ import annotations

import threading
import warnings
import weakref
from collections.abc import Callable
from math import prod
from typing import Protocol

import numpy as np
import torch
from torch import Tensor

from solvers.core.facts import Facts
from solvers.core.specs import ProblemSpec
from solvers.pictures.landscape_box import plan, stride
from solvers.pictures.landscape_model import (
    PATH_POINTS,
    ContourMap,
    Curve,
    Landscape,
    NoLandscape,
    Plan,
    choose_levels,
)
from solvers.pictures.members_map import MembersCurve, MembersMap, plan_members

CPU = torch.device("cpu")


class LandscapeProblem(Protocol):
    """What the landscape needs of a problem (:class:`solvers.problems.problem.Problem` has it)."""

    @property
    def spec(self) -> ProblemSpec: ...

    def objective_on(self, device: torch.device, dtype: torch.dtype = ...) -> torch.nn.Module: ...


_objectives: weakref.WeakKeyDictionary[object, torch.nn.Module] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _objective64(problem: LandscapeProblem) -> torch.nn.Module:
    """The problem's objective on the CPU in float64, copied once per problem."""
    with _lock:
        objective = _objectives.get(problem)
        if objective is None:
            objective = problem.objective_on(CPU, torch.float64)
            _objectives[problem] = objective
        return objective


def _unflatten(flat: Tensor, shapes: tuple[tuple[int, ...], ...]) -> list[Tensor]:
    parts = []
    offset = 0
    for shape in shapes:
        size = prod(shape)
        parts.append(flat[offset : offset + size].reshape(shape))
        offset += size
    return parts


def evaluate(problem: LandscapeProblem, points: np.ndarray) -> np.ndarray:
    """f at each row of ``points`` (n, n_params), in float64; NaN where not finite."""
    objective = _objective64(problem)
    shapes = problem.spec.param_shapes

    def f(flat: Tensor) -> Tensor:
        value: Tensor = objective(_unflatten(flat, shapes))[0].sum()
        return value

    batch = torch.from_numpy(np.ascontiguousarray(points, dtype=np.float64))
    if len(batch) == 0:
        return np.empty(0)
    with torch.no_grad():
        values = _batched(f, batch)
    out = values.numpy().astype(np.float64, copy=True)
    out[~np.isfinite(out)] = np.nan
    return out


def _batched(f: Callable[[Tensor], Tensor], batch: Tensor) -> Tensor:
    """f of each row of ``batch``: one vmapped call, or a loop where vmap fails."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # vmap's "no batching rule, slow path" notes
            values = torch.func.vmap(f)(batch)
    except Exception:  # whatever vmap cannot batch is evaluated point by point
        values = None
    if values is None or values.shape != (len(batch),):
        values = torch.stack([f(row) for row in batch])
    return values


def compute_landscape(
    problem: LandscapeProblem,
    path: np.ndarray,
    size: tuple[int, int] = (60, 20),
    *,
    facts: Facts | None = None,
    previous: object = None,
) -> Landscape:
    """What to draw under a run whose parameter rows so far are ``path`` (n, n_params).

    ``size`` is (cols, rows) of a map, or (points, _) of a curve. ``facts`` gives the
    optimum to include and mark (default: the problem's own ``facts``, if it has
    them). A ``previous`` map with the same plan is reused with the new path, so the
    objective is evaluated only when the box, the size or a held value changes.
    """
    spec = problem.spec
    optimum, f_star = _known_optimum(problem, facts)
    what = "loss" if spec.prediction_names else "f"
    rows = np.asarray(path).reshape(-1, spec.n_params)  # no copy of a long history
    planned = plan(spec.param_names, rows, optimum, size, what)
    if isinstance(planned, NoLandscape):
        return planned
    drawn = stride(rows, PATH_POINTS)[:, planned.axes].astype(np.float64)
    drawn = drawn[np.isfinite(drawn).all(axis=1)]
    if len(planned.axes) == 1:
        return _curve(problem, planned, drawn[:, 0], optimum, f_star)
    if isinstance(previous, ContourMap) and previous.plan == planned:
        return previous.with_path(drawn)
    return _map(problem, planned, drawn, optimum)


def compute_members_landscape(
    problem: LandscapeProblem,
    paths: list[np.ndarray],
    counted: list[bool],
    size: tuple[int, int] = (60, 20),
    *,
    facts: Facts | None = None,
    previous: object = None,
) -> MembersMap | MembersCurve | NoLandscape:
    """What to draw under a compare's members, whose parameter rows so far are
    ``paths`` (each (n, n_params)); the box is planned around the ``counted`` ones
    (see :mod:`solvers.pictures.members_map`). A ``previous`` map with the same plan is reused."""
    spec = problem.spec
    optimum, f_star = _known_optimum(problem, facts)
    what = "loss" if spec.prediction_names else "f"
    rows = [np.asarray(p).reshape(-1, spec.n_params) for p in paths]
    planned = plan_members(spec.param_names, rows, counted, optimum, size, what)
    if isinstance(planned, NoLandscape):
        return planned
    each = max(50, PATH_POINTS // max(1, len(rows)))
    drawn = []
    for member in rows:
        points = stride(member, each)[:, planned.axes].astype(np.float64)
        drawn.append(points[np.isfinite(points).all(axis=1)])
    if len(planned.axes) == 1:
        return _members_curve(problem, planned, [d[:, 0] for d in drawn], optimum, f_star)
    if isinstance(previous, MembersMap) and previous.plan == planned:
        return previous.with_paths(drawn)
    grid = _map(problem, planned, np.empty((0, 2)), optimum)
    if isinstance(grid, NoLandscape):
        return grid
    return MembersMap(grid, tuple(drawn))


def _members_curve(
    problem: LandscapeProblem,
    planned: Plan,
    paths_x: list[np.ndarray],
    optimum: tuple[float, ...] | None,
    f_star: float | None,
) -> MembersCurve | NoLandscape:
    lo, hi = planned.x
    outside = []
    kept = []
    for index, path in enumerate(paths_x):  # a member is drawn until it leaves the range
        leaves = np.flatnonzero((path < lo) | (path > hi))
        if len(leaves):
            outside.append(index)
            path = path[: leaves[0]]
        kept.append(path)
    along = _f_along(problem, planned, kept)
    if isinstance(along, NoLandscape):
        return along
    xs, fs, paths_f = along
    best = (optimum[0], f_star) if optimum is not None and f_star is not None else None
    return MembersCurve(planned, xs, fs, tuple(kept), tuple(paths_f), best, tuple(outside))


def _curve(
    problem: LandscapeProblem,
    planned: Plan,
    path_x: np.ndarray,
    optimum: tuple[float, ...] | None,
    f_star: float | None,
) -> Landscape:
    along = _f_along(problem, planned, [path_x])
    if isinstance(along, NoLandscape):
        return along
    xs, fs, (path_f,) = along
    best = (optimum[0], f_star) if optimum is not None and f_star is not None else None
    return Curve(planned, xs, fs, path_x, path_f, best)


def _f_along(
    problem: LandscapeProblem, planned: Plan, paths_x: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]] | NoLandscape:
    """f over the plan's range, the paths' own points among the x's (so the curve
    passes through them): (sorted x's where f is finite, f there, f at each path's
    points)."""
    grid = np.linspace(planned.x[0], planned.x[1], planned.size[0])
    xs = np.unique(np.concatenate([grid, *paths_x]))
    fs = evaluate(problem, xs.reshape(-1, 1))
    finite = np.isfinite(fs)
    if not finite.any():
        return NoLandscape(f"{planned.what} is not finite anywhere over the visited range")
    return xs[finite], fs[finite], [fs[np.searchsorted(xs, x)] for x in paths_x]


def _known_optimum(
    problem: LandscapeProblem, facts: Facts | None
) -> tuple[tuple[float, ...] | None, float | None]:
    """The optimum's parameters and value, where known: from ``facts``, else from the
    problem's own facts if it has them."""
    if facts is None:
        facts = getattr(problem, "facts", None)
    if facts is None or facts.optimum is None:
        return None, None
    return facts.optimum.params, facts.optimum.value


def _map(
    problem: LandscapeProblem,
    planned: Plan,
    path: np.ndarray,
    optimum: tuple[float, ...] | None,
) -> ContourMap | NoLandscape:
    xs, ys = planned.centres()
    cols, rows = planned.size
    points = np.empty((rows, cols, problem.spec.n_params), dtype=np.float64)
    points[:, :, 0] = xs[None, :]
    points[:, :, 1] = ys[:, None]
    for k, (_, value) in enumerate(planned.held, start=2):
        points[:, :, k] = value
    values = evaluate(problem, points.reshape(-1, problem.spec.n_params)).reshape(rows, cols)
    if not np.isfinite(values).any():
        return NoLandscape(f"{planned.what} is not finite anywhere on the box {planned.axes_line}")
    levels = choose_levels(values)
    best = (optimum[0], optimum[1]) if optimum is not None else None
    return ContourMap(planned, values, levels, levels.index(values), path, best)
