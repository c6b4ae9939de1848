"""The compare screen's worker and the messages it posts.

The worker builds the :class:`~solvers.run.compare.Comparison` (importing torch
there, off the UI thread), drives it, and posts what the screen draws: the
members' read-only views once, a progress tick at most every REFRESH_SECONDS,
and the results at the end. It gets everything as arguments and never reads
the screen; the one way to stop or pause it is the RunControl it is given.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

from solvers.core.control import RunControl
from solvers.core.specs import ProblemSpec
from solvers.run.members import CompareSettings
from tui.app.run_controller import REFRESH_SECONDS

if TYPE_CHECKING:
    from solvers.core.facts import Facts
    from solvers.run.compare import MemberResult, MemberRun


@dataclass
class CompareStarted(Message):
    """Compare ``run_id`` exists: its members in the settings' order. The screen reads
    each one's ``view`` (rows, read-only) and ``diverged``, and nothing else."""

    run_id: int
    members: list[MemberRun]
    facts: Facts
    problem: Any
    """The members' :class:`~solvers.problems.problem.Problem`, for their landscape."""


@dataclass
class CompareProgress(Message):
    """Compare ``run_id`` has written more rows (the newest replaces any queued one)."""

    run_id: int
    count: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CompareProgress) and message.run_id == self.run_id


@dataclass
class CompareEnded(Message):
    """Compare ``run_id`` ended (finished or stopped): one result per member."""

    run_id: int
    results: list[MemberResult]
    stopped: bool
    seconds: float


@dataclass
class CompareFailed(Message):
    """Compare ``run_id`` raised; ``reason`` is the error's text."""

    run_id: int
    reason: str


def drive_compare(
    post: Callable[[Any], object],
    run_id: int,
    spec: ProblemSpec,
    settings: CompareSettings,
    control: RunControl,
) -> None:
    """Build the compare and run it to its end, posting as it goes."""
    try:
        from solvers.chapters.registry import problem_for
        from solvers.run.compare import Comparison

        comparison = Comparison(problem_for(spec), settings, control)
        post(CompareStarted(run_id, list(comparison.runs), comparison.facts, comparison.problem))
        last = 0.0

        def held() -> None:
            """Every row so far, once the members are held (paused): the screen then
            draws the status and the table from the same rows."""
            post(CompareProgress(run_id, comparison.count))

        for batch in comparison.run(on_hold=held):
            now = time.monotonic()
            if now - last >= REFRESH_SECONDS:
                post(CompareProgress(run_id, batch.stop))
                last = now
        post(CompareEnded(run_id, comparison.results(), comparison.stopped, comparison.seconds))
    except Exception as error:  # shown on the screen; the app stays up
        post(CompareFailed(run_id, f"{type(error).__name__}: {error}"))
