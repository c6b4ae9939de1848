"""textual-serve's web server and app service, as ``gdlab serve`` runs them.

Imported only by ``gdlab serve`` (it needs textual-serve and aiohttp). See
``tui/serve/command.py`` for what changes for the user, ``tui/serve/fork.py`` for the
warm process that forks an app per tab.

textual-serve's private names are used through :mod:`tui.compat.textual_serve`
(an app's environment, a tab's app forked rather than started, routes for gdlab's
fonts, the websocket's message loop); on another textual-serve :func:`serve` runs
textual-serve's own server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server

from tui.compat.textual_serve import (
    LOGO,
    AppServiceBase,
    ServerBase,
    app_environment_recipe,
    log,
    to_int,
)
from tui.compat.textual_serve import check as check_textual_serve

STATIC = Path(__file__).with_name("static")
FIRST_FRAME_BYTES = 1024
"""Output after which the app has drawn: its start-up escapes are ~100 bytes."""
NICE_AFTER_FIRST_FRAME = 19
"""A tab's app yields the CPU to tabs still starting once it has drawn: with 30
opened together on 2 cores, the last first frame came at 4.9 s without this and
2.7 s with it (measured while designing this)."""
ZYGOTE_START_TIMEOUT = 60.0
EVERY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}
"""Hosts that bind every address of the machine: none of them is one to open."""


def page_address(path: str, public_url: str | None, *, websocket: bool = False) -> str:
    """Where the page finds PATH (a route's path on this server, such as ``/ws``).

    Without a public URL the address is relative to the page, so it works through
    whatever address the browser used (a name, an IP, localhost, a port forward):
    the page is served at ``/``, and its script makes the websocket's ``ws:`` or
    ``wss:`` address from the page's own. With one, under it, as textual-serve does.
    """
    if public_url is None:
        return path.lstrip("/")
    address = public_url.rstrip("/") + path
    if websocket:
        scheme = "wss:" if address.startswith("https:") else "ws:"
        address = scheme + address.split(":", 1)[1]
    return address


def where_to_open(host: str, port: int, public_url: str | None) -> str:
    """What ``gdlab serve`` prints on start: addresses a browser can open."""
    if public_url is not None:
        return f"Serving gdlab on {host}:{port}; open {public_url.rstrip('/')}/ in a browser"
    if host in EVERY_ADDRESS:
        return (
            f"Serving gdlab on every address of this machine, port {port}. Open\n"
            f"  http://localhost:{port}/ on this machine,\n"
            f"  http://<its name or IP address>:{port}/ from another."
        )
    shown = f"[{host}]" if ":" in host else host
    return f"Serving gdlab on http://{shown}:{port}/"


def app_environment(fps: int | None = None) -> dict[str, str]:
    """The environment textual-serve gives an app (its own recipe), less the size."""
    environment = app_environment_recipe()
    environment.pop("COLUMNS", None)
    environment.pop("ROWS", None)
    if fps is not None:
        environment["TEXTUAL_FPS"] = str(fps)
    return environment


class Zygote:
    """The web server's side of ``tui.serve.fork``: start it, ask it for apps."""

    def __init__(self, environment: dict[str, str]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui.serve.fork", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env=environment,
        )
        theirs.close()
        self.socket = ours
        self.reader = ours.makefile("rb")
        self.lock = threading.Lock()
        self.ready = False
        self.failed = False

    def _reply(self) -> dict[str, Any]:
        line = self.reader.readline()
        if not line:
            raise OSError("the fork server has exited")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def spawn(self, columns: int, rows: int, fds: list[int]) -> int:
        """Fork an app onto ``fds`` (its stdin, stdout, stderr); returns its pid."""
        with self.lock:
            if self.failed:
                raise OSError("the fork server is not running")
            try:
                if not self.ready:
                    self.socket.settimeout(ZYGOTE_START_TIMEOUT)
                    self._reply()  # {"ready": true} once everything is imported
                    self.socket.settimeout(None)
                    self.ready = True
                request = json.dumps({"columns": columns, "rows": rows}).encode()
                socket.send_fds(self.socket, [request], fds)
                reply = self._reply()
            except (OSError, ValueError):
                self.failed = True
                raise
            if "pid" not in reply:
                raise OSError(f"the fork server refused: {reply}")
            return int(reply["pid"])

    def close(self) -> None:
        """Close our end and SIGTERM it: the fork server ends its apps and exits (at
        once, too, while it is still importing)."""
        with contextlib.suppress(OSError):
            self.socket.close()
        with contextlib.suppress(OSError):
            self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


async def _pipe_reader(fd: int) -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(loop=loop)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
    )
    return reader


