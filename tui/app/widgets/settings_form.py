"""The fields of a run: η, optimizer, schedule, iterations, device, dtype, batch size
(a chapter with data rows), seed and start, checked as they are typed.

Every field is parsed by the same parsers the CLI uses (:mod:`solvers.core.validation`),
so the app and ``gdlab run`` refuse a value with the same words. A bad value is
flagged under its field as it is typed; :attr:`SettingsForm.settings` reads all
of them into a :class:`~solvers.run.settings.RunSettings`, or flags each bad one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static

from solvers.chapters.base import ON, ChapterInput
from solvers.chapters.registry import chapter_of
from solvers.core.specs import ProblemSpec
from solvers.core.validation import (
    SettingError,
    parse_eta,
    parse_iterations,
    parse_seed,
)
from solvers.optim.choices import (
    DTYPES,
    KNOB_NAMES,
    OPTIMIZER_SUMMARY,
    OPTIMIZERS,
    SCHEDULE_KNOB_NAMES,
    SCHEDULES,
    Knob,
    OptimizerChoice,
    ScheduleChoice,
)
from solvers.run.settings import RunSettings, parse_batch_size
from tui.app.widgets.chapter_fields import ChapterFields
from tui.app.widgets.choice import Choice
from tui.app.widgets.knob_fields import DEFAULT_T_MAX, KnobFields, knob_text
from tui.app.widgets.knob_fields import split_start as split_start  # the form's, for its readers
from tui.app.widgets.ordered_input import OrderedInput

BATCH = "batch-size"
"""The batch size's field (a chapter with data rows only; empty: every row)."""


class SettingValidator(Validator):
    """Adapts one of solvers.core.validation's parsers to a Textual Input."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__()
        self.parse = parse

    def validate(self, value: str) -> ValidationResult:
        try:
            self.parse(value)
        except SettingError as error:
            return self.failure(error.reason)
        return self.success()


def conflict(optimizer: str, schedule: str) -> str:
    """Why ``optimizer`` cannot run under ``schedule``, in RunSettings's words; "" if it can."""
    try:
        RunSettings(1.0, 1, optimizer=OptimizerChoice(optimizer), schedule=ScheduleChoice(schedule))
    except SettingError as problem:
        return problem.reason
    return ""


