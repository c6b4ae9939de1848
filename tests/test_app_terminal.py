"""The app and its terminal (issue #10, items 1 and 7, and the app's endings):
NO_COLOR with the plots on screen, stdin that is not a terminal, signals, a crash.

The pty tests start the real app (``python -m tui``) on a pseudo-terminal, as a
user's terminal would, through tui/bench/pty_session.py.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest
from app_helpers import live_ready, resized, wait_until
from rich.segment import Segment
from textual.color import Color
from textual.filter import Monochrome
from textual.strip import Strip

from tui.app.app import GdlabApp
from tui.bench.headless import ready_screen, run_to_end
from tui.bench.pty_session import PtySession
from tui.compat.textual_plot import StyledCanvas

ROOT = Path(__file__).parents[1]
PYTHON_M_TUI = [sys.executable, "-m", "tui"]
FIRST_FRAME = b"gradient descent"
"""In the header's subtitle: on the terminal once the first frame is."""
TERMINAL_GIVEN_BACK = (b"\x1b[?1049l", b"\x1b[?25h", b"\x1b[?1000l")
"""Alternate screen off, cursor shown, mouse reporting off."""


# ------------------------------------------------------------------ NO_COLOR


@pytest.mark.slow
async def test_no_color_with_the_plots_on_screen_runs_a_chapter(monkeypatch):
    """Item 1: NO_COLOR at 120x40 crashed once the plots mounted (Textual's Monochrome
    filter got a segment with no style from textual-hires-canvas's Canvas)."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = GdlabApp(start_chapter="2")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await ready_screen(app, pilot)
        await wait_until(pilot, lambda: live_ready(screen), "the plots", 30)
        assert screen.query_one("#plots").display
        await run_to_end(pilot, screen)
        await pilot.pause()  # a frame with the run's curves
        await resized(pilot, 80, 24)
        await resized(pilot, 200, 60)
        assert screen.controller.count == 10


async def test_no_color_resize_from_small_to_large_shows_the_plots(monkeypatch):
    """At 80x24 the plots are hidden; a resize that shows them crashed."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = GdlabApp(start_chapter="1")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await ready_screen(app, pilot)
        await wait_until(pilot, lambda: live_ready(screen), "the (hidden) plots", 30)
        assert not screen.query_one("#plots").display
        await resized(pilot, 120, 40)
        await wait_until(pilot, lambda: screen.query_one("#plots").display, "the plots shown")
        await pilot.pause()  # a frame with them


def test_every_canvas_line_has_a_style_the_monochrome_filter_accepts():
    canvas = StyledCanvas(4, 2)
    for y in (0, 1, 5):  # 5: below the canvas, where Canvas answers an unstyled blank
        strip = canvas.render_line(y)
        assert all(segment.style is not None for segment in strip)
        Monochrome().apply(list(strip), Color(0, 0, 0))
    # the cause, in Textual: Monochrome cannot take a segment with no style
    with pytest.raises(AttributeError):
        Monochrome().apply(list(Strip([Segment("")])), Color(0, 0, 0))


# ------------------------------------------------------------ the terminal


def _session(command: list[str] | None = None, **env: str) -> PtySession:
    return PtySession(
        120,
        40,
        env={"PYTHONPATH": str(ROOT), "XDG_STATE_HOME": env.pop("XDG_STATE_HOME", ""), **env},
        command=command or PYTHON_M_TUI,
    )


def _finish(session: PtySession, timeout: float = 30.0) -> tuple[int, bytes]:
    """Wait for the app to end; its exit code and everything it wrote."""
    try:
        code = session.process.wait(timeout=timeout)
    except Exception:
        session.process.kill()
        raise
    finally:
        time.sleep(0.2)  # let the reader collect the last bytes
        session.close()
    return code, b"".join(data for _, data in session.chunks)


@pytest.mark.parametrize("redirect", ["<&-", "</dev/null"])
def test_app_without_a_keyboard_says_it_needs_a_terminal(redirect):
    """Item 7: `gdlab <&-` crashed and exited 0; `gdlab < /dev/null` drew and then
    ignored every key, q included."""
    session = _session(["/bin/sh", "-c", f'exec "$0" -m tui {redirect}', sys.executable])
    code, out = _finish(session)
    assert code == 2, out
    assert b"standard input is not a terminal" in out
    assert b"Traceback" not in out
    assert b"\x1b[?1049h" not in out  # never drew


@pytest.mark.parametrize(
    ("signum", "code"),
    [
        (signal.SIGTERM, 143),
        pytest.param(signal.SIGHUP, 129, marks=pytest.mark.slow),
        pytest.param(signal.SIGINT, 130, marks=pytest.mark.slow),
    ],
)
def test_app_ended_by_a_signal_gives_the_terminal_back(signum, code, tmp_path):
    session = _session(XDG_STATE_HOME=str(tmp_path))
    assert session.wait_for(FIRST_FRAME, 0.0, 60) is not None, "no first frame"
    os.kill(session.process.pid, signum)
    returncode, out = _finish(session)
    assert returncode == code, out[-2000:]
    tail = out[out.rindex(b"\x1b[?1049l") :] if b"\x1b[?1049l" in out else b""
    for sequence in TERMINAL_GIVEN_BACK:
        assert sequence in out, sequence
    name = signal.Signals(signum).name.encode()
    line = b"gdlab: interrupted" if signum == signal.SIGINT else b"gdlab: ended by " + name
    assert tail.count(b"gdlab: ") == 1 and line in tail
    assert b"Traceback" not in out


@pytest.mark.slow
def test_app_crash_is_one_line_naming_a_log_and_never_exit_0(tmp_path):
    crash = (
        "import sys\n"
        "from tui.app.app import GdlabApp\n"
        "def broken(self):\n"
        "    raise ZeroDivisionError('a fault on purpose')\n"
        "GdlabApp.action_help = broken\n"
        "from tui.cli.command import main\n"
        "sys.exit(main([]))\n"
    )
    session = _session([sys.executable, "-c", crash], XDG_STATE_HOME=str(tmp_path))
    assert session.wait_for(FIRST_FRAME, 0.0, 60) is not None, "no first frame"
    time.sleep(0.5)
    session.send("?")
    code, out = _finish(session)
    assert code == 1, out[-2000:]
    for sequence in TERMINAL_GIVEN_BACK:
        assert sequence in out, sequence
    tail = out[out.rindex(b"\x1b[?1049l") :]
    assert b"Traceback" not in out
    assert tail.count(b"gdlab: ") == 1
    assert b"gdlab: unexpected error (ZeroDivisionError: a fault on purpose)" in tail
    logs = list((tmp_path / "gdlab").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]).encode() in tail.replace(b"\r\n", b"")
    assert "a fault on purpose" in logs[0].read_text()
