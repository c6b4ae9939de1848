"""One step explained in the optimizer's own terms, from recorded rows (no torch).

The app's ``n`` key shows this: the row of iteration t holds θ before the step,
f, the gradient, and what the rule recorded after it (the step taken, its
velocity or running averages, the η used); the next row, where there is one,
holds θ and f after.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from solvers.optimizers import OptimizerChoice
from solvers.updates_math import FORMULAS


def _g(value: float) -> str:
    return f"{value:.6g}"


def explain_step(
    choice: OptimizerChoice,
    row: Sequence[float],
    after: Sequence[float] | None,
    columns: Sequence[str],
    param_names: Sequence[str],
    eta: float,
    iteration: int = 0,
) -> str:
    """Lines explaining iteration ``iteration``: the update rule, then per parameter
    its gradient, the optimizer's state and the step taken, then f before and after.

    ``row`` is that iteration's history row, ``after`` the next one (or None),
    ``columns`` the layout's column names (:attr:`solvers.history.Layout.columns`),
    ``eta`` the run's η (the row's ``eta`` column wins where there is one).
    """
    at = {name: i for i, name in enumerate(columns)}

    def get(name: str, source: Sequence[float] = row) -> float | None:
        return float(source[at[name]]) if name in at else None

    used = get("eta")
    eta_t = used if used is not None else eta
    knobs = choice.values
    t = iteration + 1
    lines = [f"{choice.describe()}, step {t}, η = {_g(eta_t)}"]
    lines += [f"  {line}" for line in FORMULAS[choice.name]]
    if choice.name in ("adam", "adamw"):
        b1, b2 = knobs["betas"]  # type: ignore[misc]
        lines.append(
            f"  bias corrections: 1 − β₁ᵗ = {_g(1 - b1**t)}, 1 − β₂ᵗ = {_g(1 - b2**t)} (t = {t})"
        )
    if choice.name == "armijo":
        halvings = get("halvings") or 0.0
        lines.append(
            f"  η halved {int(halvings)} time(s) until f fell by c·η·‖g‖² (c = 1e-4); "
            f"the next step tries 2η = {_g(2 * eta_t)}"
        )
    for name in param_names:
        theta, grad = get(name), get(f"grad_{name}")
        parts = [f"{name}: θ = {_g(theta or 0.0)}, g = {_g(grad or 0.0)}"]
        for label, key in (("v", "v"), ("m", "m"), ("v2", "v2"), ("G", "sum")):
            value = get(f"{key}_{name}")
            if value is not None:
                parts.append(f"{label} = {_g(value)}")
        step = get(f"step_{name}")
        if step is None and theta is not None and after is not None:
            step = float(after[at[name]]) - theta
        if step is None and grad is not None:
            step = -eta_t * grad
        if step is not None and theta is not None:
            text = f"step = {_g(step)} → θ = {_g(theta + step)}"
            if grad and choice.name not in ("plain", "armijo"):
                text += f" (plain descent: {_g(-eta_t * grad)})"
            parts.append(text)
        lines.append("  " + ", ".join(parts))
    f_before = get("objective")
    if f_before is not None:
        text = f"  f = {_g(f_before)}"
        if after is not None:
            f_after = float(after[at["objective"]])
            text += f" → {_g(f_after)}"
            change = f_after - f_before
            if math.isfinite(change):
                text += f" ({'fell' if change < 0 else 'rose'} by {_g(abs(change))})"
        lines.append(text)
    return "\n".join(lines)
