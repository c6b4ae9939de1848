"""A footer that changes which keys are dimmed in place, without rebuilding itself.

Textual's Footer removes and mounts all its keys whenever the screen's bindings
may have changed: on every focus change and every ``refresh_bindings``. On the
chapter screen (~80 widgets) each rebuild asks for a layout of the whole screen,
and a pause or resume during a run (the bench's B3) paid for one. Where the
same keys are shown as before and only some turned on or off, this footer turns
those keys on or off as FooterKey's constructor does (its ``-disabled`` class and
its private ``_disabled`` flag; tests/test_widgets_unit.py checks both still mean
that); anything else is the Footer's own rebuild. The screens show the same run
keys through a run (dimmed where they do nothing now), so pausing and resuming
never rebuild it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen

Shown = tuple[tuple[str, str, str], ...]
"""(key, action, description) of each key the footer shows, in order."""


def shown_keys(screen: Screen[object]) -> tuple[Shown, dict[tuple[str, str], bool]]:
    """The keys a footer shows for ``screen``, and whether each is enabled now."""
    shown = []
    enabled: dict[tuple[str, str], bool] = {}
    for _, binding, on, _ in screen.active_bindings.values():
        if binding.show:
            shown.append((binding.key, binding.action, binding.description))
            enabled[(binding.key, binding.action)] = on
    return tuple(shown), enabled


class SteadyFooter(Footer):
    """Footer whose keys turn on and off in place when the same keys are shown."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._composed: Shown | None = None
        """The keys the last compose yielded (None before it has)."""

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._composed = shown_keys(self.screen)[0]
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._composed is not None and self.is_attached and screen is self.screen:
            shown, enabled = shown_keys(screen)
            if shown == self._composed:
                for key in self.query(FooterKey):
                    on = enabled.get((key.key, key.action))
                    if on is not None and key.has_class("-disabled") == on:
                        # what FooterKey's constructor sets: the class dims it, the
                        # private flag makes a click ring the bell instead of pressing
                        key._disabled = not on
                        key.set_class(not on, "-disabled")
                return
        super().bindings_changed(screen)
