"""How far a run is from done, computed from recorded rows (numpy, no torch).

One home for these formulas: the divergence check, the CLI's summary and the
app's status line and plots all call them. Where the optimum is unknown they
return None, and callers show the gradient's norm instead.
"""

from __future__ import annotations

import numpy as np

from solvers.core.facts import Facts


def gap(values: np.ndarray, facts: Facts) -> np.ndarray | None:
    """|f - f*| in float64 for each objective value, or None where f* is unknown."""
    if facts.optimum is None:
        return None
    return np.abs(np.asarray(values, dtype=np.float64) - facts.optimum.value)


def distance(params: np.ndarray, facts: Facts) -> np.ndarray | None:
    """Euclidean distance of parameter rows (..., n) to the optimum, or None if unknown."""
    if facts.optimum is None:
        return None
    target = np.asarray(facts.optimum.params, dtype=np.float64)
    return np.asarray(np.linalg.norm(np.asarray(params, np.float64) - target, axis=-1))


def grad_norm(grads: np.ndarray) -> np.ndarray:
    """‖∇f‖ of gradient rows (..., n), in float64."""
    return np.asarray(np.linalg.norm(np.asarray(grads, np.float64), axis=-1))
