"""tui/compat/textual.py: the Textual it was written for, and every private name it
uses, with the signatures its overrides and calls rely on. A new Textual fails here
first, loudly; then read tui/compat/textual.py (each override says why it is there)."""

from __future__ import annotations

import pytest
from compat_names import missing_names, parameters
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widgets import Footer, Input

from tui.app.shared_css import shared_stylesheet
from tui.compat import textual as compat


def test_the_installed_textual_is_the_one_written_for() -> None:
    assert compat.TEXTUAL.active(), compat.check()
    assert compat.check() is None


def test_every_private_name_used_is_still_there() -> None:
    assert missing_names(compat.PRIVATE_NAMES) == []


def test_the_overridden_and_called_private_methods_keep_their_signatures() -> None:
    assert parameters(Input._on_key) == ["self", "event"]
    assert parameters(Input._restart_blink) == ["self"]
    assert parameters(Stylesheet._parse_rules) == [
        "self", "css", "read_from", "is_default_rules", "tie_breaker", "scope",
    ]  # fmt: skip
    assert parameters(DOMNode._get_default_css) == ["self"]
    assert parameters(Stylesheet.reparse) == ["self"]


def test_another_textual_gets_textual_s_own_behaviour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compat.TEXTUAL, "_active", False)
    note = compat.check()
    assert note is not None and "\n" not in note and "textual" in note
    app = App[None]()
    assert compat.app_error(app) is None
    assert compat.footer_composed_keys(Footer()) is False
    assert shared_stylesheet(app) is app.stylesheet


def test_a_private_name_gone_from_the_library_is_reported() -> None:
    gone = {"textual.widgets.Input": ("_on_key", "_no_longer_here"), "textual._nowhere": ()}
    assert missing_names(gone) == ["textual.widgets.Input._no_longer_here", "textual._nowhere"]
