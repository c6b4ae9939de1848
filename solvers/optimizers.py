"""Optimizers and η schedules by name, with their knobs, without torch.

The CLI, the app and the solver speak this vocabulary. An :class:`OptimizerChoice`
or a :class:`ScheduleChoice` checks itself on construction, with the same words
as the parsers in :mod:`solvers.validation`: a value out of range names the field
and the accepted range; a knob the optimizer does not have is refused and the
knobs it has are named. Knob names are the CLI's (``weight-decay``); their
meaning and defaults are torch.optim's (``weight_decay``), except where noted.

Optimizers (torch.optim's update, step for step; see docs/optimizers.md "Optimizers and
schedules"):

========  ==============================  =========================================
name      torch.optim                      knobs (default)
========  ==============================  =========================================
plain     (the book: ``w.data -= η·g``)    none
momentum  SGD(momentum, dampening)         momentum (0.9*), dampening (0), weight-decay (0)
nesterov  SGD(nesterov=True)               momentum (0.9*), weight-decay (0)
adagrad   Adagrad                          eps (1e-10), weight-decay (0)
rmsprop   RMSprop                          alpha (0.99), eps (1e-8), weight-decay (0),
                                           momentum (0)
adam      Adam                             betas (0.9, 0.999), eps (1e-8), weight-decay (0)
adamw     AdamW                            betas (0.9, 0.999), eps (1e-8), weight-decay (0.01)
armijo    (backtracking line search)       none (c = 1e-4, halving, doubling)
========  ==============================  =========================================

\\* torch.optim.SGD's momentum defaults to 0, which is no momentum at all (and
``nesterov=True`` refuses it); gdlab's momentum and nesterov default to 0.9.
``momentum --momentum 0`` is torch.optim.SGD without momentum.

Schedules (torch.optim.lr_scheduler, stepped once per iteration):

===========  ============================  ======================================
name         torch.optim.lr_scheduler       knobs (default)
===========  ============================  ======================================
constant     (no scheduler)                 none
step         StepLR                         step-size (1000), gamma (0.1)
exponential  ExponentialLR                  gamma (0.999)
cosine       CosineAnnealingLR (eta_min 0)  t-max (the run's iterations)
plateau      ReduceLROnPlateau (mode min)   patience (10), factor (0.1)
===========  ============================  ======================================

StepLR's step_size, ExponentialLR's gamma and CosineAnnealingLR's T_max have no
default in torch; the ones above are gdlab's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from solvers.validation import MAX_ITERATIONS, SettingError, parse_float, parse_int

KnobValue = float | int | tuple[float, float]
"""A knob's value: a number, a whole number (step-size, t-max, patience) or a pair (betas)."""


