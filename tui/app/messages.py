"""Messages the run worker and the torch loader post to the UI.

Posting never blocks the worker (``call_from_thread`` would); progress messages
replace each other in the queue, so a slow UI sees the newest state, never a
backlog. They carry a read-only view of the run, never the solver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from solvers.run.settings import RunReport
    from solvers.run.view import RunView


@dataclass
class RunStarted(Message):
    """Run ``run_id`` exists (built in the worker, where torch is imported)."""

    run_id: int
    view: RunView


@dataclass
class RunProgress(Message):
    """Run ``run_id`` has written more rows, or (``held``) is waiting for a key."""

    run_id: int
    held: bool = False
    after: tuple[float, ...] = field(default_factory=tuple)
    """While held: the parameters after the last update (for the step explanation)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RunProgress) and message.run_id == self.run_id


@dataclass
class RunEnded(Message):
    """Run ``run_id`` ended: finished, stopped or diverged (see ``report``)."""

    run_id: int
    report: RunReport
    after: tuple[float, ...] = field(default_factory=tuple)
    """Parameters after the last update (shown by the single-step explanation)."""
    ending: dict[str, Any] = field(default_factory=dict)
    """``final`` and ``outcome``, as the JSON export writes them."""


@dataclass
class RunFailed(Message):
    """Run ``run_id`` raised; ``reason`` is the error's text."""

    run_id: int
    reason: str


@dataclass
class SolverReady(Message):
    """torch has loaded; ``problems`` maps problem id to Problem, ``devices`` lists names."""

    problems: dict[str, Any]
    devices: list[str]


@dataclass
class SolverFailed(Message):
    """torch (or the solver) could not be imported; ``reason`` says why."""

    reason: str
