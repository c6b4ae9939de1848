"""What an optimizer or a schedule declares about itself (no torch).

Each optimizer's module (:mod:`solvers.optim.adam` …) holds one
:class:`OptimizerSpec`, each schedule's (:mod:`solvers.optim.schedules.step` …) one
:class:`ScheduleSpec`; :mod:`solvers.optim.registry` collects them, and the CLI's
options, the settings form, the explained step, the code view, the bench and the
torch.optim reference tests read them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from solvers.optim.knobs import Knob, KnobValue

Keyword = float | int | bool | tuple[float, ...]
"""A value of a torch.optim constructor's keyword argument."""

Knobs = Mapping[str, KnobValue]
"""A choice's knob values by CLI name (``weight-decay``)."""

StepFormula = Callable[[Knobs, int, float, float, float, Mapping[str, float]], float | None]
"""``(knobs, t, η, θ, g, state) -> change of θ``: the step its formula gives, in float64,
at step t (from 1), from θ and g before the step and the state recorded after it
(``v``, ``m``, ``v2``, ``sum``); None where that state was not recorded."""

StepNotes = Callable[
    [Knobs, int, float, Callable[[str], float | None], Callable[[float], str]], tuple[str, ...]
]
"""``(knobs, t, η, column, number) -> lines``: what the explained step adds below the
formula (bias corrections, halvings); ``column(name)`` reads the row, ``number`` writes
a number as the explanation does."""


def knob_number(knobs: Knobs, name: str) -> float:
    """A number knob's value; 0 where the optimizer has no such knob."""
    value = knobs.get(name, 0.0)
    return float(value) if isinstance(value, int | float) else 0.0


def _no_notes(
    knobs: Knobs,
    t: int,
    eta: float,
    column: Callable[[str], float | None],
    number: Callable[[float], str],
) -> tuple[str, ...]:
    return ()


def _all_state(knobs: Knobs) -> bool:
    return True


@dataclass(frozen=True)
class OptimizerSpec:
    """Everything about one optimizer that needs no torch."""

    name: str
    """As ``--optimizer`` takes it."""
    summary: str
    """One line, shown under the settings form's selector."""
    knobs: tuple[Knob, ...]
    """Its knobs, in the order they are shown."""
    rule: str
    """The module of its TorchScript update rule, whose ``build(name, knobs, param_names,
    objective)`` makes it (imported only when a run is made: it imports torch)."""
    formula: tuple[tuple[str, str | None], ...]
    """Its update, one line per operation in torch.optim's order, each with the knob that
    must be non-zero for the line to act (None: always)."""
    step: StepFormula
    """The same update in float64, for the explained step."""
    torch_class: str | None = None
    """Its torch.optim class (``"Adam"``); None where torch.optim has none."""
    torch_fixed: Mapping[str, Keyword] = field(default_factory=dict)
    """Keyword arguments always passed to that class (``nesterov=True``)."""
    script_defaults: Mapping[str, Keyword] = field(default_factory=dict)
    """Keyword arguments a script writes when the request gives none: gdlab's defaults
    where torch's differ (momentum 0.9), and the fixed ones."""
    no_script: str = ""
    """Why ``gdlab code`` cannot write it (no torch.optim loop), where it cannot."""
    adaptive: bool = False
    """It adapts its step itself (per parameter, as Adagrad and Adam; or by a line
    search): a larger η suits it than plain descent's."""
    along_gradient: bool = False
    """Its step is −η·g (plain, armijo): the explanation has no plain step to compare."""
    chooses_eta: bool = False
    """It chooses η itself (a line search), so no schedule of η can be used with it."""
    notes: StepNotes = _no_notes
    keeps_state: Callable[[Knobs], bool] = _all_state
    """False where the knobs make it keep no state (SGD without momentum)."""
    instead: tuple[str, str] = ("", "")
    """What it does instead of plain descent's step, where no bound of η is stated for
    it: a clause for the regime line (``Adam scales steps by …``) and the detail the
    CLI adds. Empty: said from :attr:`summary`. Plain descent and the momentum
    methods, whose bounds :mod:`solvers.optim.regimes` states, leave it empty."""

    def formula_lines(self, knobs: Knobs) -> tuple[str, ...]:
        """The formula without the lines of a knob that is 0 and so does nothing."""
        return tuple(
            text for text, needs in self.formula if needs is None or knob_number(knobs, needs) != 0
        )

    def torch_kwargs(self, knobs: Knobs) -> dict[str, object]:
        """The torch.optim constructor's keyword arguments (without lr)."""
        names = {knob.name: knob.torch_name for knob in self.knobs}
        return {**{names[k]: v for k, v in knobs.items()}, **self.torch_fixed}


def kwarg_number(kwargs: Mapping[str, object], name: str, default: float | None = None) -> float:
    """A number among a scheduler's keyword arguments (``default`` where it has one)."""
    value = kwargs.get(name, default)
    if value is None:
        raise ValueError(f"the schedule needs {name}")
    if not isinstance(value, int | float):
        raise ValueError(f"{name} is one number, not {value!r}")
    return float(value)


NextEta = Callable[[int, float, float, int, Knobs], float]
"""``(epoch, lr, base, t_max, knobs) -> lr``: torch's ``get_lr`` at ``last_epoch = epoch``
from the current η (``base``: the first η; ``t_max``: cosine's period)."""

ScriptEta = Callable[[Mapping[str, object]], str]
"""The η of iteration ``i`` as Python text, from torch's keyword arguments (the book's
loop in a script)."""


def _unchanged(epoch: int, lr: float, base: float, t_max: int, knobs: Knobs) -> float:
    return lr


@dataclass(frozen=True)
class ScheduleSpec:
    """Everything about one schedule of η that needs no torch."""

    name: str
    summary: str
    knobs: tuple[Knob, ...]
    torch_class: str | None = None
    """Its torch.optim.lr_scheduler class; None for constant (no scheduler)."""
    next_eta: NextEta = _unchanged
    """Its recursion, as torch computes it (plateau's is stepped inside the chunk)."""
    script_eta: ScriptEta | None = None
    """Its closed form for a script's loop; None where a script cannot write it."""
    in_chunk: bool = False
    """η depends on f, so the rule steps it inside the chunk (plateau)."""
