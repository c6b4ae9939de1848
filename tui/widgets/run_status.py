"""The run's status line: its phase, where it is, how fast, and what the keys do now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Static

if TYPE_CHECKING:
    from tui.run_controller import RunController

HINTS = {
    "ready": "r runs · n steps once",
    "running": "s stops · space pauses · n holds and steps",
    "paused": "space or r resumes · n steps once · s stops",
    "stepping": "n steps again · r runs the rest · s stops",
    "stopping": "stopping at the next iteration…",
    "finished": "r runs again · ctrl+r clears",
    "stopped": "r runs again · ctrl+r clears",
    "failed": "r tries again",
    "diverged": "",
}
"""What the keys do in each phase, shown under the numbers (the footer has the rest)."""


def clock(seconds: float) -> str:
    """Seconds as h:mm:ss or m:ss."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def status_text(controller: RunController, loading: bool) -> str:
    """Two lines: the phase and the numbers; then the rate and ETA, or what to do."""
    phase = controller.phase.value
    view = controller.view
    first = [phase]
    if loading and controller.phase.live and view is None:
        first = [f"{phase} (loading torch…)"]
    if view is not None:
        from solvers.regimes import said_regime  # not before the first frame

        settings = view.settings
        said = said_regime(settings.eta, view.facts, settings.optimizer, settings.schedule)
        if said is not None and said.kind is not None:  # plain descent's regimes only
            first[0] += f" · {said.label}"
    if view is not None and view.count:
        layout = view.layout
        last = view.rows[-1]
        total = max(controller.total, view.count)
        first.append(f"{view.count:,} of {total:,} iterations")
        first.append(f"f = {float(last[layout.objective]):.6g}")
        distance = view.distance(last[layout.params])
        if distance is not None:
            first.append(f"‖θ−θ*‖ = {float(distance):.3g}")
        else:
            from solvers.measures import grad_norm  # numpy: not at start-up

            first.append(f"‖∇f‖ = {float(grad_norm(last[layout.grads])):.3g}")
    second = HINTS[phase]
    if controller.report is not None and controller.report.divergence is not None:
        second = controller.report.divergence.message
    elif phase == "failed":
        second = controller.failure
    elif controller.phase.value == "running" and controller.rate > 0:
        eta = controller.eta_seconds
        second = f"{controller.rate:,.0f} it/s" + (f" · ETA {clock(eta)}" if eta else "")
    return " · ".join(first) + "\n" + second


class RunStatus(Static):
    """Two fixed lines, redrawn without a layout pass ten times a second."""

    def show(self, controller: RunController, *, loading: bool = False) -> None:
        self.update(status_text(controller, loading), layout=False)
