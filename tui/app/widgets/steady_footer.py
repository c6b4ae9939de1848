"""A footer that changes which keys are dimmed in place, without rebuilding itself.

Textual's Footer removes and mounts all its keys whenever the screen's bindings may
have changed: on every focus change and every ``refresh_bindings``. On the chapter
screen (~80 widgets) each rebuild asks for a layout of the whole screen, which a
pause or resume during a run would wait for. Where the same keys are shown
as before and only some turned on or off, this footer turns those keys on or off as
FooterKey's constructor does (:func:`tui.compat.textual.set_footer_key_enabled`; on
another Textual every change is the Footer's own rebuild). Where a key stays in its
place but its binding changes (space: Pause while running, Resume while paused), its
FooterKey takes the new action and words in place; shorter words keep the key's
width (trailing blanks), longer ones ask for a layout pass, so a footer is laid out
again once, at its first Resume. Anything else is the Footer's own rebuild. The
screens show the same run keys through a run (dimmed where they do nothing now), so
pausing and resuming never rebuild it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.widgets import Footer

from tui.compat.textual import FooterKey, footer_composed_keys, set_footer_key_enabled

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
        if footer_composed_keys(self):
            self._composed = shown_keys(self.screen)[0]
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._composed is not None and self.is_attached and screen is self.screen:
            shown, enabled = shown_keys(screen)
            if shown != self._composed and self._relabel(shown):
                self._composed = shown
            if shown == self._composed:
                for key in self.query(FooterKey):
                    on = enabled.get((key.key, key.action))
                    if on is not None and key.has_class("-disabled") == on:
                        set_footer_key_enabled(key, on)
                return
        super().bindings_changed(screen)

    def _relabel(self, shown: Shown) -> bool:
        """Give each key whose binding changed in place its new action and words;
        False (nothing changed) where that cannot show what a rebuild would."""
        old = self._composed or ()
        if [key for key, _, _ in shown] != [key for key, _, _ in old]:
            return False
        changed = {
            (key, was_action): (action, words)
            for (key, was_action, was_words), (_, action, words) in zip(old, shown, strict=True)
            if (was_action, was_words) != (action, words)
        }
        actions = [action for _, action, _ in shown]
        if any(actions.count(action) > 1 for action, _ in changed.values()):
            return False  # the Footer would group it with another key: rebuild
        widgets = {(key.key, key.action): key for key in self.query(FooterKey)}
        targets = [widgets.get(place) for place in changed]
        if any(key is None or key.has_class("-grouped") for key in targets):
            return False
        for key, (action, words) in zip(targets, changed.values(), strict=True):
            assert key is not None
            room = cell_len(key.description)
            wider = cell_len(words) > room
            # shorter words keep the key's width (trailing blanks): no layout pass, so
            # only the first Pause -> Resume of a footer lays it out again
            key.action, key.description = action, words + " " * (room - cell_len(words))
            key.refresh(layout=wider)
        return True
