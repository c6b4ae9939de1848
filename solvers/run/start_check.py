"""Refuse a start where the function is not defined, before any run (torch).

``log(x)`` or ``sqrt(x)`` at −1, ``x/0``, ``x**-1`` at 0: f (or its gradient) is
NaN or ±inf at the start, so not one step of descent is defined. The CLI and
the app ask :func:`check_start` first and name the field, instead of reporting
a run "diverged at iteration 0".
"""

from __future__ import annotations

import math

import torch

from solvers.core.validation import SettingError
from solvers.problems.problem import Problem

_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def check_start(problem: Problem, start: tuple[float, ...], dtype: str, field: str) -> None:
    """Raise SettingError(``field``, why) where f or ∇f is not finite at ``start``,
    computed as the run computes it (its dtype, on the CPU)."""
    kind = _DTYPES[dtype]
    objective = problem.objective_on(torch.device("cpu"), kind)
    params = problem.make_params(start, torch.device("cpu"), kind)
    value = objective(params)[0].sum()
    f = float(value.detach())
    if not math.isfinite(f):
        raise SettingError(
            field,
            f"f is not finite at the start (f = {f}); expected a start where f is defined",
        )
    grads = torch.autograd.grad(value, params, allow_unused=True)
    bad = [g for g in grads if g is not None and not bool(torch.isfinite(g).all())]
    if bad:
        shown = next(float(v) for v in bad[0].reshape(-1) if not math.isfinite(float(v)))
        raise SettingError(
            field,
            f"∇f is not finite at the start (f = {f:.6g}, a gradient entry = {shown}); "
            "expected a start where f and ∇f are defined",
        )
