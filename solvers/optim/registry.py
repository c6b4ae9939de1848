"""Every optimizer and schedule, by name, in the order they are offered (no torch).

Adding an optimizer: write its module beside this one (an :class:`OptimizerSpec`
called ``SPEC``) and its rule in :mod:`solvers.optim.rules` (a ``build``), then list
the module here. The CLI's options, the settings form, the explained step, the code
view, the bench and the torch.optim reference tests read it from here.
"""

from __future__ import annotations

from solvers.optim import (
    adagrad,
    adam,
    adamw,
    armijo,
    momentum,
    nadam,
    nesterov,
    plain,
    radam,
    rmsprop,
)
from solvers.optim.knobs import Knob
from solvers.optim.schedules import constant, cosine, exponential, plateau, step
from solvers.optim.spec import OptimizerSpec, ScheduleSpec

OPTIMIZER_SPECS: dict[str, OptimizerSpec] = {
    module.SPEC.name: module.SPEC
    for module in (
        plain,
        momentum,
        nesterov,
        adagrad,
        rmsprop,
        adam,
        adamw,
        armijo,
        nadam,
        radam,
    )
}
"""Each optimizer, in the order the selector and the CLI's help list them."""

SCHEDULE_SPECS: dict[str, ScheduleSpec] = {
    module.SPEC.name: module.SPEC for module in (constant, step, exponential, cosine, plateau)
}
"""Each schedule of η, in the order they are listed."""


KNOB_ORDER = ("momentum", "dampening", "alpha", "betas", "eps", "weight-decay")
"""The order the settings form stacks the optimizers' knob rows in; a knob not named
here comes after these, in the order it first appears in :data:`OPTIMIZER_SPECS`."""


def knob_names(
    specs: dict[str, OptimizerSpec] | dict[str, ScheduleSpec], first: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """Every knob name of ``specs``, each once: those of ``first`` that some spec has,
    then the others in the order they first appear."""
    names: dict[str, None] = {}
    for name in first:
        if owners(specs, name):
            names[name] = None
    for spec in specs.values():
        for knob in spec.knobs:
            names.setdefault(knob.name, None)
    return tuple(names)


def owners(specs: dict[str, OptimizerSpec] | dict[str, ScheduleSpec], knob: str) -> tuple[str, ...]:
    """The names of those of ``specs`` that have a knob called ``knob``."""
    return tuple(name for name, spec in specs.items() if any(k.name == knob for k in spec.knobs))


def first_knob(specs: dict[str, OptimizerSpec] | dict[str, ScheduleSpec], name: str) -> Knob | None:
    """The first knob called ``name`` (for parsing before its owner is known)."""
    for spec in specs.values():
        for knob in spec.knobs:
            if knob.name == name:
                return knob
    return None


def knob_help(specs: dict[str, OptimizerSpec] | dict[str, ScheduleSpec], name: str) -> str:
    """The CLI's help for the knob ``name``: its symbol (an optimizer's) and its owners,
    e.g. ``μ of momentum, nesterov, rmsprop``; a schedule's: ``step: <its meaning>``."""
    knob = first_knob(specs, name)
    have = ", ".join(owners(specs, name))
    meaning = knob.meaning if knob is not None else ""
    symbol, _, words = meaning.partition(":")
    if words and len(symbol) <= 6:
        return f"{symbol.strip()} of {have}"
    return f"{have}: {meaning}"
