"""The facts of the problem the fields describe, kept in step with what is typed.

A typed chapter's facts (your function's) depend on its inputs (the expression)
and, where they are local, on its start: while either is being typed, the facts
panel, the regime line and the η presets (m o y d) must not use the facts of the
function that ran last. The rule: the facts judged are always those of the problem
the fields describe now (the one the next run will run), looked up by that problem
(:func:`solvers.core.specs.problem_key`);
where they are not known yet there are none, and the preset keys are off.

They are computed off the UI thread (a thread worker, the last request only) once
typing pauses for :data:`FACTS_DELAY`; a result is kept under its own problem, so
one that comes back for an older expression is never taken for the newer one's.
A chapter's facts do not depend on its start: they are its problem's, from the
solver as it loads.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Input, Select, SelectionList, Static, Switch

from solvers.chapters.base import Chapter
from solvers.core.facts import Facts
from solvers.core.specs import ProblemSpec, problem_key
from solvers.core.validation import SettingError
from tui.app.screens.teaching_keys import TeachingKeys
from tui.app.solver_state import SolverStatus
from tui.app.widgets.problem_facts import ProblemFacts

if TYPE_CHECKING:
    from textual.timer import Timer

    from tui.app.widgets.settings_form import SettingsForm

FACTS_DELAY = 0.15
"""Seconds typing must pause before the typed function's facts are computed."""
KEPT_FACTS = 32
"""Facts kept per screen, by problem (the last ones typed come back at once)."""


def facts_of(spec: ProblemSpec) -> tuple[Facts, tuple[str, ...]]:
    """What is known about ``spec``'s function from its start, and its chapter's notes
    (torch: call it off the UI thread)."""
    from solvers.chapters.registry import chapter_for, problem_for

    start = spec.book_start or tuple(0.0 for _ in spec.param_names)
    problem = problem_for(spec)
    return problem.facts_at(start), chapter_for(spec).notes(problem)


def computing_text(spec: ProblemSpec) -> str:
    """The facts panel while the facts of ``spec`` are being computed."""
    return f"optimum: computing…\nf* = …\nstable for η < …\nstart: {spec.start_rule}"


class FactsComputed(Message):
    """The facts of ``spec`` (None and ``error`` where computing them failed)."""

    def __init__(
        self, spec: ProblemSpec, facts: Facts | None, error: str = "", notes: tuple[str, ...] = ()
    ) -> None:
        super().__init__()
        self.spec = spec
        self.facts = facts
        self.error = error
        self.notes = notes


