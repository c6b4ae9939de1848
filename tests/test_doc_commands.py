"""Every ``gdlab …`` command in the README's and docs/*.md's code blocks runs as written.

The commands are read from the documents when the tests are collected (rules in
tests/doc_commands.py). Each runs with the installed ``gdlab``, in a temporary folder
shared by the commands of one document (so a later line may read what an earlier one
wrote), with ``GDLAB_MAX_ITERATIONS`` set so that long runs end in seconds; a command
whose document states an exit code runs uncapped, since that code is a statement about
the full run. It must end with the stated code (0 unless the document says ``exit N``),
without "unexpected error" or a traceback.

What is not run as written, and why:

- the app (``gdlab`` alone, or with ``--plain``/``--fps``): it needs a terminal and a
  person at the keys; it runs with ``--help`` added, which checks its options;
- ``gdlab bench``: it measures for minutes, on a machine it must have to itself; it
  runs with ``--help`` added, and each figure ``--only`` names must exist;
- ``gdlab serve``: started on a free port instead of the written one (which another
  program may hold), its page fetched, then its whole process group ended;
- synopses (a word in ``[…]``): they are forms, not commands.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from doc_commands import DocCommand, doc_commands

from tui.cli.iteration_cap import ENV as CAP_ENV

ROOT = Path(__file__).parents[1]
GDLAB = str(Path(sys.executable).with_name("gdlab"))
"""The console script installed beside this interpreter (PATH may not hold it)."""
CAP = 200
"""Iterations a capped command runs: past every divergence the documents show."""
TIMEOUT = 300
COMMANDS = doc_commands(ROOT)
RUNNABLE = [c for c in COMMANDS if c.kind != "synopsis"]
FAILURE_WORDS = ("unexpected error", "Traceback")

pytestmark = pytest.mark.slow  # ~20 commands, each a fresh interpreter and torch


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> Callable[[DocCommand], Path]:
    """One working folder per document, shared by its commands in order, with the
    clone's example files where the documents name them (``examples/data/…``)."""
    made: dict[str, Path] = {}

    def folder(command: DocCommand) -> Path:
        if command.document not in made:
            made[command.document] = tmp_path_factory.mktemp("doc")
            (made[command.document] / "examples").symlink_to(ROOT / "examples")
        return made[command.document]

    return folder


def _environment(capped: bool, folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(GDLAB).parent) + os.pathsep + env.get("PATH", "")
    env["XDG_STATE_HOME"] = str(folder / ".state")  # a crash log stays here
    env.pop(CAP_ENV, None)
    if capped:
        env[CAP_ENV] = str(CAP)
    return env


def _check(command: DocCommand, code: int, out: str, err: str) -> None:
    said = (
        f"{command.id}: {command.text}\nexit {code}\nstdout: {out[-1500:]}\nstderr: {err[-3000:]}"
    )
    for word in FAILURE_WORDS:
        assert word not in out + err, said
    assert code == command.exit_code, said
    if command.diverges_at is not None:
        assert f"at iteration {command.diverges_at}" in err, said


def _run(command: DocCommand, argv: list[str] | None, folder: Path) -> None:
    capped = command.exit_code == 0
    done = subprocess.run(
        argv if argv is not None else ["bash", "-c", command.text],
        cwd=folder,
        env=_environment(capped, folder),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    _check(command, done.returncode, done.stdout, done.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _on_port(words: tuple[str, ...], port: int) -> list[str]:
    """``gdlab serve …`` as written, on ``port`` instead of the written one."""
    argv, skip = [GDLAB], False
    for word in words[1:]:
        if skip:
            skip = False
        elif word == "--port":
            skip = True
        elif not word.startswith("--port="):
            argv.append(word)
    return [*argv, "--port", str(port)]


def _host(words: tuple[str, ...]) -> str:
    """The address a browser on this machine uses for the host ``serve`` binds."""
    host = "localhost"
    for word, following in itertools.pairwise(words):
        if word == "--host":
            host = following
    for word in words:
        if word.startswith("--host="):
            host = word.split("=", 1)[1]
    return {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host, host)


def _serve(command: DocCommand, folder: Path) -> None:
    """Start the server on a free port in its own process group, fetch its page, then
    end the whole group (the apps it started are in it)."""
    port = free_port()
    url = f"http://{_host(command.words)}:{port}/"
    log = folder / f"serve-{command.line}.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            _on_port(command.words, port),
            cwd=folder,
            env=_environment(False, folder),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    page = ""
    try:
        deadline = time.monotonic() + 60
        while not page and time.monotonic() < deadline:
            assert server.poll() is None, f"{command.id}: ended before serving: {log.read_text()}"
            try:
                with urllib.request.urlopen(url, timeout=5) as reply:
                    page = reply.read().decode()
            except OSError:
                time.sleep(0.2)  # not listening yet: ask again
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):  # what the server started
            os.killpg(server.pid, signal.SIGKILL)
    said = log.read_text()
    assert "<html" in page.lower(), f"{command.id}: no page at {url}: {said[-3000:]}"
    for word in FAILURE_WORDS:
        assert word not in said, f"{command.id}: {said[-3000:]}"


def _bench_figures(words: tuple[str, ...]) -> list[str]:
    named: list[str] = []
    for word, following in itertools.pairwise(words):
        if word == "--only":
            named.extend(following.split(","))
    named.extend(w.split("=", 1)[1] for w in words if w.startswith("--only="))
    return [name.strip().upper() for name in named if name.strip()]


@pytest.mark.parametrize("command", RUNNABLE, ids=[c.id for c in RUNNABLE])
def test_the_documented_command_runs_as_written(
    command: DocCommand, folders: Callable[[DocCommand], Path]
) -> None:
    folder = folders(command)
    if command.kind == "shell":
        _run(command, None, folder)
    elif command.kind == "serve":
        _serve(command, folder)
    elif command.kind == "bench":
        from tui.bench import ALL

        assert set(_bench_figures(command.words)) <= set(ALL), command.id
        _run(command, [GDLAB, *command.words[1:], "--help"], folder)
    elif command.kind == "app":
        _run(command, [GDLAB, *command.words[1:], "--help"], folder)
    else:
        _run(command, [GDLAB, *command.words[1:]], folder)
