"""Text fields whose editing keys take effect in the order they were typed.

After a burst of Backspaces, typed characters got lost (issue #10, item 8): Textual
runs an Input's bindings for non-printable keys only after the key has bubbled to the
App, while printable keys are inserted at once. :class:`OrderedInput` runs them
first; the override, and what exactly Textual does, are in
:class:`tui.compat.textual.InputKeysInOrder`.

Every text field of gdlab is one: its own fields are OrderedInputs, and Textual's
command palette is shown as :class:`OrderedCommandPalette`, whose field is one too
(tests/test_every_field_keeps_keys.py types a burst into each and checks that no
plain Input is left on any screen).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.command import CommandInput, CommandPalette

from tui.compat.textual import InputKeysInOrder

if TYPE_CHECKING:
    from textual.app import ComposeResult


class OrderedInput(InputKeysInOrder):
    """``Input`` with its editing keys applied in typing order (see module docstring)."""


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
