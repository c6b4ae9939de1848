"""The keys that teach beyond a run: η presets, export, the graph and the code.

A mixin of the chapter screen: these actions read the screen's run controller,
fields and facts, and open the export, graph and code screens. They live here so
that tui/screens/chapter.py stays composition and the run's routing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from solvers.facts import Facts, Regime, preset_eta
from tui.widgets.regime_line import RegimeLine

if TYPE_CHECKING:
    from tui.run_controller import RunController
    from tui.screens.chapter import ChapterScreen
    from tui.solver_state import SolverState

PRESET_KEYS = Binding.Group("η", compact=True)
PRESETS = {
    "m": Regime.MONOTONE,
    "o": Regime.OSCILLATING,
    "y": Regime.CYCLE,
    "d": Regime.DIVERGENT,
}
"""Keys that set η to a value in each regime of plain descent, and run."""

TEACHING_BINDINGS = (
    *(
        Binding(key, f"preset('{kind.value}')", f"η {kind.value}", group=PRESET_KEYS)
        for key, kind in PRESETS.items()
    ),
    Binding("e", "export", "Export"),
    Binding("g", "graph", "Graph", show=False),
    Binding("c", "code", "Code", show=False),
)


class TeachingKeys(Screen[None]):
    """m o y d (η presets), e (export), g (graph), c (code): the chapter screen's base."""

    problem_id: str
    controller: RunController
    controls_mounted: bool
    _solver: SolverState

    def action_key(self, key: str) -> None:
        """A run key (r, s, space, n, ctrl+r): the chapter screen routes it."""
        raise NotImplementedError

    def _problem_facts(self) -> Facts | None:
        """The facts of the problem the fields describe (tui/screens/field_facts.py)."""
        raise NotImplementedError

    def _facts(self) -> Facts | None:
        """The facts regimes are judged by: those of the problem the fields describe,
        the one the next run (and m o y d) will run, not the last run's; None while
        unknown (torch loading, your function not valid or its facts being computed)
        or without a bound."""
        facts = self._problem_facts()
        return facts if facts is not None and facts.stable_eta is not None else None

    def action_preset(self, kind: str) -> None:
        """m, o, y, d: η in the monotone, oscillating, cycle or divergent regime, then run."""
        facts = self._facts()
        eta = preset_eta(Regime(kind), facts) if facts is not None else None
        if eta is None or not self.controls_mounted or self.controller.phase.live:
            return
        self.query_one("#eta", Input).value = f"{eta:.6g}"
        self._show_regime()
        self.action_key("run")

    def action_export(self) -> None:
        """e: write the run shown to CSV and JSON files (see tui/screens/export.py)."""
        view = self.controller.view
        if view is None or self.controller.phase.live:
            return
        from tui.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(view, self.controller.ending, self.problem_id))

    def _show_regime(self) -> None:
        """Which regime the η field is in, and why (the word only at 80x24)."""
        eta = self.query("#eta")
        text = eta.first(Input).value if eta else None
        self.query_one(RegimeLine).show(self._facts(), text, short=self.has_class("-short"))

    @on(Input.Changed, "#eta")
    def _eta_changed(self) -> None:
        self._show_regime()

    def action_graph(self) -> None:
        """g: the autograd graph of this problem (tui/screens/graph.py)."""
        from tui.screens.graph import open_graph

        open_graph(cast("ChapterScreen", self))

    def action_code(self) -> None:
        """c: the standalone script of this run (tui/screens/code.py)."""
        from tui.screens.code import open_code

        open_code(cast("ChapterScreen", self))
