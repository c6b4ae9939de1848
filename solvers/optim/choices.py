"""Optimizers and η schedules by name, with their knobs, without torch: the vocabulary
the CLI, the app and the solver speak.

Each optimizer and schedule is one module of :mod:`solvers.optim`, collected by
:mod:`solvers.optim.registry`; this module derives from it the tables its callers read
(:data:`OPTIMIZERS`, :data:`KNOB_NAMES` …) and the checked choices. An
:class:`OptimizerChoice` or a :class:`ScheduleChoice` checks itself on construction,
with the same words as the parsers below: a value out of range names the field and
the accepted range; a knob the optimizer does not have is refused and the knobs it
has are named. Knob names are the CLI's (``weight-decay``); their meaning and
defaults are torch.optim's (``weight_decay``), except where an optimizer's module
says otherwise (momentum and nesterov: μ 0.9; step, exponential, cosine: gdlab's
defaults where torch has none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from solvers.core.validation import DTYPES, SettingError, choose
from solvers.optim.knobs import MAX_DECAY, Knob, KnobValue
from solvers.optim.registry import (
    KNOB_ORDER,
    OPTIMIZER_SPECS,
    SCHEDULE_SPECS,
    knob_names,
)
from solvers.optim.schedules.plateau import PLATEAU_EPS, PLATEAU_THRESHOLD

__all__ = [
    "CONSTANT",
    "DTYPES",
    "KNOB_NAMES",
    "MAX_DECAY",
    "OPTIMIZERS",
    "OPTIMIZER_SUMMARY",
    "PLAIN",
    "PLATEAU_EPS",
    "PLATEAU_THRESHOLD",
    "SCHEDULES",
    "SCHEDULE_KNOB_NAMES",
    "Knob",
    "KnobValue",
    "OptimizerChoice",
    "ScheduleChoice",
    "knob_of",
    "parse_optimizer",
    "parse_schedule",
]

OPTIMIZERS: dict[str, tuple[Knob, ...]] = {n: s.knobs for n, s in OPTIMIZER_SPECS.items()}
"""Each optimizer's knobs, in the order they are shown."""

OPTIMIZER_SUMMARY: dict[str, str] = {n: s.summary for n, s in OPTIMIZER_SPECS.items()}
"""Each optimizer in one line (the settings form shows it under the selector)."""

KNOB_NAMES = knob_names(OPTIMIZER_SPECS, KNOB_ORDER)
"""Every optimizer knob there is (the CLI has an option for each)."""

SCHEDULES: dict[str, tuple[Knob, ...]] = {n: s.knobs for n, s in SCHEDULE_SPECS.items()}
"""Each schedule's knobs, in the order they are shown."""

SCHEDULE_KNOB_NAMES = knob_names(SCHEDULE_SPECS)
"""Every schedule knob there is (the CLI has an option for each)."""


def _normalise(
    kind: str, name: str, knobs: object, table: dict[str, tuple[Knob, ...]]
) -> tuple[tuple[str, KnobValue], ...]:
    """Every knob of ``name`` with its checked value (given, or the default)."""
    own = table[name]
    given: Mapping[str, object] = knobs if isinstance(knobs, Mapping) else dict(knobs)  # type: ignore[call-overload]
    by_name = {knob.name: knob for knob in own}
    for key in given:
        spelled = str(key).replace("_", "-")
        if spelled not in by_name:
            have = f"its knobs are {', '.join(k.name for k in own)}" if own else "it has no knobs"
            raise SettingError(spelled, f"{name} has no such knob; {have}")
    values = {str(key).replace("_", "-"): value for key, value in given.items()}
    out: list[tuple[str, KnobValue]] = []
    for knob in own:
        if knob.name in values and values[knob.name] is not None:
            out.append((knob.name, knob.check(values[knob.name])))
        elif knob.default is not None:
            out.append((knob.name, knob.default))
    return tuple(out)


def _refuse_name(kind: str, name: object, table: dict[str, tuple[Knob, ...]]) -> str:
    text = name.strip().lower() if isinstance(name, str) else ""
    if text not in table:
        shown = repr(name) if not isinstance(name, str) else repr(name[:20])
        raise SettingError(kind, f"{shown} is not one; expected {', '.join(table)}")
    return text


