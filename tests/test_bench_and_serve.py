"""`gdlab bench` plumbing (no timings asserted: speed lives in the bench) and `gdlab serve`."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request

from book_outputs import CH3_FIRST_BLOCKS

from tui.bench import table
from tui.bench.measures import Figure, book_loop_ending, solver_run_ending


def test_unknown_figures_are_refused(gdlab):
    result = gdlab("bench", "--only", "B1,B13")
    assert result.code == 2
    assert "B13" in result.err and "B1, B2" in result.err


def test_the_book_loop_and_the_solver_run_the_same_iterations():
    # B1's two sides do the same work: the book's loop is the book's (two steps from
    # its start give its third printed block) ...
    w_line, b_line = CH3_FIRST_BLOCKS[12:14]
    printed = [float(v) for v in re.findall(r"-?\d+\.\d+", w_line + b_line)]
    _, after_two = book_loop_ending(2)
    assert [round(v, 4) for v in after_two] == printed == [0.1630, 0.1933, 0.0292]
    # ... and the solver's 50 updates land where the book's 50 do, bit for bit.
    _, book = book_loop_ending(50)
    _, solver = solver_run_ending(50)  # asserts inside that every iteration was recorded
    assert solver == book
    assert book != after_two


def test_the_table_says_whether_each_target_is_met():
    figures = [
        Figure("B1", "solver", 0.65, "x", "≤ 0.7", True, "detail one"),
        Figure("B4", "first frame", 0.9, "s", "≤ 0.4", False),
    ]
    text = table(figures)
    assert "0.65x" in text and "yes" in text
    assert "0.90 s" in text and "NO" in text
    assert "detail one" in text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_a_browser_on_localhost():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
                    page = reply.read().decode()
            except OSError:
                time.sleep(0.2)
        assert "<html" in page.lower()
        # relative: the page's script makes ws://HOST:PORT/ws from the address it was opened at
        assert 'data-session-websocket-url="ws"' in page
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_refuses_a_bad_port(gdlab):
    result = gdlab("serve", "--port", "99999")
    assert result.code == 2 and "port" in result.err


def test_serve_refuses_a_port_in_use_in_one_line_before_serving(gdlab):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = gdlab("serve", "--host", "127.0.0.1", "--port", str(port))
    assert result.code == 2
    assert result.out == ""  # nothing served, no "Serving … on http://…"
    assert result.err.count("\n") == 1 and "already in use" in result.err
    assert str(port) in result.err
