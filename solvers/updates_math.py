"""Each optimizer's update written out in plain text, as torch.optim's docs do (no torch).

θ is a parameter, g its gradient at θ, η this iteration's learning rate; the
names of the recorded columns are in brackets. :func:`optimizer_update` computes
the same update in float64 from a recorded row, for the step explanation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from solvers.optimizers import KnobValue

FORMULAS: dict[str, tuple[str, ...]] = {
    "plain": ("θ ← θ − η·g   (the book's w.data -= eta * w.grad)",),
    "momentum": (
        "g ← g + λ·θ   (weight decay λ ≠ 0)",
        "v ← g at the first step, then v ← μ·v + (1 − d)·g   [v]",
        "θ ← θ − η·v   [step]   (μ = 0: θ ← θ − η·g, torch.optim.SGD)",
    ),
    "nesterov": (
        "g ← g + λ·θ   (weight decay λ ≠ 0)",
        "v ← g at the first step, then v ← μ·v + g   [v]",
        "θ ← θ − η·(g + μ·v)   [step]   (looks ahead along the velocity)",
    ),
    "adagrad": (
        "g ← g + λ·θ   (weight decay λ ≠ 0)",
        "G ← G + g²   [sum]",
        "θ ← θ − η·g / (√G + ε)   [step]",
    ),
    "rmsprop": (
        "g ← g + λ·θ   (weight decay λ ≠ 0)",
        "v2 ← α·v2 + (1 − α)·g²   [v2]",
        "θ ← θ − η·g / (√v2 + ε)   [step]",
        "with momentum μ > 0: v ← μ·v + g / (√v2 + ε), θ ← θ − η·v   [v]",
    ),
    "adam": (
        "g ← g + λ·θ   (weight decay λ ≠ 0, L2)",
        "m ← β₁·m + (1 − β₁)·g   [m]",
        "v2 ← β₂·v2 + (1 − β₂)·g²   [v2]",
        "θ ← θ − (η / (1 − β₁ᵗ))·m / (√v2 / √(1 − β₂ᵗ) + ε)   [step]",
    ),
    "adamw": (
        "θ ← θ·(1 − η·λ)   (decoupled weight decay)",
        "m ← β₁·m + (1 − β₁)·g   [m]",
        "v2 ← β₂·v2 + (1 − β₂)·g²   [v2]",
        "θ ← θ − (η / (1 − β₁ᵗ))·m / (√v2 / √(1 − β₂ᵗ) + ε)   [step]",
    ),
    "armijo": (
        "try η; while f(θ − η·g) > f(θ) − c·η·‖g‖²: η ← η/2   (c = 1e-4)   [eta, halvings]",
        "θ ← θ − η·g   [step]; the next iteration starts from 2η",
    ),
}
"""The update of each optimizer, one line per operation, in torch.optim's order."""


def formula_lines(name: str, knobs: Mapping[str, KnobValue]) -> tuple[str, ...]:
    """``name``'s lines of :data:`FORMULAS` without those of a knob that is 0 and so
    does nothing (weight decay λ, a momentum μ)."""
    decay = _knob(knobs, "weight-decay")
    momentum = _knob(knobs, "momentum")
    return tuple(
        line
        for line in FORMULAS[name]
        if not (decay == 0 and ("λ ≠ 0" in line or "weight decay)" in line))
        and not (momentum == 0 and line.startswith("with momentum μ > 0"))
        and not (momentum == 0 and name == "momentum" and line.startswith("v ←"))
    )


def optimizer_update(
    name: str,
    knobs: Mapping[str, KnobValue],
    t: int,
    eta: float,
    theta: float,
    grad: float,
    state: Mapping[str, float],
) -> float | None:
    """The change of one parameter that ``name``'s update (as :data:`FORMULAS` writes it)
    gives at step ``t`` (from 1), in float64 from the values a row records: θ before
    the step, its gradient g, and ``state`` after the step (``v``, ``m``, ``v2``,
    ``sum``), which is what the formula divides or scales by. None where the state
    it needs was not recorded.

    The run itself computes in its dtype (float32 by default) and rounds θ after the
    step: its change may differ from this one in the last digits (the app shows both).
    """
    decay = _knob(knobs, "weight-decay")
    if name in ("plain", "armijo"):
        return -eta * grad
    if name in ("adam", "adamw"):
        m, v2, betas = state.get("m"), state.get("v2"), knobs.get("betas")
        if m is None or v2 is None or not isinstance(betas, tuple):
            return None
        b1, b2 = betas
        eps = _knob(knobs, "eps")
        step = -(eta / (1 - b1**t)) * m / (math.sqrt(v2) / math.sqrt(1 - b2**t) + eps)
        return step - eta * decay * theta if name == "adamw" else step
    g = grad + decay * theta  # L2 weight decay: λ·θ added to the gradient
    momentum = _knob(knobs, "momentum")
    v = state.get("v")
    if name == "momentum":
        if momentum == 0:
            return -eta * g
        return None if v is None else -eta * v
    if name == "nesterov":
        return None if v is None else -eta * (g + momentum * v)
    if name == "adagrad":
        total = state.get("sum")
        eps = _knob(knobs, "eps")
        return None if total is None else -eta * g / (math.sqrt(total) + eps)
    if name == "rmsprop":
        if momentum > 0:
            return None if v is None else -eta * v
        v2 = state.get("v2")
        eps = _knob(knobs, "eps")
        return None if v2 is None else -eta * g / (math.sqrt(v2) + eps)
    return None


def _knob(knobs: Mapping[str, KnobValue], name: str) -> float:
    """A number knob's value; 0 where the optimizer has no such knob."""
    value = knobs.get(name, 0.0)
    return float(value) if isinstance(value, int | float) else 0.0
