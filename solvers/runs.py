"""The words a run is described in, without torch or numpy.

The CLI, the app and the solver all speak this vocabulary, so nothing compares
display strings: a screen asks ``report.outcome is Outcome.STOPPED``, the CLI
takes its list of formats from :data:`FORMATS`. :class:`RunSettings` checks
itself on construction with the same rules and messages as the parsers in
:mod:`solvers.validation`, so a run built in code cannot climb with η ≤ 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from solvers.optimizers import CONSTANT, DTYPES, PLAIN, OptimizerChoice, ScheduleChoice
from solvers.validation import (
    MAX_ITERATIONS,
    MAX_SEED,
    SettingError,
    check_eta,
    check_start_value,
    check_whole,
)

FORMATS = ("book", "csv", "json")
"""What ``gdlab run --format`` writes: the book's print-out, or every row as CSV or JSON."""


@dataclass(frozen=True)
class RunSettings:
    """Everything a run needs from the user, checked here whoever built it."""

    eta: float
    iterations: int
    device: str = "auto"
    seed: int | None = None
    start: tuple[float, ...] | None = None
    optimizer: OptimizerChoice = PLAIN
    """The update rule and its knobs (default: the book's plain descent)."""
    schedule: ScheduleChoice = CONSTANT
    """How η changes from iteration to iteration (default: it does not)."""
    dtype: str = "float32"
    """The run's floating-point type: float32 (the book's) or float64."""

    def __post_init__(self) -> None:
        check_eta(float(self.eta))
        check_whole("iterations", self.iterations, 1, MAX_ITERATIONS)
        if self.seed is not None:
            check_whole("seed", self.seed, 0, MAX_SEED)
        if self.start is not None:
            for index, value in enumerate(self.start):
                check_start_value(str(index), float(value))
        if not isinstance(self.device, str) or not self.device.strip():
            raise SettingError("device", "is empty; expected auto, cpu, cuda, cuda:N or mps")
        if not isinstance(self.optimizer, OptimizerChoice):
            raise SettingError("optimizer", f"{self.optimizer!r:.40} is not an OptimizerChoice")
        if not isinstance(self.schedule, ScheduleChoice):
            raise SettingError("schedule", f"{self.schedule!r:.40} is not a ScheduleChoice")
        if self.dtype not in DTYPES:
            raise SettingError(
                "dtype", f"{self.dtype!r:.40} is not one; expected {', '.join(DTYPES)}"
            )
        if self.optimizer.name == "armijo" and self.schedule.name != "constant":
            raise SettingError(
                "schedule",
                f"{self.schedule.name} cannot be used with armijo, which chooses η itself; "
                "expected constant",
            )


class Outcome(Enum):
    """How a run (or one call that advanced it) ended."""

    FINISHED = "finished"
    STOPPED = "stopped"
    DIVERGED = "diverged"


@dataclass(frozen=True)
class Divergence:
    """Where and why a run diverged, and the bound that would have kept it stable."""

    iteration: int
    reason: str
    stable_eta: float | None
    bound_reason: str = ""

    @property
    def message(self) -> str:
        """One line for the status bar and the CLI's stderr."""
        text = f"diverged at iteration {self.iteration}: {self.reason}"
        if self.stable_eta is not None:
            why = f" ({self.bound_reason})" if self.bound_reason else ""
            text += f"; plain gradient descent is stable here for η < {self.stable_eta:.6g}{why}"
        return text


@dataclass(frozen=True)
class RunReport:
    """The end of one call that advanced a run."""

    outcome: Outcome
    iterations: int
    """Rows the call added."""
    seconds: float
    divergence: Divergence | None = None
    compiled: bool = True
    """Whether the chunk ran compiled with TorchScript."""
    why_eager: str = ""
    """Why it ran eagerly: a short run, or what TorchScript said."""
