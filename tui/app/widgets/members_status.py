"""The compare screen's status line: its run's phase and where it is, in one line.

It reads the screen's run controller, as a chapter's status line
(:mod:`tui.app.widgets.run_status`) reads a chapter's, and shows the longest of its
forms that fits the line: a number is never cut at the line's end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.widgets import Static

from tui.app.run_controller import Phase

if TYPE_CHECKING:
    from tui.app.compare_run import Members, MembersReport
    from tui.app.run_controller import Controller


def status_forms(controller: Controller[Members, MembersReport]) -> list[str]:
    """What the line may say now, longest first."""
    phase, count = controller.phase, controller.count
    members = len(controller.view.runs) if controller.view is not None else 0
    if phase is Phase.IDLE:
        return ["ready: every η with every optimizer is a member; r runs them together"]
    if phase is Phase.FAILED:
        return [f"failed: {controller.failure}"]
    if phase in (Phase.FINISHED, Phase.STOPPED):
        done = f"{phase.value}: {members} members, {count:,} iterations"
        report = controller.report
        seconds = f"{report.seconds if report is not None else 0.0:.2f} s"
        return [f"{done}, batched, {seconds}", f"{done}, {seconds}", done]
    total = controller.total
    where = f"{phase.value}: iteration {count:,} of {total:,}"
    forms = [where, f"{phase.value}: {count:,}/{total:,}"]
    if members:
        forms.insert(0, f"{where}, {members} members batched")
    return forms


class MembersStatus(Static):
    """One line, fixed: updating it costs no layout pass (it follows progress at 10 Hz)."""

    def show(self, controller: Controller[Members, MembersReport]) -> None:
        forms = status_forms(controller)
        width = self.content_size.width
        text = next((form for form in forms if not width or cell_len(form) <= width), forms[-1])
        self.update(text, layout=False)
        # the line's class, not the screen's: see tui.app.screens.chapter._phase_class
        self.set_class(controller.phase is Phase.FAILED, "-failed")
