"""``gdlab serve``: the app in a browser tab, through textual-serve.

Every tab gets its own app. What gdlab changes in textual-serve:

- the page (``serve_static/templates/app_index.html``) takes its fonts from this
  server rather than a web font host, adds a small glyph font for the header's
  ⭘, and focuses the terminal once the app has drawn (Textual's footer is blank
  while the app is told it has no focus, and keys reach the app only then);
- a port that is taken is refused in one line (exit 2) before anything is served.
"""

from __future__ import annotations

import argparse
import errno
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from solvers.validation import parse_int

STATIC = Path(__file__).with_name("serve_static")
EXIT_USAGE = 2


def port_in_use(host: str, port: int) -> str | None:
    """Why HOST:PORT cannot be served (one line), or None when it can.

    Binds every address HOST resolves to, as the web server will, with the same
    SO_REUSEADDR, then lets go.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        return f"host {host!r}: {error.strerror}"
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    return f"port {port} on {host} is already in use; choose another with --port"
                return f"cannot serve on {host}:{port}: {error.strerror}"
    return None


FIRST_FRAME_BYTES = 1024
"""Output after which the app has drawn: its start-up escapes are ~100 bytes."""


def make_server(command: str, host: str, port: int) -> Any:
    """textual-serve's Server with gdlab's page, fonts and focus hand-over."""
    import asyncio

    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, log, to_int

    class GdlabAppService(AppService):
        """Tells the app again that the page has focus once the app has drawn.

        Textual's web driver queues an AppBlur when the app starts. A focus the page
        sends before that blur is handled (the page focuses the terminal as soon as
        bytes arrive) was undone by it, and the footer stayed blank until the page
        was clicked. A blur queued at start is handled before the first frame is
        written, so a focus sent after it sticks.
        """

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.page_focused = False
            self.bytes_out = 0

        async def focus(self) -> None:
            self.page_focused = True
            await super().focus()

        async def blur(self) -> None:
            self.page_focused = False
            await super().blur()

        async def on_data(self, payload: bytes) -> None:
            await super().on_data(payload)
            before = self.bytes_out
            self.bytes_out += len(payload)
            if before < FIRST_FRAME_BYTES <= self.bytes_out and self.page_focused:
                await super().focus()

    class GdlabServer(Server):
        app_service_class = GdlabAppService

        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.router.add_static("/gdlab-fonts", STATIC / "fonts", name="gdlab-fonts")
            return app

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            """textual-serve's handler (1.1.3), with gdlab's app service."""
            websocket = web.WebSocketResponse(heartbeat=15)
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            app_service = None
            try:
                await websocket.prepare(request)
                app_service = self.app_service_class(
                    self.command,
                    write_bytes=websocket.send_bytes,
                    write_str=websocket.send_str,
                    close=websocket.close,
                    download_manager=self.download_manager,
                    debug=self.debug,
                )
                await app_service.start(width, height)
                try:
                    await self._process_messages(websocket, app_service)
                finally:
                    await app_service.stop()
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:
                log.exception(error)
            finally:
                if app_service is not None:
                    await app_service.stop()
            return websocket

    return GdlabServer(
        command, host=host, port=port, title="gdlab", templates_path=STATIC / "templates"
    )


def serve_command(args: argparse.Namespace) -> int:
    """Serve ``python -m tui`` on HOST:PORT; every browser tab gets its own app."""
    port = parse_int("port", args.port, 1, 65535)
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        print(
            "gdlab: serve needs textual-serve; install it with: pip install 'gdlab[serve]'",
            file=sys.stderr,
        )
        return 1
    refused = port_in_use(args.host, port)
    if refused is not None:
        print(f"gdlab: {refused}", file=sys.stderr)
        return EXIT_USAGE
    command = f"{shlex.quote(sys.executable)} -m tui"
    try:
        make_server(command, args.host, port).serve()
    except OSError as error:  # taken between the check and the bind
        print(f"gdlab: cannot serve on {args.host}:{port}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    return 0
