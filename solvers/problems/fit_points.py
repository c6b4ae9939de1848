"""A model's fit to its data, for a plot: numbers only (numpy), no tensors.

The run's worker computes it from the parameters after a chunk (where the tensors
live) and hands it to the display, which draws it and never reads a tensor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class FitPoints:
    """The targets and the model's predictions on (up to a few thousand of) its rows."""

    target: np.ndarray
    predicted: np.ndarray
    x: np.ndarray | None
    """The one input's values, sorted (a curve over x); None where there are several
    inputs (predicted against actual)."""
    x_name: str
    y_name: str
    iteration: int
    """Rows recorded when it was computed (the parameters are those after them)."""