@dataclass(frozen=True)
class Knob:
    """One hyperparameter: its CLI name, torch's name, default and accepted range."""

    name: str
    """As the CLI spells it: ``--weight-decay`` is ``weight-decay``."""
    torch_name: str
    default: KnobValue | None
    """None: the run decides (t-max: the run's iterations)."""
    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False
    whole: bool = False
    pair: bool = False
    meaning: str = ""

    @property
    def accepted(self) -> str:
        """The accepted range in words, as a refusal names it."""
        if self.whole:
            return f"a whole number from {int(self.lo):,} to {int(self.hi):,}"
        low = f"> {self.lo:g}" if self.lo_open else f"≥ {self.lo:g}"
        high = f"< {self.hi:g}" if self.hi_open else f"≤ {self.hi:g}"
        what = "two numbers, each" if self.pair else "a number"
        return f"{what} {low} and {high}"

    def check(self, value: object, shown: str | None = None) -> KnobValue:
        """``value`` if it is in range; otherwise a SettingError naming the range."""
        if self.pair:
            if not (isinstance(value, tuple | list) and len(value) == 2):
                raise SettingError(
                    self.name, f"{_show(shown, value)} is not two numbers; expected {self.accepted}"
                )
            first, second = value
            return (self._number(first, shown), self._number(second, shown))
        if self.whole:
            if isinstance(value, bool) or not isinstance(value, int):
                raise SettingError(
                    self.name, f"{_show(shown, value)} is not whole; expected {self.accepted}"
                )
            if not self.lo <= value <= self.hi:
                raise SettingError(
                    self.name, f"{_show(shown, value)} is out of range; expected {self.accepted}"
                )
            return value
        return self._number(value, shown)

    def _number(self, value: object, shown: str | None) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingError(
                self.name, f"{_show(shown, value)} is not a number; expected {self.accepted}"
            )
        number = float(value)
        above = number > self.lo if self.lo_open else number >= self.lo
        below = number < self.hi if self.hi_open else number <= self.hi
        if not (math.isfinite(number) and above and below):
            raise SettingError(
                self.name, f"{_show(shown, value)} is out of range; expected {self.accepted}"
            )
        return number

    def parse(self, texts: str | list[str] | tuple[str, ...]) -> KnobValue:
        """Parse what the user typed (two texts for a pair) and check the range."""
        if self.pair:
            parts = [texts] if isinstance(texts, str) else list(texts)
            if len(parts) != 2:
                raise SettingError(
                    self.name, f"got {len(parts)} value(s); expected {self.accepted}"
                )
            first, second = (parse_float(self.name, t, self.accepted) for t in parts)
            return self.check((first, second), " ".join(t.strip() for t in parts))
        text = texts if isinstance(texts, str) else " ".join(texts)
        if self.whole:
            return self.check(parse_int(self.name, text, int(self.lo), int(self.hi)), text.strip())
        return self.check(parse_float(self.name, text, self.accepted), text.strip())


def _show(shown: str | None, value: object) -> str:
    text = shown if shown is not None else repr(value)
    return repr(text if len(text) <= 20 else text[:20] + "…")


MAX_DECAY = 1000.0
"""Largest weight decay accepted (torch.optim takes any ≥ 0)."""

_MOMENTUM = Knob(
    "momentum",
    "momentum",
    0.9,
    0.0,
    1.0,
    hi_open=True,
    meaning="μ: how much of the previous step's velocity the next step keeps",
)
_NESTEROV_MOMENTUM = Knob(
    "momentum",
    "momentum",
    0.9,
    0.0,
    1.0,
    lo_open=True,
    hi_open=True,
    meaning="μ: how much of the velocity is kept; the step looks ahead by μ·velocity",
)
_RMS_MOMENTUM = Knob(
    "momentum",
    "momentum",
    0.0,
    0.0,
    1.0,
    hi_open=True,
    meaning="μ: momentum on the scaled step (0: none)",
)
_DAMPENING = Knob(
    "dampening",
    "dampening",
    0.0,
    0.0,
    1.0,
    meaning="d: the share of each gradient left out of the velocity",
)
_ALPHA = Knob(
    "alpha",
    "alpha",
    0.99,
    0.0,
    1.0,
    hi_open=True,
    meaning="α: how much of the running average of g² each step keeps",
)
_BETAS = Knob(
    "betas",
    "betas",
    (0.9, 0.999),
    0.0,
    1.0,
    hi_open=True,
    pair=True,
    meaning="β₁, β₂: how much of the running averages of g and g² each step keeps",
)
_WEIGHT_DECAY = Knob(
    "weight-decay",
    "weight_decay",
    0.0,
    0.0,
    MAX_DECAY,
    meaning="λ: L2 penalty, λ·θ added to the gradient",
)
_DECOUPLED_DECAY = Knob(
    "weight-decay",
    "weight_decay",
    0.01,
    0.0,
    MAX_DECAY,
    meaning="λ: decoupled decay, θ shrunk by η·λ·θ before the Adam step",
)


def _eps(default: float) -> Knob:
    return Knob(
        "eps",
        "eps",
        default,
        0.0,
        1.0,
        lo_open=True,
        meaning="ε: added to the denominator so a zero average cannot divide by zero",
    )


