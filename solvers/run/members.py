"""A compare's members and settings, in words, without torch.

A compare runs every combination of the given η values, optimizers and batch
sizes on one problem from one start (:mod:`solvers.run.compare` does the computing). The CLI and
the compare screen build a :class:`CompareSettings`; it checks itself as
:class:`~solvers.run.settings.RunSettings` does, and hands each member its own
RunSettings, so a member is described, exported and repeated exactly as a run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import product

from solvers.core.validation import MAX_ITERATIONS, SettingError, check_eta, check_whole
from solvers.optim.choices import DTYPES, PLAIN, OptimizerChoice
from solvers.run.settings import RunSettings

COMPARE_FORMATS = ("table", "csv", "json")
"""What ``gdlab compare --format`` writes: the table, or every member's rows."""
MAX_MEMBERS = 64
"""Members in one compare at most: a legend and a table a class can still read."""
CONVERGED = 1e-6
"""A member has converged when |f − f*| ≤ this. Where f* is unknown none converges: a
full-batch one ending with ‖∇f‖ ≤ this stands at ∇f ≈ 0 (Standing.STATIONARY)."""


@dataclass(frozen=True)
class Member:
    """One member: its η and its optimizer (with that optimizer's knobs)."""

    eta: float
    optimizer: OptimizerChoice = PLAIN
    batch_size: int | None = None
    """Data rows per iteration (None: every row), as :class:`RunSettings` has it."""

    @property
    def label(self) -> str:
        """How the table and the legend name it, e.g. ``adam η=0.01`` (``… B=2`` with
        a batch size)."""
        batch = "" if self.batch_size is None else f" B={self.batch_size}"
        return f"{self.optimizer.name} η={self.eta:g}{batch}"


@dataclass(frozen=True)
class CompareSettings:
    """Members and what they share: iterations, device, start, seed, dtype."""

    members: tuple[Member, ...]
    iterations: int
    device: str = "auto"
    seed: int | None = None
    start: tuple[float, ...] | None = None
    dtype: str = "float32"

    def __post_init__(self) -> None:
        if not self.members:
            raise SettingError("eta", "gives no member; expected at least one η")
        if len(self.members) > MAX_MEMBERS:
            raise SettingError(
                "eta",
                f"and optimizer make {len(self.members)} members; "
                f"expected at most {MAX_MEMBERS} (every η with every optimizer)",
            )
        if len(set(self.members)) != len(self.members):
            raise SettingError(
                "eta", "repeats a member; expected each η, optimizer and batch size once"
            )
        for index, member in enumerate(self.members):
            check_eta(float(member.eta))
            self.member_settings(index)  # its batch size, checked as a run checks it
        check_whole("iterations", self.iterations, 1, MAX_ITERATIONS)
        if self.dtype not in DTYPES:
            raise SettingError(
                "dtype", f"{self.dtype!r:.40} is not one; expected {', '.join(DTYPES)}"
            )
        self.member_settings(0)  # device, seed and start checked as a run checks them

    @classmethod
    def every(
        cls,
        etas: Sequence[float],
        optimizers: Sequence[OptimizerChoice],
        iterations: int,
        batch_sizes: Sequence[int | None] = (None,),
        **shared: object,
    ) -> CompareSettings:
        """Every combination of ``etas``, ``optimizers`` and ``batch_sizes``, optimizer
        by optimizer, then η by η."""
        members = tuple(
            Member(eta, opt, size) for opt, eta, size in product(optimizers, etas, batch_sizes)
        )
        return cls(members, iterations, **shared)  # type: ignore[arg-type]

    def member_settings(self, index: int) -> RunSettings:
        """Member ``index`` as a run of its own would be set."""
        member = self.members[index]
        return RunSettings(
            member.eta,
            self.iterations,
            self.device,
            self.seed,
            self.start,
            member.optimizer,
            dtype=self.dtype,
            batch_size=member.batch_size,
        )


class Standing(Enum):
    """Where a member stands at the end of a compare (or now, during one)."""

    CONVERGED = "converged"
    """|f − f*| ≤ CONVERGED where f* is known."""
    STATIONARY = "∇f ≈ 0"
    """f* unknown: ‖∇f‖ ≤ CONVERGED at the end, where the Hessian has no negative
    eigenvalue; a stationary point not known to be a minimum (x³ at 0 is none)."""
    GOING = "still going"
    """Mid-run only: the compare has iterations left and was not stopped."""
    NOT_CONVERGED = "not converged"
    """It ran every iteration without converging."""
    DIVERGED = "diverged"
    UNBOUNDED = "unbounded below"
    """f fell without bound (solvers.run.divergence.BELOW)."""
    NOT_MINIMUM = "not a minimum"
    """It ended where ∇f ≈ 0 on a maximum or a saddle (solvers.run.stationary)."""
    STOPPED = "stopped"
