"""A knob: one hyperparameter of an optimizer or a schedule, its range and default (no torch).

Knob names are the CLI's (``weight-decay``); their meaning and defaults are
torch.optim's (``weight_decay``), except where an optimizer's module says otherwise.
The knobs several optimizers share are defined here once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from solvers.core.validation import SettingError, parse_float, parse_int

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

MOMENTUM = Knob(
    "momentum",
    "momentum",
    0.9,
    0.0,
    1.0,
    hi_open=True,
    meaning="μ: how much of the previous step's velocity the next step keeps",
)
NESTEROV_MOMENTUM = Knob(
    "momentum",
    "momentum",
    0.9,
    0.0,
    1.0,
    lo_open=True,
    hi_open=True,
    meaning="μ: how much of the velocity is kept; the step looks ahead by μ·velocity",
)
RMS_MOMENTUM = Knob(
    "momentum",
    "momentum",
    0.0,
    0.0,
    1.0,
    hi_open=True,
    meaning="μ: momentum on the scaled step (0: none)",
)
DAMPENING = Knob(
    "dampening",
    "dampening",
    0.0,
    0.0,
    1.0,
    meaning="d: the share of each gradient left out of the velocity",
)
ALPHA = Knob(
    "alpha",
    "alpha",
    0.99,
    0.0,
    1.0,
    hi_open=True,
    meaning="α: how much of the running average of g² each step keeps",
)
BETAS = Knob(
    "betas",
    "betas",
    (0.9, 0.999),
    0.0,
    1.0,
    hi_open=True,
    pair=True,
    meaning="β₁, β₂: how much of the running averages of g and g² each step keeps",
)
WEIGHT_DECAY = Knob(
    "weight-decay",
    "weight_decay",
    0.0,
    0.0,
    MAX_DECAY,
    meaning="λ: L2 penalty, λ·θ added to the gradient",
)
DECOUPLED_DECAY = Knob(
    "weight-decay",
    "weight_decay",
    0.01,
    0.0,
    MAX_DECAY,
    meaning="λ: decoupled decay, θ shrunk by η·λ·θ before the Adam step",
)


def eps(default: float) -> Knob:
    """ε with ``default``: Adagrad's is 1e-10, the others' 1e-8."""
    return Knob(
        "eps",
        "eps",
        default,
        0.0,
        1.0,
        lo_open=True,
        meaning="ε: added to the denominator so a zero average cannot divide by zero",
    )
