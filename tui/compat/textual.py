"""Textual's private names that gdlab uses: written for Textual 8.2.

On another minor version (:data:`tui.compat.TEXTUAL` decides, once) each override here steps
aside and Textual's own behaviour runs: keys as Textual orders them, a Footer that
rebuilds itself, a stylesheet per app. ``PRIVATE_NAMES`` lists every private name
used; tests/test_compat_textual.py checks they are still there, with the signatures
relied on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.css.stylesheet import Stylesheet
from textual.widgets import Input

from tui.compat import TEXTUAL

if TYPE_CHECKING:
    from textual.app import App
    from textual.css.model import RuleSet
    from textual.css.types import CSSLocation
    from textual.dom import DOMNode
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

__all__ = [
    "PRELOAD_MODULES",
    "PRIVATE_NAMES",
    "TEXTUAL",
    "CachingStylesheet",
    "FooterKey",
    "InputKeysInOrder",
    "app_error",
    "check",
    "default_css",
    "footer_composed_keys",
    "parse_source",
    "set_footer_key_enabled",
    "stylesheet_variables",
]


PRIVATE_NAMES: dict[str, tuple[str, ...]] = {
    "textual.widgets.Input": ("_on_key", "_restart_blink", "_bindings"),
    "textual.widgets._footer": ("FooterKey",),
    "textual.widgets._footer.FooterKey": ("_disabled",),
    "textual.widgets.Footer": ("_bindings_ready",),
    "textual.css.stylesheet.Stylesheet": (
        "_parse_rules", "_variables", "_invalid_css", "_rules", "_rules_map", "_require_parse",
    ),
    "textual.dom.DOMNode": ("_get_default_css",),
    "textual.app.App": ("_exception",),
    "textual.widgets._markdown": (),
    "textual.widgets._progress_bar": (),
}  # fmt: skip
"""Every private module and attribute used here (an instance attribute counts where
Textual sets it in ``__init__``)."""


def check() -> str | None:
    """Called once at start-up: None, or the one line saying the overrides are off."""
    return TEXTUAL.check()


class InputKeysInOrder(Input):
    """An Input that runs its own bindings for a non-printable key before the next key.

    Textual's bug: a focused Input inserts a printable key at once (``Input._on_key``)
    but its own bindings for the others (Backspace, Delete, arrows, ctrl+w) run only
    once the Key has bubbled through every ancestor's queue to ``App._on_key``, so in
    a fast burst (End, 30 x Backspace, ``0.123``) a late Backspace deletes a character
    typed after it.

    The binding run here is the one Textual would have chosen anyway: the focused
    widget's bindings come first in the non-priority chain, and priority bindings were
    checked before the key was forwarded. Keys the Input does not bind bubble as before.
    """

    async def _on_key(self, event: events.Key) -> None:
        if TEXTUAL.active() and not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                if binding.priority:
                    continue  # already had its chance before the key was forwarded
                if await self.app.run_action(binding.action, self):
                    self._restart_blink()
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)


def __getattr__(name: str) -> object:
    """``FooterKey``, from its private module, imported when first asked for: the
    footer is drawn after the first frame, which goes without it."""
    if name == "FooterKey":
        from textual.widgets._footer import FooterKey

        return FooterKey
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def footer_composed_keys(footer: Footer) -> bool:
    """The footer's compose yields its keys now (Textual's ``_bindings_ready``); always
    False on another Textual, so a steady footer leaves every change to Footer's rebuild.

    Why a footer keeps its keys: Textual's Footer removes and mounts all its keys on
    every focus change and ``refresh_bindings``, and each rebuild lays out the whole
    screen (a pause during a run paid for one)."""
    return TEXTUAL.active() and bool(footer._bindings_ready)


def set_footer_key_enabled(key: FooterKey, on: bool) -> None:
    """Turn a shown key on or off as FooterKey's constructor does: the ``-disabled``
    class dims it, the private ``_disabled`` flag makes a click ring the bell."""
    key._disabled = not on
    key.set_class(not on, "-disabled")


def stylesheet_variables(stylesheet: Stylesheet) -> dict[str, str]:
    """The CSS variables (the theme) ``stylesheet`` parses with."""
    variables: dict[str, str] = stylesheet._variables
    return variables


def default_css(node: DOMNode) -> list[tuple[CSSLocation, str, int, str]]:
    """The DEFAULT_CSS sources of ``node``'s class and its bases, as Textual
    registers them: (where from, css, tie breaker, scope)."""
    sources: list[tuple[CSSLocation, str, int, str]] = node._get_default_css()
    return sources


def parse_source(
    stylesheet: Stylesheet,
    css: str,
    read_from: CSSLocation,
    is_default_rules: bool,
    tie_breaker: int,
    scope: str,
) -> list[RuleSet]:
    """Parse one CSS source with ``stylesheet``, as Textual does on start."""
    rules: list[RuleSet] = stylesheet._parse_rules(
        css, read_from, is_default_rules, tie_breaker, scope
    )
    return rules


class CachingStylesheet(Stylesheet):
    """Textual's stylesheet, its parse of each source routed through
    :meth:`cached_parse`, and its ``reparse`` building one of its own kind.

    Not a bug, a cost: Textual parses every source when an app starts and again when
    the first screen's CSS is refreshed (the refresh builds a fresh stylesheet)."""

    def cached_parse(
        self, key: tuple[Any, ...], parse: Callable[[], list[RuleSet]]
    ) -> list[RuleSet]:
        """The rule sets of the source ``key`` names; ``parse()`` makes them."""
        return parse()

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        def parse() -> list[RuleSet]:
            return super(CachingStylesheet, self)._parse_rules(
                css, read_from, is_default_rules, tie_breaker, scope
            )

        return self.cached_parse((css, read_from, is_default_rules, tie_breaker, scope), parse)

    def copy(self) -> Stylesheet:
        stylesheet = type(self)(variables=self._variables.copy())
        stylesheet.source = self.source.copy()
        return stylesheet

    def reparse(self) -> None:
        """Textual's ``Stylesheet.reparse``, with one of this kind as the fresh one."""
        stylesheet = type(self)(variables=self._variables)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            stylesheet.add_source(
                css,
                read_from=read_from,
                is_default_css=is_defaults,
                tie_breaker=tie_breaker,
                scope=scope,
            )
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)
            raise
        else:
            self._rules = stylesheet.rules
            self._rules_map = None
            self.source = stylesheet.source
            self._require_parse = False


def app_error(app: App[Any]) -> BaseException | None:
    """The exception that ended ``app``, where Textual kept one (None on another
    Textual: the caller then goes by the return code and the error console)."""
    if not TEXTUAL.active():
        return None
    error: BaseException | None = app._exception
    return error


PRELOAD_MODULES: tuple[str, ...] = ("textual.widgets._markdown", "textual.widgets._progress_bar")
"""Textual's private modules the app imports lazily (the help screen's Markdown, the
controls' progress bar): ``gdlab serve``'s warm process imports them before forking."""
