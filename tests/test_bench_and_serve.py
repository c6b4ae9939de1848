"""`gdlab bench` plumbing (no timings asserted: speed lives in the bench) and `gdlab serve`."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

from tui.bench import table
from tui.bench.measures import Figure, book_loop, solver_run


def test_unknown_figures_are_refused(gdlab):
    result = gdlab("bench", "--only", "B1,B9")
    assert result.code == 2
    assert "B9" in result.err and "B1, B2" in result.err


def test_the_book_loop_and_the_solver_run_the_same_iterations():
    assert book_loop(50) > 0
    assert solver_run(50) > 0  # asserts inside that every iteration was recorded


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
        assert f"ws://127.0.0.1:{port}/ws" in page
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
