"""`gdlab serve` in a real browser: headless Chromium driven by Playwright.

The test starts `gdlab serve --host 0.0.0.0` (the README's classroom command) on a
free port and opens the page through another address than the one bound,
127.0.0.2 (loopback, as every address here), as a student's browser reaches the
server by its name or IP: every request and the websocket must go there (issue 21,
item 7: the page named http://0.0.0.0:PORT). It reads the terminal's text, checks
the chapter screen, presses 3 and r, sees the run going, and saves a screenshot
(screenshots/last-browser-run.png, not tracked).

textual-serve's xterm.js draws on a canvas, so the page holds no text: the test
routes textual.js so it exposes its Terminal object, and reads the terminal's
buffer line by line, which is exactly the screen. Chromium is Debian's package
(`apt-get install -y --no-install-recommends chromium`; Playwright's own browser
download needs a host this network does not reach), or the one GDLAB_CHROMIUM
names. Where there is none the test skips and says why; in CI (CI=true) that is
a failure, so the browser test can never silently stop running there.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOT = ROOT / "screenshots" / "last-browser-run.png"
BOUND = "0.0.0.0"
OPENED = "127.0.0.2"
"""The address the browser opens: loopback, but not the one a server usually names."""
CHROMIUM_ARGS = [
    "--no-sandbox",  # root in a container: Chromium's sandbox needs user namespaces
    "--disable-gpu",
    # without these Chromium's own connections (updates, sync) wait on a closed network
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EXPOSE_TERMINAL = ("this.terminal=new v.Terminal(", "this.terminal=window.__xterm=new v.Terminal(")
SCREEN_JS = """() => {
  const t = window.__xterm;
  if (!t) return "";
  const lines = [];
  for (let y = 0; y < t.rows; y++) {
    const line = t.buffer.active.getLine(y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
}"""

pytestmark = pytest.mark.slow


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the browser test, but {reason}")
    pytest.skip(reason)


def chromium_path() -> str:
    """Chromium's executable, or skip (fail in CI) saying what is missing."""
    named = os.environ.get("GDLAB_CHROMIUM")
    found = named or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not os.access(found, os.X_OK):
        _missing(
            "no Chromium found (apt-get install -y --no-install-recommends chromium, "
            "or set GDLAB_CHROMIUM)"
        )
    return str(found)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`gdlab serve` in its own process group; the whole group is ended afterwards."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--host", BOUND, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its apps run in its group: one signal ends them all
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection((OPENED, port), 1):
                break
            assert server.poll() is None, "gdlab serve exited before listening"
            time.sleep(0.2)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        # the apps the server started are in its group too
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)


def wait_for_screen(page: Any, test: Any, what: str, timeout: float = 30) -> str:
    """The terminal's text once ``test(text)`` holds; fails naming ``what`` and the screen."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = page.evaluate(SCREEN_JS)
        if test(text):
            return str(text)
        time.sleep(0.1)
    pytest.fail(f"the browser never showed {what} in {timeout:.0f} s; the screen was:\n{text}")


def test_the_served_app_runs_a_chapter_in_headless_chromium() -> None:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[dev]' -c constraints.txt)")
    port = free_port()
    requested: list[str] = []
    websockets: list[str] = []
    with served(port), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(15_000)

            def expose_terminal(route: Any) -> None:
                reply = route.fetch()
                body = reply.text()
                assert EXPOSE_TERMINAL[0] in body, "textual.js changed: update EXPOSE_TERMINAL"
                route.fulfill(response=reply, body=body.replace(*EXPOSE_TERMINAL))

            page.route("**/textual.js", expose_terminal)
            page.on("request", lambda request: requested.append(request.url))
            page.on("websocket", lambda websocket: websockets.append(websocket.url))
            page.goto(f"http://{OPENED}:{port}/")

            # the first screen: chapter 1, the header, and the footer's keys. The
            # footer is blank while the app thinks the page has no focus.
            screen = wait_for_screen(
                page,
                lambda s: "Chapter 1" in s and "stable for η < 2" in s and "Quit" in s,
                "chapter 1 with its footer",
                timeout=60,
            )
            lines = screen.splitlines()
            assert "gdlab — gradient descent" in lines[0]
            assert "⭘" in lines[0]
            assert re.search(r"\br Run\b.*\bq Quit\b", screen), screen
            # the page's fonts come from this server, and the header's ⭘ has a glyph
            assert page.evaluate("document.fonts.check(\"16px 'Roboto Mono'\", '\\u2b58')")
            assert all(url.startswith(f"http://{OPENED}:{port}/") for url in requested), (
                "the page asked another host: " + ", ".join(u for u in requested if OPENED not in u)
            )
            # the app on screen came through the address the browser opened
            assert [url.split("?")[0] for url in websockets] == [f"ws://{OPENED}:{port}/ws"]

            # keys go to the terminal without a click
            page.wait_for_function(
                "document.activeElement && "
                "document.activeElement.classList.contains('xterm-helper-textarea')"
            )
            page.keyboard.press("3")
            wait_for_screen(page, lambda s: "Chapter 3" in s, "chapter 3 after pressing 3")
            page.keyboard.press("r")
            # the run is going: its progress has moved past 0 % (or it is already done)
            screen = wait_for_screen(
                page,
                lambda s: bool(re.search(r"\b(?:[1-9]\d?|100)% |finished", s)),
                "the run going after pressing r",
                timeout=60,
            )
            SHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOT))
            assert "Chapter 3" in screen
        finally:
            browser.close()
