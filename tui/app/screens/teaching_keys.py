"""The keys that teach beyond a run: η presets, export, the graph and the code.

The chapter screen's base: these actions read the run controller, fields, solver
state and facts it declares (set by the chapter screen), and open the export, graph
and code screens with plain data (the graph and code take a
:class:`~tui.app.screens.chapter_values.ChapterValues`). They live here so that
tui/app/screens/chapter.py stays composition and the run's routing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Input, Select

from solvers.core.facts import Facts, Regime, preset_eta
from solvers.core.validation import SettingError
from tui.app.widgets.regime_line import RegimeLine

if TYPE_CHECKING:
    from solvers.optim.choices import OptimizerChoice, ScheduleChoice
    from tui.app.run_controller import RunController
    from tui.app.screens.chapter_values import ChapterValues
    from tui.app.solver_state import SolverState

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
        """The facts of the problem the fields describe (tui/app/screens/field_facts.py)."""
        raise NotImplementedError

    def _chosen(self) -> tuple[OptimizerChoice, ScheduleChoice] | None:
        """The optimizer and schedule the fields show; None before the fields are mounted
        or while a knob does not parse (nothing is said then)."""
        if not self.controls_mounted:
            return None
        from tui.app.widgets.settings_form import SettingsForm  # not before the first frame

        try:
            form = self.query_one(SettingsForm)
            optimizer, schedule = form._optimizer(), form._schedule()  # the form's own parse
        except (NoMatches, SettingError):
            return None
        return optimizer, schedule

    def _facts(self) -> Facts | None:
        """The facts the η presets are set from: None where m o y d do not apply (torch
        loading, no bound, or an optimizer or schedule whose regimes are not plain
        descent's with a constant η)."""
        return self._preset_facts(self._problem_facts(), self._chosen(), self._batch())

    def _batch(self) -> int | None:
        """The batch size the form's field holds (None: every row, or not a whole number:
        the field says why when a run is asked for)."""
        field = self.query("#batch-size")
        text = field.first(Input).value.strip() if field else ""
        return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else None

    @staticmethod
    def _preset_facts(
        facts: Facts | None,
        chosen: tuple[OptimizerChoice, ScheduleChoice] | None,
        batch: int | None = None,
    ) -> Facts | None:
        """``facts`` where m o y d apply to them under ``chosen`` and ``batch``, else None."""
        if facts is None or facts.stable_eta is None or chosen is None:
            return None
        from solvers.optim.regimes import presets_apply

        return facts if presets_apply(facts, *chosen, batch) else None

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
        """e: write the run shown to CSV and JSON files (see tui/app/screens/export.py)."""
        view = self.controller.view
        if view is None or self.controller.phase.live:
            return
        from tui.app.screens.export import ExportScreen

        self.app.push_screen(ExportScreen(view, self.controller.ending, self.problem_id))

    def _show_regime(self) -> None:
        """What η does for the optimizer and schedule chosen, and why (a few words at
        80x24); the η presets are offered only where plain descent's regimes apply."""
        eta = self.query("#eta")
        text = eta.first(Input).value if eta else None
        chosen = self._chosen()  # the form parsed once for the line and the presets
        batch = self._batch()
        line = self.query_one(RegimeLine)
        facts = None
        if chosen is None:
            line.show(None, text)
        else:
            optimizer, schedule = chosen
            short = self.has_class("-short")
            facts = self._problem_facts()
            line.show(facts, text, short=short, optimizer=optimizer, schedule=schedule, batch=batch)
        presets = self._preset_facts(facts, chosen, batch) is not None
        if presets != getattr(self, "_presets_shown", None):
            self._presets_shown = presets
            self.refresh_bindings()  # m o y d come and go with plain descent's regimes

    @on(Input.Changed, "#eta")
    @on(Input.Changed, "#batch-size")
    def _eta_changed(self) -> None:
        self._show_regime()

    @on(Select.Changed, "#optimizer")
    @on(Select.Changed, "#schedule")
    def _choice_changed(self) -> None:
        self._show_regime()

    @on(Input.Changed)
    def _knob_changed(self, event: Input.Changed) -> None:
        if str(event.input.id).startswith("knob-"):  # μ, dampening, weight decay, …
            self._show_regime()

    def chapter_values(self) -> ChapterValues | None:
        """This chapter and its values, as the graph and the code take them: its run's
        where the run has rows, else its fields' (None, a field flagged, where one
        does not parse)."""
        from tui.app.screens.chapter_values import ChapterValues

        view = self.controller.view
        if view is not None and view.count:
            return ChapterValues.of_run(view, self.controller.ending)
        from tui.app.widgets.settings_form import SettingsForm  # not before the first frame

        forms = self.query(SettingsForm)
        read = forms.first().read() if forms else None
        return ChapterValues(*read) if read is not None else None

    def action_graph(self) -> None:
        """g: the autograd graph of this problem (tui/app/screens/graph.py)."""
        if isinstance(self.focused, Input):
            return
        if not self._solver.problems:
            self.notify("torch is still loading; the graph needs it", severity="warning")
            return
        values = self.chapter_values()
        if values is None:
            self.notify(
                "fix the flagged field first: the graph is taken at the start it gives",
                severity="warning",
            )
            return
        from tui.app.screens.graph import GraphScreen

        self.app.push_screen(GraphScreen.of(values))

    def action_code(self) -> None:
        """c: the standalone script of this run (tui/app/screens/code.py)."""
        if isinstance(self.focused, Input):
            return
        from tui.app.screens.code import CodeScreen

        values = self.chapter_values()
        try:
            if values is None:
                raise ValueError("fix the flagged field first")
            screen = CodeScreen.of(values)
        except ValueError as error:
            self.notify(f"no script: {error}", severity="warning")
            return
        self.app.push_screen(screen)
