"""Every cell of the run controller's phase × key table, without an app.

The host stands in for the screen: it records the worker it is asked to start
and runs nothing, so each test puts the controller in a phase, presses a key and
checks what happened to the phase, the run control and the workers.
"""

from __future__ import annotations

from typing import Any

import pytest

from solvers.chapters.registry import spec_of
from solvers.run.settings import Divergence, Outcome, RunReport, RunSettings
from tui.app.messages import RunEnded, RunFailed, RunProgress
from tui.app.run_controller import KEYS, TABLE, Phase, RunController, RunRefused, cancel_all


class FakeHost:
    """Records run_worker calls (the work is never run) and posted messages."""

    def __init__(self) -> None:
        self.workers: list[dict[str, Any]] = []
        self.posted: list[Any] = []

    def run_worker(self, work: Any, **options: Any) -> None:
        self.workers.append(options)

    def post_message(self, message: Any) -> bool:
        self.posted.append(message)
        return True


SPEC = spec_of("1")
SETTINGS = RunSettings(0.4, 15)


def read() -> tuple[Any, RunSettings]:
    return SPEC, SETTINGS


def controller_in(phase: Phase) -> tuple[RunController, FakeHost]:
    """A controller brought to ``phase`` the way keys and the worker bring it there."""
    host = FakeHost()
    changes: list[Phase] = []
    controller = RunController(host, "1", lambda: changes.append(controller.phase))  # type: ignore[arg-type]
    if phase is Phase.IDLE:
        return controller, host
    if phase is Phase.STEPPING:
        controller.press("step", read)
        return controller, host
    controller.press("run", read)
    run_id = controller.run_id
    if phase is Phase.PAUSED:
        controller.press("pause", read)
    elif phase is Phase.STOPPING:
        controller.press("stop", read)
    elif phase in (Phase.FINISHED, Phase.STOPPED, Phase.DIVERGED, Phase.UNBOUNDED):
        outcome = {
            Phase.FINISHED: Outcome.FINISHED,
            Phase.STOPPED: Outcome.STOPPED,
            Phase.DIVERGED: Outcome.DIVERGED,
            Phase.UNBOUNDED: Outcome.UNBOUNDED,
        }[phase]
        divergence = None
        if outcome is Outcome.DIVERGED:
            divergence = Divergence(3, "why", 2.0)
        elif outcome is Outcome.UNBOUNDED:
            divergence = Divergence(3, "why", None, falling=True)
        controller.ended(RunEnded(run_id, RunReport(outcome, 3, 0.1, divergence)))
    elif phase is Phase.FAILED:
        controller.failed(RunFailed(run_id, "RuntimeError: boom"))
    elif phase is Phase.REFUSED:
        controller.failed(RunRefused(run_id, "start: f is not finite at the start", "start"))
    assert controller.phase is phase
    return controller, host


EXPECTED: dict[tuple[Phase, str], Phase | None] = {
    # (phase, key): the phase after the key, or None where the key does nothing
    (Phase.IDLE, "run"): Phase.RUNNING,
    (Phase.IDLE, "stop"): None,
    (Phase.IDLE, "pause"): None,
    (Phase.IDLE, "step"): Phase.STEPPING,
    (Phase.IDLE, "reset"): None,
    (Phase.RUNNING, "run"): None,
    (Phase.RUNNING, "stop"): Phase.STOPPING,
    (Phase.RUNNING, "pause"): Phase.PAUSED,
    (Phase.RUNNING, "step"): Phase.STEPPING,
    (Phase.RUNNING, "reset"): Phase.IDLE,
    (Phase.PAUSED, "run"): Phase.RUNNING,
    (Phase.PAUSED, "stop"): Phase.STOPPING,
    (Phase.PAUSED, "pause"): Phase.RUNNING,
    (Phase.PAUSED, "step"): Phase.STEPPING,
    (Phase.PAUSED, "reset"): Phase.IDLE,
    (Phase.STEPPING, "run"): Phase.RUNNING,
    (Phase.STEPPING, "stop"): Phase.STOPPING,
    (Phase.STEPPING, "pause"): Phase.RUNNING,
    (Phase.STEPPING, "step"): Phase.STEPPING,
    (Phase.STEPPING, "reset"): Phase.IDLE,
    (Phase.STOPPING, "run"): None,
    (Phase.STOPPING, "stop"): None,
    (Phase.STOPPING, "pause"): None,
    (Phase.STOPPING, "step"): None,
    (Phase.STOPPING, "reset"): Phase.IDLE,
    **{
        (phase, key): after
        for phase in (
            Phase.FINISHED,
            Phase.STOPPED,
            Phase.DIVERGED,
            Phase.UNBOUNDED,
            Phase.REFUSED,
            Phase.FAILED,
        )
        for key, after in (
            ("run", Phase.RUNNING),
            ("stop", None),
            ("pause", None),
            ("step", Phase.STEPPING),
            ("reset", Phase.IDLE),
        )
    },
}


def test_the_table_has_a_cell_for_every_phase_and_key():
    assert {(phase, key) for phase in Phase for key in KEYS} == set(EXPECTED)
    for (phase, key), after in EXPECTED.items():
        assert (TABLE[phase].get(key) is None) == (after is None), (phase, key)


@pytest.mark.parametrize(("phase", "key"), sorted(EXPECTED, key=lambda c: (c[0].name, c[1])))
def test_every_cell(phase: Phase, key: str) -> None:
    controller, host = controller_in(phase)
    before_control = controller.control
    before_workers = len(host.workers)
    before_run = controller.run_id
    controller.press(key, read)
    after = EXPECTED[(phase, key)]
    if after is None:
        assert controller.phase is phase, "a key that does nothing changed the phase"
        assert len(host.workers) == before_workers and controller.run_id == before_run
        return
    assert controller.phase is after
    effect = TABLE[phase][key]
    new_run = effect in ("start", "first_step")
    assert (len(host.workers) == before_workers + 1) == new_run, "one worker per new run"
    if new_run:
        assert controller.control is not before_control
        if before_control is not None:
            assert before_control.cancelled, "the old run was not stopped"
        assert controller.control is not None and not controller.control.cancelled
    elif effect == "stop":
        assert controller.control is not None and controller.control.cancelled
    elif effect == "pause":
        assert controller.control is not None and controller.control.held
    elif effect == "resume":
        assert controller.control is not None and not controller.control.held
    elif effect == "clear":
        assert controller.control is None and controller.view is None
        assert before_control is None or before_control.cancelled
        assert controller.run_id == before_run + 1, "the old run's messages still count"
    cancel_all()


def test_a_refused_read_starts_nothing():
    controller, host = controller_in(Phase.IDLE)
    controller.press("run", lambda: None)
    assert controller.phase is Phase.IDLE and not host.workers


def test_messages_of_an_old_run_are_ignored():
    controller, _ = controller_in(Phase.RUNNING)
    old = controller.run_id
    controller.press("reset", read)
    controller.progress(RunProgress(old, held=True, after=(1.0,)))
    controller.ended(RunEnded(old, RunReport(Outcome.FINISHED, 15, 0.1)))
    assert controller.phase is Phase.IDLE and controller.step_after is None


def test_no_rate_or_eta_unless_running():
    controller, _ = controller_in(Phase.RUNNING)
    controller.rate = 100.0
    controller.total = 1000
    assert controller.eta_seconds == pytest.approx(10.0)
    controller.press("pause", read)
    assert controller.eta_seconds is None