@dataclass(frozen=True)
class OptimizerChoice:
    """An optimizer and the values of its knobs, checked on construction.

    ``knobs`` may be given as a mapping or pairs, with CLI (``weight-decay``) or
    torch (``weight_decay``) spelling; it is stored as every knob of the
    optimizer, defaults filled in, as ``((name, value), ...)`` in the order of
    :data:`OPTIMIZERS`.
    """

    name: str = "plain"
    knobs: tuple[tuple[str, KnobValue], ...] = field(default=())

    def __post_init__(self) -> None:
        name = _refuse_name("optimizer", self.name, OPTIMIZERS)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "knobs", _normalise("optimizer", name, self.knobs, OPTIMIZERS))

    def __getitem__(self, knob: str) -> KnobValue:
        return dict(self.knobs)[knob.replace("_", "-")]

    @property
    def values(self) -> dict[str, KnobValue]:
        """The knobs as a dict, CLI spelling."""
        return dict(self.knobs)

    @property
    def torch_kwargs(self) -> dict[str, object]:
        """The torch.optim constructor's keyword arguments (without lr)."""
        return OPTIMIZER_SPECS[self.name].torch_kwargs(dict(self.knobs))

    def describe(self) -> str:
        """One line: the name and its knobs, e.g. ``adam(betas=0.9,0.999, eps=1e-08, …)``."""
        if not self.knobs:
            return self.name
        shown = ", ".join(f"{k}={_format(v)}" for k, v in self.knobs)
        return f"{self.name}({shown})"


@dataclass(frozen=True)
class ScheduleChoice:
    """A schedule of η and the values of its knobs, checked on construction.

    ``t-max`` of cosine may be left out: the run's iterations are used.
    """

    name: str = "constant"
    knobs: tuple[tuple[str, KnobValue], ...] = field(default=())

    def __post_init__(self) -> None:
        name = _refuse_name("schedule", self.name, SCHEDULES)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "knobs", _normalise("schedule", name, self.knobs, SCHEDULES))

    def __getitem__(self, knob: str) -> KnobValue:
        return dict(self.knobs)[knob.replace("_", "-")]

    def get(self, knob: str, default: KnobValue | None = None) -> KnobValue | None:
        return dict(self.knobs).get(knob.replace("_", "-"), default)

    @property
    def values(self) -> dict[str, KnobValue]:
        return dict(self.knobs)

    def describe(self) -> str:
        if not self.knobs:
            return self.name
        shown = ", ".join(f"{k}={_format(v)}" for k, v in self.knobs)
        return f"{self.name}({shown})"


def _format(value: KnobValue) -> str:
    if isinstance(value, tuple):
        return ",".join(f"{v:g}" for v in value)
    return f"{value:g}"


PLAIN = OptimizerChoice()
"""The book's update, the default."""
CONSTANT = ScheduleChoice()
"""η fixed, the default."""


def knob_of(table: dict[str, tuple[Knob, ...]], name: str) -> Knob | None:
    """The first knob called ``name`` in ``table`` (for parsing before the owner is known)."""
    for knobs in table.values():
        for knob in knobs:
            if knob.name == name:
                return knob
    return None


def parse_optimizer(
    name: str, knobs: Mapping[str, str | Sequence[str]] | None = None
) -> OptimizerChoice:
    """An :class:`OptimizerChoice` from the typed name and knob texts.

    ``knobs`` maps CLI knob names (``weight-decay``) to their text (two texts for
    ``betas``); a knob the optimizer does not have is refused, naming its knobs.
    """
    chosen = choose("optimizer", name, tuple(OPTIMIZERS))
    values = _parse_knobs(chosen, knobs or {}, OPTIMIZERS[chosen])
    return OptimizerChoice(chosen, tuple(values.items()))


def parse_schedule(
    name: str, knobs: Mapping[str, str | Sequence[str]] | None = None
) -> ScheduleChoice:
    """A :class:`ScheduleChoice` from the typed name and knob texts."""
    chosen = choose("schedule", name, tuple(SCHEDULES))
    values = _parse_knobs(chosen, knobs or {}, SCHEDULES[chosen])
    return ScheduleChoice(chosen, tuple(values.items()))


def _parse_knobs(
    owner: str, texts: Mapping[str, str | Sequence[str]], knobs: Sequence[Knob]
) -> dict[str, KnobValue]:
    by_name = {knob.name: knob for knob in knobs}
    values: dict[str, KnobValue] = {}
    for name, text in texts.items():
        if name not in by_name:
            have = f"its knobs are {', '.join(by_name)}" if by_name else "it has no knobs"
            raise SettingError(name, f"{owner} has no such knob; {have}")
        values[name] = by_name[name].parse(text if isinstance(text, str) else list(text))
    return values
