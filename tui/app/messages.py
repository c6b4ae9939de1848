"""Messages the run workers and the torch loader post to the UI.

One family for every kind of run (a chapter's descent, a compare's members):
what a run is shows only in the view a :class:`RunStarted` carries and the
report a :class:`RunEnded` carries. Posting never blocks the worker
(``call_from_thread`` would); progress messages replace each other in the
queue, so a slow UI sees the newest state, never a backlog. They carry
read-only views of the run, never the solver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from textual.message import Message

REFRESH_SECONDS = 0.1
"""A worker posts progress at most this often: about ten redraws a second."""

ViewT = TypeVar("ViewT")
"""What a screen reads of a run while it goes: a chapter's RunView, a compare's members."""
ReportT = TypeVar("ReportT")
"""How a run ended: a chapter's RunReport, a compare's results."""


@dataclass
class RunStarted(Message, Generic[ViewT]):
    """Run ``run_id`` exists (built in the worker, where torch is imported)."""

    run_id: int
    view: ViewT


@dataclass
class RunProgress(Message):
    """Run ``run_id`` has written more rows, or (``held``) is waiting for a key."""

    run_id: int
    held: bool = False
    after: tuple[float, ...] = field(default_factory=tuple)
    """While held after a single step: the parameters after it (for its explanation)."""
    fit: Any = None
    """The model's fit to its data after these rows (a network's FitPoints: numbers,
    computed by the worker), or None."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RunProgress) and message.run_id == self.run_id


@dataclass
class RunEnded(Message, Generic[ReportT]):
    """Run ``run_id`` ended: finished, stopped or diverged (see ``report``)."""

    run_id: int
    report: ReportT
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
class RunRefused(RunFailed):
    """Run ``run_id`` was refused before its first step; ``field`` is the field to flag
    (``reason`` names it too)."""

    field: str = ""


@dataclass
class SolverReady(Message):
    """torch has loaded; ``problems`` maps problem id to Problem, ``devices`` lists names."""

    problems: dict[str, Any]
    devices: list[str]


@dataclass
class SolverFailed(Message):
    """torch (or the solver) could not be imported; ``reason`` says why."""

    reason: str
