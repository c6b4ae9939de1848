"""`gdlab serve`'s page works through any address of the server (issue 21, item 7).

`gdlab serve --host 0.0.0.0`, the README's classroom command, wrote
``ws://0.0.0.0:PORT/ws`` and ``http://0.0.0.0:PORT/static/…`` into the page, and a
student's browser on another machine could not start the app. Here the server binds
0.0.0.0 and the page is fetched through another address, 127.0.0.2 (loopback: no
other address is ever used), as a student's browser reaches it by the server's
name or IP: everything the page asks for, the websocket included, must go there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp
import pytest

from tui.serve.command import parse_public_url
from tui.serve.web import page_address, where_to_open

ROOT = Path(__file__).parents[1]
OTHER_ADDRESS = "127.0.0.2"
"""Loopback, but not the address a test usually uses: a stand-in for the server's
name or IP as a student's machine knows it."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(*options: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """`gdlab serve OPTIONS` on a free port, in its own process group, ended after."""
    port = free_port()
    environment = dict(os.environ, PYTHONPATH=str(ROOT), GDLAB_SERVE_SPARES="0", **(env or {}))
    server = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the fork server and the apps are in its group
        env=environment,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection((OTHER_ADDRESS, port), 1):
                break
            assert server.poll() is None, "gdlab serve exited before listening"
            assert time.monotonic() < deadline, "gdlab serve did not listen in 30 s"
            time.sleep(0.1)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)


class Addresses(HTMLParser):
    """Every address a page names: src, href, CSS url(...) and the websocket's."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.websocket: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("src", "href"):
                self.found.append(value)
            if name == "data-session-websocket-url":
                self.websocket = value

    def handle_data(self, data: str) -> None:
        self.found += re.findall(r"""url\(["']?([^"')]+)["']?\)""", data)


def read_page(url: str) -> Addresses:
    with urllib.request.urlopen(url, timeout=10) as reply:
        page = reply.read().decode()
    assert "0.0.0.0" not in page
    addresses = Addresses()
    addresses.feed(page)
    return addresses


def websocket_address(page_url: str, written: str) -> str:
    """What the page's script makes of the websocket address the server wrote."""
    address = urljoin(page_url, written)
    return re.sub(r"^http", "ws", address)


async def first_screen(url: str) -> bytes:
    """Open the websocket as textual.js does and read until the app shows Chapter 1."""
    seen = b""
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{url}?width=100&height=30") as ws,
    ):
        await ws.send_json(["resize", {"width": 100, "height": 30}])
        async with asyncio.timeout(90):
            async for message in ws:
                if message.type == aiohttp.WSMsgType.BINARY:
                    seen += message.data
                    if b"Chapter 1" in seen:
                        return seen
    raise AssertionError(f"the websocket closed before the app's first screen: {seen[-500:]!r}")


@pytest.mark.slow
def test_bound_to_every_address_the_page_works_through_another() -> None:
    with served("--host", "0.0.0.0") as port:
        page_url = f"http://{OTHER_ADDRESS}:{port}/"
        addresses = read_page(page_url)
        assert addresses.found and addresses.websocket is not None
        for written in addresses.found:
            resolved = urljoin(page_url, written)
            assert resolved.startswith(page_url), (written, resolved)
            if "/static/" in resolved or "/gdlab-fonts/" in resolved:
                with urllib.request.urlopen(resolved, timeout=10) as reply:
                    assert reply.status == 200, resolved
        socket_url = websocket_address(page_url, addresses.websocket)
        assert socket_url == f"ws://{OTHER_ADDRESS}:{port}/ws"
        assert b"Chapter 1" in asyncio.run(first_screen(socket_url))


def test_a_public_url_is_the_address_the_page_gives() -> None:
    public = "https://lab.example.org/gdlab"
    with served(
        "--host", "0.0.0.0", "--public-url", public + "/", env={"GDLAB_SERVE_FORK": "0"}
    ) as port:
        addresses = read_page(f"http://{OTHER_ADDRESS}:{port}/")
    assert addresses.websocket == "wss://lab.example.org/gdlab/ws"
    scripts = [a for a in addresses.found if a.endswith(".js")]
    assert scripts == ["https://lab.example.org/gdlab/static/js/textual.js"]


def test_page_addresses_are_relative_without_a_public_url() -> None:
    assert page_address("/ws", None, websocket=True) == "ws"
    assert page_address("/static/", None) == "static/"
    assert page_address("/ws", "http://lab:8000", websocket=True) == "ws://lab:8000/ws"
    assert page_address("/ws", "https://lab/a/", websocket=True) == "wss://lab/a/ws"
    assert page_address("/static/", "https://lab/a") == "https://lab/a/static/"


def test_the_start_line_names_an_address_a_browser_can_open() -> None:
    line = where_to_open("0.0.0.0", 8000, None)
    assert "0.0.0.0" not in line and "http://localhost:8000/" in line
    assert where_to_open("::", 8000, None) == where_to_open("0.0.0.0", 8000, None)
    assert where_to_open("lab", 8000, None) == "Serving gdlab on http://lab:8000/"
    assert where_to_open("::1", 8000, None) == "Serving gdlab on http://[::1]:8000/"
    assert "open https://lab/g/ in a browser" in where_to_open("0.0.0.0", 80, "https://lab/g")


@pytest.mark.parametrize(
    "text",
    ["lab:8000", "ftp://lab", "http://", "http://lab:port", "http://lab/?a=1", "http://lab#x"],
)
def test_a_bad_public_url_is_refused_naming_the_option(gdlab, text) -> None:
    result = gdlab("serve", "--public-url", text)
    assert result.code == 2
    assert result.err.startswith("gdlab: --public-url: ") and result.err.count("\n") == 1
    assert "http:// or https://" in result.err
    assert result.out == ""


def test_a_public_url_loses_only_its_final_slash() -> None:
    assert parse_public_url(None) is None
    assert parse_public_url(" https://lab.example.org/gdlab/ ") == "https://lab.example.org/gdlab"
    assert urlsplit(parse_public_url("http://[::1]:8000") or "").port == 8000