class SettingsForm(KnobFields, ChapterFields, Vertical):
    """η, optimizer and schedule (each with its knobs), iterations, device, dtype, seed
    (where the start is drawn) and start values."""

    DEFAULT_CSS = """
    SettingsForm {
        height: auto;
    }
    SettingsForm SelectionList.several {
        height: auto;
        max-height: 6;
        border: none;
        padding: 0;
    }
    SettingsForm .several-chosen {
        color: $text-muted;
    }
    SettingsForm .field Switch {
        height: 1;
        width: 6;
        border: none;
        padding: 0;
    }
    """

    def __init__(self, spec: ProblemSpec, devices: Iterable[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self._devices = list(devices)
        self.chapter = chapter_of(spec.id)
        """Its inputs' fields come first; its start may be required."""
        self._inputs = {given.name: given for given in self.chapter.inputs}
        self._offered = {}
        self._parsers: dict[str, Callable[[str], Any]] = {}
        for given in self.chapter.inputs:
            self._parsers[given.name] = self._input_parser(given)
        self._parsers["eta"] = parse_eta
        self._parsers["iterations"] = parse_iterations
        self._parsers["start"] = (
            self._parse_start if self.chapter.start_required else self._optional(self._parse_start)
        )
        if spec.book_start is None or self.chapter.data_rows:  # a start draw or a shuffle
            self._parsers["seed"] = self._optional(parse_seed)
        if self.chapter.data_rows:
            self._parsers[BATCH] = parse_batch_size

    @staticmethod
    def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
        """Empty text means "not given" (None); anything else must parse."""
        return lambda text: None if not text.strip() else parse(text)

    def _parse_start(self, text: str) -> tuple[float, ...]:
        return self.chapter.parse_start(split_start(text))

    @staticmethod
    def _input_parser(given: ChapterInput) -> Callable[[str], str]:
        """A chapter input's text, refused (a SettingError) where its check finds fault."""

        def parse_input(text: str) -> str:
            reason = given.problem(text)
            if reason:
                raise SettingError(given.name, reason)
            return text

        return parse_input

    def compose(self) -> ComposeResult:
        spec = self.spec
        for given in self.chapter.inputs:
            value = spec.input(given.name) or ""
            if given.switch:
                yield from self._switch(given.name, given.label, value == ON)
            elif given.choices is not None:
                yield from self._chosen_field(given, value)
            else:
                yield from self._field(
                    given.name, given.label, value, placeholder=given.placeholder
                )
        yield from self._field("eta", "η", str(spec.eta))
        yield from self._select("optimizer", OPTIMIZERS, spec.optimizer)
        yield Static(OPTIMIZER_SUMMARY[spec.optimizer], id="optimizer-summary")
        yield from self._knobs(KNOB_NAMES)
        yield from self._select("schedule", SCHEDULES, "constant")
        yield Static("", id="schedule-error", classes="field-error -empty")
        yield from self._knobs(SCHEDULE_KNOB_NAMES)
        yield from self._field("iterations", "iterations", str(spec.iterations))
        yield from self._select("device", self._devices, "auto")
        yield from self._select("dtype", DTYPES, "float32")
        if BATCH in self._parsers:
            yield from self._field(BATCH, "batch", "", placeholder="all rows")
        if "seed" in self._parsers:
            # where the start is the chapter's own, the seed only shuffles the batches
            shuffles = spec.book_start is not None
            placeholder = "random shuffle" if shuffles else "random"
            yield from self._field("seed", "seed", "", placeholder=placeholder)
        start = (
            "drawn from the seed"
            if spec.book_start is None
            else ", ".join(f"{v:g}" for v in spec.book_start)
        )
        # a chapter whose start is required has none of its own: its field holds one to edit
        shown = start if self.chapter.start_required else ""
        yield from self._field("start", "start", shown, placeholder=start)

    @staticmethod
    def _select(name: str, options: Iterable[str], value: str) -> ComposeResult:
        """A labelled choice (optimizer, schedule, device, dtype), its id its label."""
        with Horizontal(classes="field"):
            yield Label(name, classes="field-label")
            yield Choice(
                [(option, option) for option in options],
                value=value,
                allow_blank=False,
                compact=True,
                id=name,
            )

    def _field(self, name: str, label: str, value: str, *, placeholder: str = "") -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label(label, classes="field-label")
            # no max_length: a long paste is kept and flagged ("is 5,000 characters
            # long"), where max_length would drop it without a word
            yield OrderedInput(
                value,
                placeholder=placeholder,
                id=name,
                compact=True,
                validators=[SettingValidator(self._parsers[name])],
                validate_on=["changed", "submitted"],
            )
        yield Static("", id=f"{name}-error", classes="field-error -empty")

    @on(Select.Changed, "#optimizer")
    def _optimizer_chosen(self, event: Select.Changed) -> None:
        """Show the chosen optimizer's knobs, each at its default."""
        chosen = str(event.value)
        self._show_knobs(KNOB_NAMES, OPTIMIZERS.get(chosen, ()))
        self.query_one("#optimizer-summary", Static).update(OPTIMIZER_SUMMARY.get(chosen, ""))
        self._show_conflict()

    @on(Select.Changed, "#schedule")
    def _schedule_chosen(self, event: Select.Changed) -> None:
        """Show the chosen schedule's knobs, each at its default (t-max: empty, the run's)."""
        self._show_knobs(SCHEDULE_KNOB_NAMES, SCHEDULES.get(str(event.value), ()))
        self._show_conflict()

    def _show_knobs(self, names: Iterable[str], knobs: Iterable[Knob]) -> None:
        """Show the rows of ``knobs`` at their defaults, hide the others of ``names``."""
        by_name = {knob.name: knob for knob in knobs}
        for name in names:
            shown = name in by_name
            self.query_one(f"#knob-row-{name}").set_class(not shown, "-hidden")
            if shown:
                field = self.query_one(f"#knob-{name}", Input)
                field.value = knob_text(by_name[name])
                field.placeholder = DEFAULT_T_MAX if by_name[name].default is None else ""
            self.flag(f"knob-{name}", "")

    def _show_conflict(self) -> None:
        """Flag a schedule the optimizer refuses (armijo chooses η itself) as it is chosen."""
        self.flag(
            "schedule",
            conflict(
                str(self.query_one("#optimizer", Select).value),
                str(self.query_one("#schedule", Select).value),
            ),
        )

    def _choice(self, parse_choice: Callable[[], Any], knob_names: tuple[str, ...]) -> Any:
        """``parse_choice()``, or None after flagging the bad knob under its own field
        (under the first of ``knob_names`` if the error names none of them)."""
        for name in knob_names:  # the parser stops at the first bad knob: flag only it
            self.flag(f"knob-{name}", "")
        try:
            return parse_choice()
        except SettingError as problem:
            knob = problem.field.split()[-1] if problem.field else ""
            self.flag(f"knob-{knob if knob in knob_names else knob_names[0]}", problem.reason)
            return None

    @on(Select.Changed)
    def _chapter_choice_made(self, event: Select.Changed) -> None:
        """A chapter's choice (a target) changes what its other choices offer."""
        if str(event.select.id) in self._inputs:
            self._offer()

    @on(Input.Changed)
    @on(Input.Submitted)
    def _show_field_error(self, event: Input.Changed | Input.Submitted) -> None:
        name = str(event.input.id)
        if name.startswith("knob-"):
            return  # checked with the optimizer or schedule, when a run is asked for
        if name in self._inputs:
            self.flag(name, self._input_problem(name, event.value))
            self._offer()
            return
        result = event.validation_result
        reason = "" if result is None or result.is_valid else result.failure_descriptions[0]
        self.flag(name, reason)

    def _input_problem(self, name: str, text: str) -> str:
        """What is wrong with a chapter input's text, drawn to the form's width."""
        width = max(10, self.size.width - 2) if self.size.width else 30
        return self._inputs[name].problem(text, width)

    def flag(self, name: str, reason: str) -> None:
        """Show ``reason`` under field ``name`` (an empty reason clears the flag)."""
        error = self.query_one(f"#{name}-error", Static)
        error.update(reason)
        error.set_class(not reason, "-empty")
        self.query_one(f"#{name}").set_class(bool(reason), "-invalid")  # an Input or a Select

    def read(self) -> tuple[ProblemSpec, RunSettings] | None:
        """The problem and the settings the fields describe, or None after flagging
        every bad field."""
        values: dict[str, Any] = {}
        inputs = self.input_texts()
        for name, parse_field in self._parsers.items():
            text = inputs[name] if name in inputs else self.query_one(f"#{name}", Input).value
            try:
                values[name] = parse_field(text)
                self.flag(name, "")
            except SettingError as problem:
                if name in self._inputs:
                    self.flag(name, self._input_problem(name, text))
                else:
                    self.flag(name, problem.reason)
        optimizer = self._choice(self._optimizer, KNOB_NAMES)
        schedule = self._choice(self._schedule, SCHEDULE_KNOB_NAMES)
        if optimizer is None or schedule is None or len(values) < len(self._parsers):
            return None
        spec = self.spec
        try:
            spec = self.chapter.spec(
                {name: values[name] for name in self._inputs},
                values.get("start"),
                values["eta"],
                values["iterations"],
            )
        except SettingError as error:  # the start does not fit the inputs, say
            self.flag(error.field if error.field in self._parsers else "start", error.reason)
            return None
        try:
            settings = RunSettings(
                eta=values["eta"],
                iterations=values["iterations"],
                device=str(self.query_one("#device", Select).value),
                seed=values.get("seed"),
                start=values.get("start"),
                optimizer=optimizer,
                schedule=schedule,
                dtype=str(self.query_one("#dtype", Select).value),
                batch_size=values.get(BATCH),
            )
        except SettingError as problem:  # armijo with a schedule (or a batch size): there
            self.flag(problem.field if problem.field == BATCH else "schedule", problem.reason)
            return None
        self.flag("schedule", "")
        return spec, settings

    def set_devices(self, devices: Iterable[str]) -> None:
        """Offer the devices torch found (the form may have been composed with auto, cpu)."""
        devices = list(devices)
        if devices == self._devices:
            return
        self._devices = devices
        found = self.query("#device")
        if not found:
            return  # not composed yet: compose offers the new list
        select = found.first(Select)
        current = select.value
        select.set_options([(name, name) for name in devices])
        select.value = current if current in devices else "auto"
