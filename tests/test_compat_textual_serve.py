"""tui/compat/textual_serve.py: the textual-serve it was written for, and every private
name it uses, with the signatures its overrides rely on; on another textual-serve,
``gdlab serve`` runs textual-serve's own server."""

from __future__ import annotations

import hashlib
import inspect

import pytest

pytest.importorskip("textual_serve")

from compat_names import missing_names, parameters, resolve
from textual_serve.app_service import AppService
from textual_serve.server import Server

from tui.compat import textual_serve as compat
from tui.serve import web as serve_web


def test_the_installed_textual_serve_is_the_one_written_for() -> None:
    assert compat.TEXTUAL_SERVE.active(), compat.check()


def test_every_private_name_used_is_still_there() -> None:
    assert missing_names(compat.PRIVATE_NAMES) == []


def test_the_overridden_and_called_private_methods_keep_their_signatures() -> None:
    assert parameters(AppService._build_environment) == ["self", "width", "height"]
    assert parameters(AppService._open_app_process) == ["self", "width", "height"]
    assert parameters(Server._make_app) == ["self"]
    assert parameters(Server._process_messages) == ["self", "websocket", "app_service"]
    assert "TEXTUAL_DRIVER" in compat.app_environment_recipe()


def test_the_methods_gdlab_copies_are_unchanged() -> None:
    for name, digest in compat.COPIED.items():
        source = inspect.getsource(resolve(name))
        assert hashlib.sha256(source.encode()).hexdigest()[:16] == digest, name


def test_another_textual_serve_serves_with_its_own_server(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served: list[type] = []
    monkeypatch.setattr(compat.TEXTUAL_SERVE, "_active", False)
    monkeypatch.setattr(Server, "serve", lambda self, *a, **k: served.append(type(self)))
    monkeypatch.setattr(serve_web, "Zygote", lambda *a, **k: pytest.fail("no fork server"))
    serve_web.serve("gdlab", "localhost", 0, fork=True)
    assert served == [Server]
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "textual-serve" in said[0]
