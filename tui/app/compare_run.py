"""The compare screen's run kind: its worker, and what its messages carry.

The worker builds the :class:`~solvers.run.compare.Comparison` (importing torch
there, off the UI thread), drives it, and posts the run message family of
:mod:`tui.app.messages`, as a chapter's worker does: the members' read-only views
once (:class:`Members`, in RunStarted), progress at most every REFRESH_SECONDS
and at the hold, and the results at the end (:class:`MembersReport`, in
RunEnded). It gets everything as arguments and never reads the screen; the one
way to stop or pause it is the RunControl it is given.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from solvers.core.control import RunControl
from solvers.core.specs import ProblemSpec
from solvers.run.members import CompareSettings
from tui.app.messages import REFRESH_SECONDS, RunEnded, RunProgress, RunStarted
from tui.app.run_controller import RunKind

if TYPE_CHECKING:
    from solvers.core.facts import Facts
    from solvers.run.compare import MemberResult, MemberRun
    from solvers.run.settings import Outcome


@dataclass(frozen=True)
class Members:
    """A compare's view: its members in the settings' order. The screen reads each
    one's ``view`` (rows, read-only) and ``diverged``, and nothing else."""

    runs: list[MemberRun]
    facts: Facts
    problem: Any
    """The members' :class:`~solvers.problems.problem.Problem`, for their landscape."""

    @property
    def count(self) -> int:
        """The most iterations any member has recorded (one that diverged stopped sooner)."""
        return max((run.view.count for run in self.runs), default=0)


@dataclass(frozen=True)
class MembersReport:
    """How a compare ended (finished or stopped): one result per member."""

    results: list[MemberResult]
    stopped: bool
    seconds: float

    @property
    def outcome(self) -> Outcome:
        """The run's, for the phase it ends in: a member's own is in its result."""
        from solvers.run.settings import Outcome

        return Outcome.STOPPED if self.stopped else Outcome.FINISHED


def drive_compare(
    post: Callable[[Any], object],
    one_run: threading.Lock,
    run_id: int,
    spec: ProblemSpec,
    settings: CompareSettings,
    control: RunControl,
) -> None:
    """Build the compare and run it to its end, posting as it goes."""
    from solvers.chapters.registry import problem_for
    from solvers.run.compare import Comparison

    comparison = Comparison(problem_for(spec), settings, control)
    members = Members(list(comparison.runs), comparison.facts, comparison.problem)
    post(RunStarted(run_id, members))
    with one_run:
        last = 0.0

        def held() -> None:
            """Every row so far, once the members are held (paused): the screen then
            draws the status and the table from the same rows."""
            post(RunProgress(run_id, held=True))

        for _ in comparison.run(on_hold=held):
            now = time.monotonic()
            if now - last >= REFRESH_SECONDS:
                post(RunProgress(run_id))
                last = now
        report = MembersReport(comparison.results(), comparison.stopped, comparison.seconds)
        post(RunEnded(run_id, report))


COMPARE = RunKind("compare", drive_compare, keys=("run", "stop", "pause"))
"""A compare's run: one Comparison; r, s and space (no single step, no reset)."""
