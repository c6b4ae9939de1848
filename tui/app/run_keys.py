"""The run keys every screen that runs something binds: r, s and space. What each
does in each phase is the run controller's table (tui/app/run_controller.py)."""

from __future__ import annotations

from textual.binding import Binding

RUN_BINDINGS = (
    Binding("r", "key('run')", "Run"),
    Binding("s", "key('stop')", "Stop"),
    Binding("space", "key('pause')", "Pause"),
    Binding("space", "key('pause', 'resume')", "Resume"),  # in place of Pause, paused
)
