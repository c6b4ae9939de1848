"""The compare screen's run: the run controller's phase table and message family.

The compare's keys are the table's r, s and space columns (a compare has no
single step and no reset), and its worker posts the same messages as a chapter's.
Without an app: the host records the worker it is asked to start and runs nothing.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from textual.message import Message

import tui.app.compare_run
from solvers.chapters.registry import spec_of
from solvers.core.control import RunControl
from solvers.optim.choices import parse_optimizer
from solvers.run.members import CompareSettings
from solvers.run.settings import Outcome
from tui.app.compare_run import COMPARE, Members, MembersReport, drive_compare
from tui.app.messages import RunEnded, RunFailed, RunProgress, RunStarted
from tui.app.run_controller import KEYS, TABLE, Controller, Phase, cancel_all

SPEC = spec_of("1")
SETTINGS = CompareSettings.every([0.1, 0.4], [parse_optimizer("plain")], 5)
NO_MEMBERS = Members([], None, None)  # type: ignore[arg-type]


class FakeHost:
    """Records run_worker calls (the work is never run)."""

    def __init__(self) -> None:
        self.workers: list[dict[str, Any]] = []

    def run_worker(self, work: Any, **options: Any) -> None:
        self.workers.append(options)

    def post_message(self, message: Any) -> bool:
        return True


def read() -> tuple[Any, CompareSettings]:
    return SPEC, SETTINGS


def compare_in(phase: Phase) -> tuple[Controller[Members, MembersReport], FakeHost]:
    """A compare's controller brought to ``phase`` by keys and the worker's messages."""
    host = FakeHost()
    controller = Controller[Members, MembersReport](host, "", lambda: None, COMPARE)  # type: ignore[arg-type]
    if phase is Phase.IDLE:
        return controller, host
    controller.press("run", read)
    run_id = controller.run_id
    controller.started(RunStarted(run_id, NO_MEMBERS))
    if phase is Phase.PAUSED:
        controller.press("pause", read)
    elif phase is Phase.STOPPING:
        controller.press("stop", read)
    elif phase in (Phase.FINISHED, Phase.STOPPED):
        report = MembersReport([], stopped=phase is Phase.STOPPED, seconds=0.1)
        controller.ended(RunEnded(run_id, report))
    elif phase is Phase.FAILED:
        controller.failed(RunFailed(run_id, "RuntimeError: boom"))
    assert controller.phase is phase
    return controller, host


REACHED = (
    Phase.IDLE,
    Phase.RUNNING,
    Phase.PAUSED,
    Phase.STOPPING,
    Phase.FINISHED,
    Phase.STOPPED,
    Phase.FAILED,
)
"""The phases a compare reaches (it has no single step; it ends finished or stopped)."""


@pytest.mark.parametrize("phase", REACHED, ids=lambda phase: phase.name)
@pytest.mark.parametrize("key", KEYS)
def test_a_compares_keys_are_the_phase_tables_r_s_and_space(phase: Phase, key: str) -> None:
    controller, host = compare_in(phase)
    before = (controller.run_id, len(host.workers), controller.control)
    effect = controller.effect(key)
    controller.press(key, read)
    if key in ("step", "reset"):  # n and ctrl+r: no single step, no reset
        assert effect is None and controller.offered(key) is False
    else:
        assert effect == TABLE[phase].get(key)
    after = {"start": Phase.RUNNING, "stop": Phase.STOPPING, "pause": Phase.PAUSED}
    after["resume"] = Phase.RUNNING
    assert controller.phase is (after[effect] if effect is not None else phase)
    if effect == "start":
        assert len(host.workers) == before[1] + 1 and host.workers[-1]["group"] == "run"
        assert before[2] is None or before[2].cancelled, "the old run was not stopped"
    else:
        assert (controller.run_id, len(host.workers), controller.control) == before
    cancel_all()


def test_the_compare_worker_posts_the_run_message_family() -> None:
    """One RunStarted with the members, progress, one RunEnded with their results; the
    controller ends in the phase the results say, with every member's rows counted."""
    posted: list[Message] = []
    host = FakeHost()
    controller = Controller[Members, MembersReport](host, "", lambda: None, COMPARE)  # type: ignore[arg-type]
    controller.press("run", read)
    drive_compare(posted.append, threading.Lock(), controller.run_id, SPEC, SETTINGS, RunControl())
    assert type(posted[0]) is RunStarted and type(posted[-1]) is RunEnded
    assert {type(message) for message in posted[1:-1]} <= {RunProgress}
    controller.started(posted[0])  # type: ignore[arg-type]
    controller.ended(posted[-1])  # type: ignore[arg-type]
    assert controller.phase is Phase.FINISHED
    assert controller.view is not None and len(controller.view.runs) == 2
    assert controller.report is not None and controller.report.outcome is Outcome.FINISHED
    results = controller.report.results
    assert controller.count == max(result.iterations for result in results) == 5


def test_the_compare_run_has_no_messages_of_its_own() -> None:
    messages = [
        value
        for value in vars(tui.app.compare_run).values()
        if isinstance(value, type) and issubclass(value, Message)
    ]
    assert {message.__module__ for message in messages} == {"tui.app.messages"}
