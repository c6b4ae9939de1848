"""An Input whose editing keys take effect in the order they were typed.

The fault (issue #10, item 8; Textual 8.2.8): after a burst of Backspaces, typed
characters get lost. The cause is in how Textual dispatches a key to the focused
widget:

- ``App.on_event`` (textual/app.py) checks priority bindings, then forwards the
  Key to the focused widget with ``_forward_event``, which posts it to the
  widget's message queue.
- ``Input._on_key`` (textual/widgets/_input.py) inserts a printable character at
  once. A Backspace is not printable, so Input does nothing with it there.
- ``MessagePump._dispatch_message`` (textual/message_pump.py) then *bubbles* the
  Key: ``Message._bubble_to`` posts it to the parent's queue, and so on up to the
  App. Only ``App._on_key`` runs the non-priority bindings
  (``App._check_bindings`` walking ``Screen._modal_binding_chain`` from the
  focused widget up), where Input's own ``backspace -> delete_left`` is found.

So a Backspace takes effect only after a trip through every ancestor's queue,
while the Input goes on to insert the characters typed after it. When keys
arrive faster than that trip (a burst at terminal speed, more so while a run
keeps the screen's queues busy), a late Backspace deletes a character typed
after it: End, 30 x Backspace, ``0.123`` can end as ``0.12`` or ``0.1``. Any
non-printable key Input binds (Delete, arrows, Home/End, ctrl+w, ...) is
reordered the same way against printable ones.

The workaround: this Input runs its *own* bindings for a key in ``_on_key``,
before the next key is handled, and stops the event there. That is the binding
Textual would have chosen anyway (the focused widget's bindings come first in
the non-priority chain, and priority bindings were already checked before the
key was forwarded); keys the Input does not bind bubble exactly as before.

Every text field of gdlab is one: its own fields are OrderedInputs, and Textual's
command palette is shown as :class:`OrderedCommandPalette`, whose field is one too
(tests/test_every_field_keeps_keys.py types a burst into each and checks that no
plain Input is left on any screen).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.command import CommandInput, CommandPalette
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import ComposeResult


class OrderedInput(Input):
    """``Input`` with its editing keys applied in typing order (see module docstring)."""

    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if binding.priority:
                    continue  # already had its chance before the key was forwarded
                if await self.app.run_action(binding.action, self):
                    self._restart_blink()
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)


class OrderedCommandInput(CommandInput, OrderedInput):
    """The command palette's field, with its editing keys in typing order. CommandInput
    comes first: Textual's CSS type names (the palette's ``AUTO_FOCUS`` and styles
    select ``CommandInput``) follow only the first base class."""


class OrderedCommandPalette(CommandPalette):
    """Textual's command palette, its field an :class:`OrderedCommandInput`."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if type(widget) is CommandInput:
                widget = OrderedCommandInput(placeholder=widget.placeholder, select_on_focus=False)
            yield widget
