"""The landscape of one parameter: f's curve over the visited range, the iterates on
it joined in order (overshoot and oscillation show as a zigzag across the valley),
or a compare's members' iterates, each in its colour and ending in its mark."""

from __future__ import annotations

from typing import Any

from solvers.pictures.landscape_model import CURRENT, ITERATE, OPTIMUM, START, Curve
from solvers.pictures.members_map import MembersCurve, member_mark
from tui.app.display import colour, line_mode
from tui.app.widgets.plots import _Plot


class CurvePlot(_Plot):
    """One parameter: f over the visited range, the iterates on it joined in order."""

    DEFAULT_CSS = """
    CurvePlot { height: 1fr; min-height: 4; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_pan_and_zoom=False, **kwargs)
        self.can_focus = False

    def show(self, curve: Curve) -> None:
        if not self._axes_and_f(curve):
            return
        self.plot(curve.path_x, curve.path_f, line_style="bold cyan", hires_mode=line_mode())
        self.scatter(curve.path_x, curve.path_f, marker=ITERATE, marker_style="cyan")
        self._optimum(curve.optimum)
        self.scatter(curve.path_x[:1], curve.path_f[:1], marker=START, marker_style="bold green")
        self.scatter(curve.path_x[-1:], curve.path_f[-1:], marker=CURRENT, marker_style="bold red")

    def show_members(self, curve: MembersCurve) -> None:
        """f's curve, every member's iterates on it in its colour, each ending in its mark."""
        if not self._axes_and_f(curve):
            return
        pairs = enumerate(zip(curve.paths_x, curve.paths_f, strict=True))
        drawn = [(i, xs, fs) for i, (xs, fs) in pairs if len(xs)]
        for index, xs, fs in drawn:
            self.plot(xs, fs, line_style=colour(index), hires_mode=line_mode())
        self._optimum(curve.optimum)
        for _, xs, fs in drawn[:1]:
            self.scatter(xs[:1], fs[:1], marker=START, marker_style="bold green")
        for index, xs, fs in drawn:
            style = f"bold {colour(index)}"
            self.scatter(xs[-1:], fs[-1:], marker=member_mark(index), marker_style=style)

    def _axes_and_f(self, curve: Curve | MembersCurve) -> bool:
        """A cleared plot with its axes named and f's curve; False before composing."""
        if not self.composed:
            return False
        self.clear()
        self.set_xlabel(curve.plan.names[0])
        self.set_ylabel(curve.plan.what)
        self.plot(curve.xs, curve.fs, line_style="blue", hires_mode=line_mode())
        return True

    def _optimum(self, optimum: tuple[float, float] | None) -> None:
        if optimum is not None:
            x, f = optimum
            self.scatter([x], [f], marker=OPTIMUM, marker_style="bold yellow")
