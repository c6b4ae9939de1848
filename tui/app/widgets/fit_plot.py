"""A network's function against its targets, redrawn as it learns: over x where there
is one input (the targets as points, the network's curve through them), else the
predictions against the actual values (a perfect fit lies on the diagonal).

It draws the FitPoints the run's worker computed after a chunk; it reads no tensor.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from solvers.problems.fit_points import FitPoints
from tui.app.display import line_mode
from tui.app.widgets.plots import _Plot

TARGETS = "·"
"""The targets' marker."""


class FitPlot(_Plot):
    """The network's fit to its data, as of the latest FitPoints."""

    DEFAULT_CSS = """
    FitPlot { height: 1fr; min-height: 6; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_pan_and_zoom=False, **kwargs)
        self.shown: FitPoints | None = None
        """The fit drawn last (None: nothing yet)."""

    def show(self, fit: FitPoints | None) -> None:
        """Draw ``fit`` (None: clear); the same fit again is not redrawn."""
        if not self.composed or fit is self.shown:
            return
        self.clear()
        self.shown = fit
        if fit is None:
            return
        if fit.x is not None:
            self.set_xlabel(fit.x_name)
            self.set_ylabel(f"{fit.y_name} {TARGETS}, net")  # short: drawn over the y axis
            self.scatter(fit.x, fit.target, marker=TARGETS, marker_style="yellow")
            self.plot(fit.x, fit.predicted, line_style="bold cyan", hires_mode=line_mode())
            return
        self.set_xlabel(f"actual {fit.y_name}")
        self.set_ylabel("predicted")
        low = float(np.min(fit.target))
        high = float(np.max(fit.target))
        self.plot([low, high], [low, high], line_style="yellow", hires_mode=line_mode())
        self.scatter(fit.target, fit.predicted, marker="o", marker_style="bold cyan")
