"""Chapter 3 on a learner's data: the target and feature columns of a CSV table, the
features z-scored where asked, and what is reported in the data's own units.

torch-free (numpy, float64): the CLI and the app check the columns before torch has
loaded. Standardizing uses the population standard deviation (divide by n, numpy's
default ``ddof=0``), so z has mean 0 and mean square 1 in every column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from solvers.core.csv_table import Table, read_table
from solvers.core.facts import rank_cut
from solvers.core.validation import SettingError


@dataclass(frozen=True, eq=False)
class RegressionData:
    """The rows a run fits: ``x`` (features × rows, as the book lays out its samples)
    and ``y``, both float64; ``mean`` and ``scale`` undo the standardizing (0 and 1
    where the features are raw)."""

    path: str
    target: str
    features: tuple[str, ...]
    standardized: bool
    raw: np.ndarray
    """The raw features, (rows, features)."""
    y: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    @property
    def x(self) -> np.ndarray:
        """The features the run fits, (features, rows): z-scores where standardized."""
        return np.ascontiguousarray(((self.raw - self.mean) / self.scale).T)

    @property
    def rows(self) -> int:
        return int(self.y.shape[0])

    def data_units(self, w: np.ndarray, b: float) -> tuple[np.ndarray, float]:
        """The weights and bias of the fitted features in the data's units:
        w = w_z / σ, b = b_z − Σ w_z μ / σ (unchanged where raw)."""
        w = np.asarray(w, dtype=np.float64).reshape(-1)
        return w / self.scale, float(b - np.sum(w * self.mean / self.scale))

    def r_squared(self, w: np.ndarray, b: float) -> float:
        """1 − SS_res / SS_tot of weights and bias in the data's units."""
        residual = self.raw @ np.asarray(w, dtype=np.float64) + b - self.y
        spread = self.y - self.y.mean()
        total = float(spread @ spread)
        return float("nan") if total == 0 else 1.0 - float(residual @ residual) / total

    def design(self, standardized: bool) -> np.ndarray:
        """[X 1] (rows × features + 1) on the raw or the standardized features."""
        x = (self.raw - self.raw.mean(axis=0)) / self.raw.std(axis=0) if standardized else self.raw
        return np.hstack([x, np.ones((self.rows, 1))])

    def singular_values(self, standardized: bool) -> np.ndarray:
        """[X 1]'s singular values, largest first (float64), computed once per design:
        the curvature, κ and the least-squares facts all read them."""
        key = "standardized" if standardized else "raw"
        kept: dict[str, np.ndarray] = self.__dict__.setdefault("_singular", {})
        if key not in kept:
            kept[key] = np.linalg.svd(self.design(standardized), compute_uv=False)
        return kept[key]

    def curvature(self, standardized: bool) -> tuple[float, float]:
        """(λmin, λmax) of the loss's Hessian [X 1]ᵀ[X 1], raw or standardized: the
        squares of [X 1]'s extreme singular values (float64)."""
        singular = self.singular_values(standardized)
        return float(singular[-1] ** 2), float(singular[0] ** 2)

    def condition(self, standardized: bool) -> float:
        """κ = λmax / λmin of that Hessian; inf where [X 1] is rank-deficient
        (:func:`solvers.core.facts.rank_cut`: its columns are dependent)."""
        singular = self.singular_values(standardized)
        if singular[-1] <= rank_cut(float(singular[0]), self.rows, len(singular)):
            return float("inf")
        return float((singular[0] / singular[-1]) ** 2)


_READ: dict[tuple[str, int, int], Table] = {}


def table_of(path: str) -> Table:
    """The file's table, read once while it keeps its size and modification time (the
    form checks it as it is typed, the run builds from it)."""
    try:
        status = os.stat(path)
        key = (os.path.abspath(path), status.st_mtime_ns, status.st_size)
    except OSError:
        return read_table(path)  # says what is wrong
    if key not in _READ:
        if len(_READ) >= 4:
            _READ.pop(next(iter(_READ)))
        _READ[key] = read_table(path)
    return _READ[key]


def split_names(text: str) -> tuple[str, ...]:
    """Column names typed comma-separated, spaces around each dropped."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def regression_data(path: str, target: str, features: str, standardize: bool) -> RegressionData:
    """The target and features (every other column where ``features`` is empty) of the
    file at ``path``; a SettingError names the field, the file, line and column."""
    table = table_of(path)
    shown = ", ".join(table.names)
    if not target.strip():
        raise SettingError("target", f"is missing; name one column of {table.path}: {shown}")
    if target.strip() not in table.names:
        raise SettingError(
            "target", f"{target.strip()!r} is not a column of {table.path} (line 1): {shown}"
        )
    target = target.strip()
    names = split_names(features) or tuple(name for name in table.names if name != target)
    for name in names:
        if name not in table.names:
            raise SettingError(
                "features", f"{name!r} is not a column of {table.path} (line 1): {shown}"
            )
        if name == target:
            raise SettingError("features", f"{name!r} is the target; a feature is another column")
        if names.count(name) > 1:
            raise SettingError("features", f"{name!r} is named twice")
    if not names:
        raise SettingError("features", f"{table.path} has no column besides the target")
    rows = table.values.shape[0]
    if rows < len(names) + 1:
        raise SettingError(
            "data",
            f"{table.path}: {rows} row{'' if rows == 1 else 's'} for {len(names)} feature"
            f"{'' if len(names) == 1 else 's'} and a bias; least squares needs at least "
            f"{len(names) + 1}",
        )
    raw = table.values[:, [table.column(name) for name in names]]
    y = table.values[:, table.column(target)].copy()
    mean = np.zeros(len(names))
    scale = np.ones(len(names))
    if standardize:
        mean = raw.mean(axis=0)
        scale = raw.std(axis=0)
        for index in np.flatnonzero(scale == 0):
            column = table.column(names[index]) + 1
            raise SettingError(
                "data",
                f"{table.path} column {column} ({names[index]}): every row holds "
                f"{raw[0, index]:g}; a constant column cannot be standardized (σ = 0)",
            )
    return RegressionData(table.path, target, names, standardize, raw, y, mean, scale)
