"""What chapter 3 says of a fit to a file, in the data's own units: the least-squares
fit (torch.linalg.lstsq in float64 on [X 1]) and the descent's, each with its R², and
the condition number κ of the problem raw and standardized with the bound for η.
Imported by the chapter's methods only (numpy and torch load with it, lazily)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from solvers.core.regression_data import RegressionData
    from solvers.problems.problem import Problem


def least_squares(data: RegressionData) -> tuple[np.ndarray, float]:
    """The exact fit in the data's units: torch.linalg.lstsq on the raw [X 1], float64."""
    import torch

    design = torch.from_numpy(data.design(standardized=False))
    target = torch.from_numpy(data.y).reshape(-1, 1)
    solution = torch.linalg.lstsq(design, target, driver="gelsd").solution.reshape(-1).numpy()
    return solution[:-1].copy(), float(solution[-1])


def fit_text(data: RegressionData, w: np.ndarray, b: float) -> str:
    """``GNP 0.0358, …, b -3.48e+06, R² 0.9955``: weights by feature, bias, R²."""
    weights = ", ".join(f"{name} {value:.6g}" for name, value in zip(data.features, w, strict=True))
    bias = "bias" if "b" in data.features else "b"  # a column may be called b
    return f"{weights}, {bias} {b:.6g}, R² {data.r_squared(w, b):.6f}"


def _kappa(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else "∞"


def kappa_line(data: RegressionData, problem: Problem, eta: float | None) -> str:
    """κ raw and standardized, then the bound 2/λmax of the loss this run descends."""
    raw, scaled = data.condition(False), data.condition(True)
    stable = problem.facts.stable_eta
    which = "standardized" if data.standardized else "raw"
    line = f"κ = λmax/λmin of [X 1]ᵀ[X 1]: {_kappa(raw)} raw, {_kappa(scaled)} standardized"
    if math.isinf(raw) or math.isinf(scaled):
        line += " (the columns of [X 1] are dependent: a valley of fits)"
    if stable is None:
        return line + "; no stable bound (the Hessian is singular)"
    if eta is None:
        return f"{line}; the {which} problem's 2/λmax = {stable:.6g}"
    relation = "<" if eta < stable else ">="
    return f"{line}; this run ({which}): η {eta:g} {relation} 2/λmax = {stable:.6g}"


def fit_lines(problem: Problem, data: RegressionData, eta: float | None) -> tuple[str, ...]:
    """The facts panel's and the summary's lines on a file."""
    w, b = least_squares(data)
    scaled = ("the run's parameters are the z-scored features' weights",) * data.standardized
    return (
        *scaled,
        f"least squares (torch.linalg.lstsq, float64, data units): {fit_text(data, w, b)}",
        kappa_line(data, problem, eta),
    )


def descent_lines(
    problem: Problem, data: RegressionData, params: np.ndarray, eta: float
) -> tuple[str, ...]:
    """The descent's last parameters in the data's units beside least squares, and κ."""
    import numpy as np

    values = np.asarray(params, dtype=np.float64)
    count = len(data.features)
    w, b = data.data_units(values[:count], float(values[count]))
    exact_w, exact_b = least_squares(data)
    return (
        f"descent (data units):       {fit_text(data, w, b)}",
        f"least squares (data units): {fit_text(data, exact_w, exact_b)}",
        kappa_line(data, problem, eta),
    )
