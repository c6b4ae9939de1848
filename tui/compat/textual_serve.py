"""textual-serve's private names that gdlab uses: written for textual-serve 1.1.

Its public names offer no way to change an app's environment, start a tab's app some
other way (forked from a warm process), add routes (gdlab's fonts) or build the app
service of a websocket: the hooks here are those ways. On another minor version
(:data:`tui.compat.TEXTUAL_SERVE` decides, once) ``gdlab serve`` says so in one line and runs
textual-serve's own ``Server`` instead (tui/serve/web.py). ``PRIVATE_NAMES`` lists
every private name used; tests/test_compat_textual_serve.py checks they are still there.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import LOGO, Server, log, to_int

from tui.compat import TEXTUAL_SERVE

__all__ = [
    "COPIED",
    "LOGO",
    "PRIVATE_NAMES",
    "TEXTUAL_SERVE",
    "AppServiceBase",
    "ServerBase",
    "app_environment_recipe",
    "check",
    "log",
    "to_int",
]


PRIVATE_NAMES: dict[str, tuple[str, ...]] = {
    "textual_serve.app_service.AppService": (
        "_build_environment", "_open_app_process", "_process", "_stdin",
    ),
    "textual_serve.server.Server": ("_make_app", "_process_messages"),
    "textual_serve.server": ("LOGO", "log", "to_int"),
}  # fmt: skip
"""Every private (or undocumented) name used here; an instance attribute counts where
AppService sets it in ``__init__``."""

COPIED: dict[str, str] = {
    "textual_serve.server.Server.handle_websocket": "87c0c9d50be81f45",
    "textual_serve.server.Server.handle_index": "c961f57f6af22bfe",
}
"""Methods tui/serve/web.py copies with changes (gdlab's app service, gdlab's page
addresses), with the first 16 hex digits of the sha256 of their source as written for:
a change there is one to carry over."""


def check() -> str | None:
    """Called once where ``gdlab serve`` starts: None, or the one line saying it runs
    textual-serve's own server."""
    return TEXTUAL_SERVE.check()


def app_environment_recipe() -> dict[str, str]:
    """The environment textual-serve gives an app (its own recipe, from its private
    ``AppService._build_environment``), at its default size."""
    environment: dict[str, str] = AppService._build_environment(
        SimpleNamespace(debug=False)  # type: ignore[arg-type]
    )
    return environment


class AppServiceBase(AppService):
    """textual-serve's app service with two hooks: :meth:`environment` and
    :meth:`open_process`."""

    def environment(self, environment: dict[str, str]) -> dict[str, str]:
        """The app's environment, given textual-serve's."""
        return environment

    async def open_process(self, width: int, height: int) -> Any | None:
        """The app's process (``pid``, ``stdin``, ``stdout``, ``stderr``) started some
        other way, or None: textual-serve starts it as a subprocess."""
        return None

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        return self.environment(super()._build_environment(width, height))

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        process = await self.open_process(width, height)
        if process is None:
            return await super()._open_app_process(width, height)
        self._process = process
        self._stdin = process.stdin
        return process

    def close_stdin(self) -> None:
        """Close the app's stdin, if it was opened."""
        if self._stdin is not None:
            self._stdin.close()


class ServerBase(Server):
    """textual-serve's server with a hook for routes (:meth:`add_routes`) and its
    websocket message loop callable (:meth:`process_messages`)."""

    def add_routes(self, app: web.Application) -> None:
        """Add routes to the server's web app, after textual-serve's own."""

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        self.add_routes(app)
        return app

    async def process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        """textual-serve's loop passing a websocket's messages to its app service."""
        await self._process_messages(websocket, app_service)