class FieldFacts(TeachingKeys):
    """The chapter screen's base: the facts of the fields' problem, shown and judged."""

    spec: ProblemSpec
    chapter: Chapter

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._known: OrderedDict[tuple[object, ...], Facts] = OrderedDict()
        """Facts computed so far, by problem_key of the typed problem."""
        self._notes: dict[tuple[object, ...], tuple[str, ...]] = {}
        """The chapter's notes on a problem, where the facts were computed here."""
        self._typed_texts: tuple[str, ...] | None = None
        self._typed: ProblemSpec | str = ""
        """The typed problem, or why there is none, for ``_typed_texts``."""
        self._facts_timer: Timer | None = None
        self._fields: tuple[SettingsForm, Input] | None = None
        self._defaults: tuple[float, int] | None = None
        """η and iterations of the last typed problem, as the fields were filled with them."""

    # ---------------------------------------------------------------- reading
    def typed_problem(self) -> ProblemSpec | str:
        """The problem the chapter's input fields and start say now (η and the
        iterations at their defaults: the facts do not depend on them), or why
        there is none. Before the fields are mounted, the screen's own."""
        if not self.chapter.typed:
            return self.spec  # nothing typed makes the problem
        texts = self._field_texts()
        if texts is None:
            return self.spec  # the fields will hold its inputs and start
        if texts != self._typed_texts:
            from tui.app.widgets.settings_form import split_start  # not before the first frame

            self._typed_texts = texts
            names = [given.name for given in self.chapter.inputs]
            try:
                start = None  # an empty start field: the chapter's own start
                if self.chapter.start_required or texts[-1].strip():
                    start = self.chapter.parse_start(split_start(texts[-1]))
                self._typed = self.chapter.spec(dict(zip(names, texts[:-1], strict=True)), start)
            except SettingError as problem:  # said with the field it is about
                self._typed = f"{problem.field}: {problem.reason}"
        return self._typed

    def _field_texts(self) -> tuple[str, ...] | None:
        """The chapter's inputs as the form holds them, then the start's text; None
        before they are mounted (the form and the start found once: m o y d's check
        reads them at each refresh of the footer)."""
        fields = self._fields
        if fields is None or not fields[1].is_attached:
            from tui.app.widgets.settings_form import SettingsForm  # not before the first frame

            form = self.query_one_optional(SettingsForm)
            start = self.query_one_optional("#start", Input)
            if form is None or start is None:
                return None
            fields = self._fields = (form, start)
        form, start = fields
        try:
            return (*form.input_texts().values(), start.value)
        except NoMatches:  # the form's fields are not mounted yet
            return None

    def _problem_facts(self) -> Facts | None:
        """The facts of the problem the fields describe: a chapter's own; your
        function's as typed, None until they are computed or while it does not parse."""
        if not self.chapter.typed:
            problem = self._solver.problems.get(self.problem_id)
            return problem.facts if problem is not None else None
        typed = self.typed_problem()
        if isinstance(typed, str):
            return None
        return self._known.get(problem_key(typed))

    # ------------------------------------------------------------- following
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    @on(SelectionList.SelectedChanged)
    def _function_typed(
        self,
        event: Input.Changed | Select.Changed | Switch.Changed | SelectionList.SelectedChanged[str],
    ) -> None:
        names = {given.name for given in self.chapter.inputs} | {"start"}
        control = event.control
        if self.chapter.typed and control is not None and control.id in names:
            self.follow_fields()

    def follow_fields(self) -> None:
        """Show the facts of the problem the fields describe, or that they are being
        computed (then compute them, once typing pauses), or why there are none."""
        if not self.chapter.typed or not self.is_attached:
            return
        if self._facts_timer is not None:
            self._facts_timer.stop()
            self._facts_timer = None
        panel = self.query_one(ProblemFacts)
        typed = self.typed_problem()
        status = self._solver.status
        if isinstance(typed, str):
            if status is not SolverStatus.FAILED:  # that torch failed stays said
                panel.update(f"no facts while a field is not valid:\n{typed}")
        else:
            self.query_one("#formula", Static).update(typed.formula)
            self._follow_defaults(typed)
            facts = self._known.get(problem_key(typed))
            if facts is not None:
                panel.show(facts, typed, self._notes.get(problem_key(typed), ()))
            elif status is SolverStatus.READY:
                panel.update(computing_text(typed))
                self._facts_timer = self.set_timer(FACTS_DELAY, self._compute_typed)
            # loading torch: the panel says so; failed: it says that
        self._show_regime()
        self.refresh_bindings()  # m o y d are offered only with facts

    def _follow_defaults(self, typed: ProblemSpec) -> None:
        """η and iterations follow the typed problem's defaults (a data file's η is
        1/λmax of its fit) while they still hold the previous problem's: what was typed
        by hand stays."""
        before = self._defaults or (self.spec.eta, self.spec.iterations)
        now = (typed.eta, typed.iterations)
        self._defaults = now
        for name, old, new in zip(("eta", "iterations"), before, now, strict=True):
            field = self.query_one_optional(f"#{name}", Input)
            if field is not None and old != new and field.value.strip() == str(old):
                field.value = str(new)

    def know_facts(
        self, spec: ProblemSpec, facts: Facts, notes: tuple[str, ...] | None = None
    ) -> None:
        """Keep ``facts`` as those of ``spec``'s function and start (computed by the
        solver as it loaded, by a run, or here), and its chapter's ``notes`` if given."""
        key = problem_key(spec)
        self._known[key] = facts
        if notes is not None:
            self._notes[key] = notes
        self._known.move_to_end(key)
        while len(self._known) > KEPT_FACTS:
            self._known.popitem(last=False)

    def _compute_typed(self) -> None:
        self._facts_timer = None
        typed = self.typed_problem()
        if isinstance(typed, ProblemSpec) and problem_key(typed) not in self._known:
            self._compute_facts(typed)

    @work(thread=True, exclusive=True, group="field-facts", exit_on_error=False,
          description="facts of the typed function")  # fmt: skip
    def _compute_facts(self, spec: ProblemSpec) -> None:
        try:
            facts, notes = facts_of(spec)
            message = FactsComputed(spec, facts, notes=notes)
        except Exception as error:  # a fact not known is said so, never a crash
            message = FactsComputed(spec, None, f"{type(error).__name__}: {error}")
        self.post_message(message)

    @on(FactsComputed)
    def _facts_computed(self, message: FactsComputed) -> None:
        """Keep the facts under their own problem; show them only if it is still the
        one typed (a result for an older expression is kept, never shown)."""
        typed = self.typed_problem()
        current = isinstance(typed, ProblemSpec) and problem_key(typed) == problem_key(message.spec)
        if message.facts is None:
            if current:
                self.query_one(ProblemFacts).update(f"facts could not be computed: {message.error}")
            return
        self.know_facts(message.spec, message.facts)
        self._notes[problem_key(message.spec)] = message.notes
        if current:
            self.follow_fields()
