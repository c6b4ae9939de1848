"""Parsed CSS that every gdlab app in a process shares.

Textual parses app.tcss and each widget class's DEFAULT_CSS into rule sets when an
app starts, and parses them all again when the first screen's CSS is refreshed: its
cache belongs to one stylesheet, and the refresh builds a fresh stylesheet. Here
the parsed rule sets are kept for the process, keyed as Textual keys them plus the
CSS variables (the theme) they were parsed with, so the second parse of a start,
and every parse of a tab forked from ``gdlab serve``'s warm process (which calls
:func:`warm` before forking), finds them done. Rule sets are not changed once
parsed, so sharing them is safe.

Textual's private stylesheet methods this needs are in :mod:`tui.compat.textual`
(on another Textual the app keeps Textual's own stylesheet and :func:`warm` parses
nothing); tests/test_shared_css.py checks that an app started after :func:`warm`
parses nothing.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.css.stylesheet import Stylesheet
from textual.widget import Widget

from tui.compat.textual import (
    TEXTUAL,
    CachingStylesheet,
    default_css,
    parse_source,
    stylesheet_variables,
)

if TYPE_CHECKING:
    from textual.app import App
    from textual.css.model import RuleSet
    from textual.css.types import CSSLocation

MAX_ENTRIES = 4096
"""Sources × themes kept; past this the cache starts again (a theme picked from the
command palette adds an entry per source)."""

_PARSED: dict[tuple[Any, ...], list[RuleSet]] = {}
parses = 0
"""How many sources this process has parsed (the others came from the cache)."""


def _variables_key(variables: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(variables.items()))


class SharedStylesheet(CachingStylesheet):
    """Textual's stylesheet, with its parsed rule sets shared by the process."""

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._theme_key = _variables_key(stylesheet_variables(self))

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        self._theme_key = _variables_key(stylesheet_variables(self))

    def cached_parse(
        self, key: tuple[Any, ...], parse: Callable[[], list[RuleSet]]
    ) -> list[RuleSet]:
        global parses
        key = (*key, self._theme_key)
        rules = _PARSED.get(key)
        if rules is None:
            rules = parse()
            parses += 1
            if len(_PARSED) >= MAX_ENTRIES:
                _PARSED.clear()
            _PARSED[key] = rules
        return rules


def shared_stylesheet(app: App[Any]) -> Stylesheet:
    """The stylesheet ``app`` should use: a shared one, with the theme it has now
    (Textual's own where the Textual installed is not the one written for)."""
    if not TEXTUAL.active():
        return app.stylesheet
    return SharedStylesheet(variables=stylesheet_variables(app.stylesheet))


def _widget_classes() -> Iterable[type[Widget]]:
    """Every Widget subclass imported so far (screens included)."""
    seen: set[type[Widget]] = set()
    todo: list[type[Widget]] = [Widget]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo.extend(cls.__subclasses__())
    return seen


def warm(app: App[Any]) -> int:
    """Parse what ``app`` would parse on start, and the DEFAULT_CSS of every widget
    class imported so far (from each class's place in its own hierarchy, as Textual
    registers it), into the shared cache; returns the number of sources parsed.

    For ``gdlab serve``'s warm process: the apps it forks then parse no CSS.
    """
    stylesheet = app.stylesheet
    if not isinstance(stylesheet, SharedStylesheet):
        return 0
    before = parses
    sources: list[tuple[CSSLocation, str, bool, int, str]] = []
    for path in app.css_path:
        filename = os.path.expanduser(path)
        with open(filename, encoding="utf-8") as css_file:
            sources.append(((os.path.abspath(filename), ""), css_file.read(), False, 0, ""))
    for read_from, css, tie_breaker, scope in default_css(app):
        sources.append((read_from, css, True, tie_breaker, scope))
    if app.CSS:
        try:
            app_path = inspect.getfile(app.__class__)
        except (TypeError, OSError):
            app_path = ""
        sources.append(((app_path, f"{app.__class__.__name__}.CSS"), app.CSS, False, 0, ""))
    for cls in _widget_classes():
        # _get_default_css reads only the class: an instance that was never set up will do
        try:
            class_css = default_css(object.__new__(cls))
        except Exception:  # a class that cannot stand in: its app parses it, as before
            continue
        for read_from, css, tie_breaker, scope in class_css:
            sources.append((read_from, css, True, tie_breaker, scope))
    for read_from, css, is_default, tie_breaker, scope in sources:
        try:
            parse_source(stylesheet, css, read_from, is_default, tie_breaker, scope)
        except Exception:  # a widget's broken CSS is the app's to report, if it mounts one
            continue
    return parses - before
