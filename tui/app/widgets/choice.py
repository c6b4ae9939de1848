"""A Select that survives being removed before it has composed.

Textual mounts a widget's children when the widget composes, in its own task, a
moment after it was mounted. If the widget is removed in between, or the app
leaves (q pressed while a screen mounts its fields), it is marked for pruning and
its compose mounts nothing; its Mount handler runs all the same. Select's own
handler then looks up the overlay and the current value's label, which were never
mounted, and the NoMatches it raises ends the app.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Select


class Choice(Select[str]):
    """A Select of strings that skips its mount-time set-up when it has no children
    (it is being removed): there is nothing to show the options in."""

    def on_mount(self, event: events.Mount) -> None:
        # the overlay and the label inside the current value are what Select's own
        # _on_mount looks up (the label belongs to a child that composes on its own)
        if not self.query_children("SelectOverlay") or not self.query("SelectCurrent #label"):
            event.prevent_default()  # Select's handler (a base class's) is not called
