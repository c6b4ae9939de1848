"""The words a run is described in, without torch or numpy.

The CLI, the app and the solver all speak this vocabulary, so nothing compares
display strings: a screen asks ``report.outcome is Outcome.STOPPED``, the CLI
takes its list of formats from :data:`FORMATS`. :class:`RunSettings` checks
itself on construction with the same rules and messages as the parsers in
:mod:`solvers.core.validation`, so a run built in code cannot climb with η ≤ 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from solvers.core.facts import BoundReason, Curvature, curvature_of
from solvers.core.validation import (
    MAX_ITERATIONS,
    MAX_SEED,
    SettingError,
    check_eta,
    check_start_value,
    check_whole,
    parse_int,
)
from solvers.optim.choices import CONSTANT, DTYPES, PLAIN, OptimizerChoice, ScheduleChoice
from solvers.optim.registry import OPTIMIZER_SPECS

MAX_BATCH_SIZE = 1_000_000_000
"""The largest batch size accepted (a batch of every row is the full-batch run)."""
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
    batch_size: int | None = None
    """Data rows per iteration (stochastic gradients, solvers.run.batches); None: every
    row, the book's full-batch descent. Only for an objective with data rows."""

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
        if self.batch_size is not None:
            check_whole("batch-size", self.batch_size, 1, MAX_BATCH_SIZE)
        chooses = OPTIMIZER_SPECS[self.optimizer.name].chooses_eta
        if chooses and self.batch_size is not None:
            raise SettingError(
                "batch-size",
                f"cannot be used with {self.optimizer.name}, whose line search evaluates the"
                " objective on every row; leave it empty",
            )
        if chooses and self.schedule.name != "constant":
            raise SettingError(
                "schedule",
                f"{self.schedule.name} cannot be used with {self.optimizer.name}, which chooses"
                " η itself; expected constant",
            )


def parse_batch_size(text: str | None) -> int | None:
    """``--batch-size`` as typed: empty or "all" is every row (None), else a whole number
    from 1 (a batch of every row or more runs the full-batch descent)."""
    if text is None or text.strip().lower() in ("", "all"):
        return None
    return parse_int("batch-size", text, 1, MAX_BATCH_SIZE)


class Outcome(Enum):
    """How a run (or one call that advanced it) ended."""

    FINISHED = "finished"
    STOPPED = "stopped"
    DIVERGED = "diverged"
    """f rose away (or a number became inf or NaN): the run stopped there."""
    UNBOUNDED = "unbounded below"
    """f fell past gdlab's threshold for "without bound" (or to −inf): stopped there."""
    NOT_MINIMUM = "not a minimum"
    """It ran all its iterations and ended where ∇f ≈ 0 but the Hessian has a
    negative eigenvalue: a maximum or a saddle, not a minimum."""


@dataclass(frozen=True)
class Divergence:
    """Where and why a run diverged, and the bound that would have kept it stable."""

    iteration: int
    reason: str
    stable_eta: float | None
    bound_reason: str = ""
    falling: bool = False
    """f fell without bound (outcome UNBOUNDED), rather than rising away."""
    batch_curvature: float | None = None
    """A minibatch run's: the most a batch's loss curves (Facts.batch_curvature), which
    the full-batch bound says nothing of."""

    @property
    def outcome(self) -> Outcome:
        """DIVERGED, or UNBOUNDED where f fell without bound."""
        return Outcome.UNBOUNDED if self.falling else Outcome.DIVERGED

    @property
    def headline(self) -> str:
        """Where it happened, in a few words: "diverged at iteration 4"."""
        if self.falling:
            return f"f fell without bound at iteration {self.iteration}"
        return f"diverged at iteration {self.iteration}"

    @property
    def lesson(self) -> str:
        """The bound that would have kept plain descent stable, or "" where unknown (or
        where f fell without bound: no η makes a function without a minimum converge)."""
        if self.stable_eta is None or self.falling:
            return ""
        where = self.reach or " here"
        if self.batch_curvature:
            return (
                f"full-batch plain descent is stable{where} for η < {self.stable_eta:.6g}, "
                f"but a batch's loss curves by up to {self.batch_curvature:.4g}, and only "
                f"below 2/that = {2 / self.batch_curvature:.4g} can no batch's step overshoot"
            )
        return f"plain gradient descent is stable{where} for η < {self.stable_eta:.6g}"

    @property
    def reach(self) -> str:
        """ " near the start" for the start's Hessian's bound (it says nothing of the rest
        of the path), else "" (a quadratic's or least squares' bound holds everywhere)."""
        return " near the start" if self.bound_reason == BoundReason.LOCAL.value else ""

    @property
    def message(self) -> str:
        """One line for the CLI's stderr (the status line fits it to its width)."""
        text = f"{self.headline}: {self.reason}"
        if self.lesson:
            why = f" ({self.bound_reason})" if self.bound_reason else ""
            text += f"; {self.lesson}{why}"
        return text


@dataclass(frozen=True)
class Stationary:
    """Where a run ended with ∇f ≈ 0: the Hessian's eigenvalues there (float64)."""

    grad_norm: float
    """‖∇f‖ at the last point, in float64."""
    eigenvalues: tuple[float, ...]
    """The Hessian's eigenvalues at the last point, ascending."""

    @property
    def kind(self) -> str:
        """A local maximum, a saddle, or "local maximum or saddle" (a negative eigenvalue,
        zeros), by :func:`solvers.core.facts.curvature_of`, the rule the facts before a run
        use. Local: the Hessian at one point says nothing of f far from it."""
        curvature = curvature_of(self.eigenvalues)
        if curvature is Curvature.INDEFINITE:
            return "saddle"
        if curvature is Curvature.NEGATIVE and curvature_of([-v for v in self.eigenvalues]) is (
            Curvature.POSITIVE
        ):
            return "local maximum"
        return "local maximum or saddle"

    @property
    def stays(self) -> str:
        """Why descent stays there, in a few words."""
        if self.grad_norm == 0:
            return "∇f = 0, so plain descent cannot leave it"
        return f"‖∇f‖ = {self.grad_norm:.2g} there: descent had not left it by the run's end"

    @property
    def message(self) -> str:
        """One line: why the run is not at a minimum, and why descent stays."""
        return (
            f"stopped on a stationary point that is not a minimum (a {self.kind}: "
            f"the Hessian has eigenvalue {self.eigenvalues[0]:.3g} < 0); {self.stays}"
        )

    @property
    def forms(self) -> tuple[str, ...]:
        """:attr:`message`, then in fewer words, for a narrow status line."""
        return (
            self.message,
            f"on a {self.kind}, not a minimum: {self.stays}",
            f"on a {self.kind}, not a minimum: ‖∇f‖ = {self.grad_norm:.2g}",
        )


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
    stationary: Stationary | None = None
    """Where the outcome is NOT_MINIMUM: the stationary point it ended on."""