async def _pipe_writer(fd: int) -> asyncio.StreamWriter:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.connect_write_pipe(
        lambda: asyncio.streams.FlowControlMixin(loop=loop), os.fdopen(fd, "wb", buffering=0)
    )
    return asyncio.StreamWriter(transport, protocol, None, loop)


class GdlabAppService(AppServiceBase):
    """One tab's app: forked by the zygote when there is one; focus handed over.

    Textual's web driver queues an AppBlur when the app starts. A focus the page
    sends before that blur is handled (the page focuses the terminal as soon as
    bytes arrive) was undone by it, and the footer stayed blank until the page was
    clicked. A blur queued at start is handled before the first frame is written,
    so the page's focus is sent again once the app has drawn.
    """

    zygote: Zygote | None = None
    fps: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_focused = False
        self.bytes_out = 0
        self.pid: int | None = None

    def environment(self, environment: dict[str, str]) -> dict[str, str]:
        if self.fps is not None:
            environment["TEXTUAL_FPS"] = str(self.fps)
        return environment

    async def open_process(self, width: int, height: int) -> Any | None:
        zygote = self.zygote
        if zygote is None or zygote.failed:
            return None
        app_in, to_app = os.pipe()
        from_app, app_out = os.pipe()
        from_app_err, app_err = os.pipe()
        child_ends = [app_in, app_out, app_err]
        try:
            self.pid = await asyncio.to_thread(zygote.spawn, width, height, child_ends)
        except (OSError, ValueError) as error:
            log.error(f"fork server: {error}; starting the app as a process instead")
            for fd in (*child_ends, to_app, from_app, from_app_err):
                os.close(fd)
            return None
        for fd in child_ends:
            os.close(fd)
        process = SimpleNamespace(
            pid=self.pid,
            stdin=await _pipe_writer(to_app),
            stdout=await _pipe_reader(from_app),
            stderr=await _pipe_reader(from_app_err),
        )
        return process

    async def run(self) -> None:
        try:
            await super().run()
        finally:
            self.close_stdin()

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
        if before < FIRST_FRAME_BYTES <= self.bytes_out:
            if self.page_focused:
                await super().focus()
            if self.pid is not None:
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, self.pid, NICE_AFTER_FIRST_FRAME)


class GdlabServer(ServerBase):
    """textual-serve's server with gdlab's page, fonts and app service; the page's
    addresses work from the machine that opens it (see :func:`page_address`)."""

    app_service_class = GdlabAppService

    def __init__(
        self, command: str, host: str, port: int, title: str, page_url: str | None = None
    ) -> None:
        super().__init__(
            command,
            host=host,
            port=port,
            title=title,
            public_url=page_url,
            templates_path=STATIC / "templates",
        )
        self.page_url = page_url

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(LOGO, highlight=False)
        self.console.print(where_to_open(self.host, self.port, self.page_url), highlight=False)
        self.console.print("\n[cyan]Press Ctrl+C to quit")

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """textual-serve's page context (1.1.3), with gdlab's addresses.

        textual-serve writes ``http://HOST:PORT/...`` into the page from the host it
        binds: with ``--host 0.0.0.0`` that is no address another machine can open.
        """
        router = request.app.router
        websocket = str(router["websocket"].url_for())
        static = str(router["static"].url_for(filename="/")).rstrip("/") + "/"
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": page_address(websocket, self.page_url, websocket=True),
            "config": {"static": {"url": page_address(static, self.page_url)}},
            "application": {"name": self.title},
        }

    def add_routes(self, app: web.Application) -> None:
        app.router.add_static("/gdlab-fonts", STATIC / "fonts", name="gdlab-fonts")

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
                await self.process_messages(websocket, app_service)
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


def serve(
    command: str,
    host: str,
    port: int,
    *,
    fork: bool,
    fps: int | None = None,
    public_url: str | None = None,
) -> None:
    """Serve until interrupted; with ``fork``, tabs are forked from one warm process;
    ``public_url``: the address pages give for this server (default: their own).
    On a textual-serve other than the one written for, its own server, said in one line."""
    from tui.compat import check_at_start

    for note in check_at_start():  # the apps' libraries: each tab's app says it too
        print(note, file=sys.stderr)
    refused = check_textual_serve()
    if refused is not None:
        print(refused, file=sys.stderr)
        if fps is not None:
            os.environ["TEXTUAL_FPS"] = str(fps)
        Server(command, host=host, port=port, title="gdlab", public_url=public_url).serve()
        return
    GdlabAppService.fps = fps
    zygote = Zygote(dict(os.environ, **app_environment(fps))) if fork else None
    GdlabAppService.zygote = zygote
    try:
        GdlabServer(command, host, port, title="gdlab", page_url=public_url).serve()
    finally:
        if zygote is not None:
            zygote.close()
