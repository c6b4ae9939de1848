"""Whether torch and the problems have loaded: the app's state that screens watch.

The app imports torch after its first frame; until then screens show what
needs no torch. The app publishes this as a reactive attribute and screens
watch it, so neither calls the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class SolverStatus(Enum):
    LOADING = "loading torch…"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class SolverState:
    """The solver as the app knows it right now."""

    status: SolverStatus = SolverStatus.LOADING
    problems: Mapping[str, Any] = field(default_factory=dict)
    """Problem id -> solvers.problems.problem.Problem, once loaded."""
    devices: tuple[str, ...] = ("auto", "cpu")
    """Devices this machine has; only auto and cpu until torch has loaded."""
    error: str = ""
    """Why torch could not be loaded (status FAILED)."""