OPTIMIZERS: dict[str, tuple[Knob, ...]] = {
    "plain": (),
    "momentum": (_MOMENTUM, _DAMPENING, _WEIGHT_DECAY),
    "nesterov": (_NESTEROV_MOMENTUM, _WEIGHT_DECAY),
    "adagrad": (_eps(1e-10), _WEIGHT_DECAY),
    "rmsprop": (_ALPHA, _eps(1e-8), _WEIGHT_DECAY, _RMS_MOMENTUM),
    "adam": (_BETAS, _eps(1e-8), _WEIGHT_DECAY),
    "adamw": (_BETAS, _eps(1e-8), _DECOUPLED_DECAY),
    "armijo": (),
}
"""Each optimizer's knobs, in the order they are shown."""

OPTIMIZER_SUMMARY: dict[str, str] = {
    "plain": "the book's update, θ ← θ − η·g",
    "momentum": "torch.optim.SGD with momentum: a velocity of past gradients",
    "nesterov": "torch.optim.SGD with Nesterov momentum: the step looks ahead",
    "adagrad": "torch.optim.Adagrad: η divided by the root of the sum of past g²",
    "rmsprop": "torch.optim.RMSprop: η divided by the root of a running average of g²",
    "adam": "torch.optim.Adam: running averages of g and g², bias-corrected",
    "adamw": "torch.optim.AdamW: Adam with decoupled weight decay",
    "armijo": "backtracking line search: halve η until f falls enough",
}

KNOB_NAMES = ("momentum", "dampening", "alpha", "betas", "eps", "weight-decay")
"""Every optimizer knob there is (the CLI has an option for each)."""


def _step_size() -> Knob:
    return Knob(
        "step-size",
        "step_size",
        1000,
        1,
        MAX_ITERATIONS,
        whole=True,
        meaning="every this many iterations η is multiplied by γ",
    )


SCHEDULES: dict[str, tuple[Knob, ...]] = {
    "constant": (),
    "step": (
        _step_size(),
        Knob("gamma", "gamma", 0.1, 0.0, 1.0, lo_open=True, meaning="γ: η's factor per step"),
    ),
    "exponential": (
        Knob(
            "gamma", "gamma", 0.999, 0.0, 1.0, lo_open=True, meaning="γ: η's factor per iteration"
        ),
    ),
    "cosine": (
        Knob(
            "t-max",
            "T_max",
            None,
            1,
            MAX_ITERATIONS,
            whole=True,
            meaning="iterations from η to 0 along half a cosine (default: the run's)",
        ),
    ),
    "plateau": (
        Knob(
            "patience",
            "patience",
            10,
            0,
            MAX_ITERATIONS,
            whole=True,
            meaning="iterations without a 0.01 % better f before η is cut",
        ),
        Knob(
            "factor",
            "factor",
            0.1,
            0.0,
            1.0,
            lo_open=True,
            hi_open=True,
            meaning="η's factor at each cut",
        ),
    ),
}
"""Each schedule's knobs, in the order they are shown."""

SCHEDULE_KNOB_NAMES = ("step-size", "gamma", "t-max", "patience", "factor")
"""Every schedule knob there is (the CLI has an option for each)."""

PLATEAU_THRESHOLD = 1e-4
"""ReduceLROnPlateau's defaults that gdlab keeps: threshold (rel), cooldown 0,
min_lr 0, eps 1e-8."""
PLATEAU_EPS = 1e-8


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
        names = {knob.name: knob.torch_name for knob in OPTIMIZERS[self.name]}
        kwargs: dict[str, object] = {names[k]: v for k, v in self.knobs}
        if self.name == "nesterov":
            kwargs["nesterov"] = True
        return kwargs

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
DTYPES = ("float32", "float64")
"""What ``--dtype`` takes; float32 is the book's."""


def knob_of(table: dict[str, tuple[Knob, ...]], name: str) -> Knob | None:
    """The first knob called ``name`` in ``table`` (for parsing before the owner is known)."""
    for knobs in table.values():
        for knob in knobs:
            if knob.name == name:
                return knob
    return None
