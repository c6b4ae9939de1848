"""B10: a class on one `gdlab serve`, measured with websocket clients on localhost.

Each client does what a browser tab does: opens ``/ws?width=W&height=H``, sends
``["resize", ...]``, and reads the app's output (binary frames). Its first frame
is the first output that shows "Chapter 1"; it is ready when torch has loaded
and the computed bound shows ("stable for η < 2"). Memory is the proportional
set size (PSS: shared pages split among the processes sharing them) summed over
the server's whole process group, so pages a fork shares are counted once.

Every client and the server stop by themselves: each client has a deadline, and
the server's process group is ended at the end, whatever happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

FIRST_FRAME = b"Chapter 1"
READY = "stable for η < 2".encode()
"""Chapter 1's computed bound: torch has loaded (before, the facts say 'η < …')."""
MARKS = (b"Chapter 1", b"Chapter 2", b"Chapter 3")
TAIL = 4096
"""Output kept from the last message, so a mark split between two is still seen
(kept short: 30 clients in one process must cost the apps little CPU)."""
SESSION_DEADLINE = 120.0


@dataclass
class Session:
    """One tab's websocket: when it connected, drew, and became ready."""

    opened: float = 0.0
    first_frame: float | None = None
    ready: float | None = None
    received: int = 0
    tail: bytes = b""
    seen: set[bytes] = field(default_factory=set)
    """Which of MARKS the tab has shown."""
    errors: list[str] = field(default_factory=list)

    @property
    def first_frame_s(self) -> float | None:
        return None if self.first_frame is None else self.first_frame - self.opened


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(port: int, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """`gdlab serve` on 127.0.0.1:PORT in its own process group, ended afterwards."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env=dict(os.environ, **(env or {})),
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gdlab serve did not start listening")
            time.sleep(0.1)
        yield server
    finally:
        end_group(server)


def end_group(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's process group, SIGKILL it if still there after 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
    deadline = time.monotonic() + 5
    while group_members(server.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)


def group_members(pgid: int) -> list[int]:
    """Live processes whose process group is ``pgid``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def group_pss_mib(pgid: int) -> float:
    """PSS of every process in the group, summed, in MiB."""
    total_kib = 0
    for pid in group_members(pgid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kib += int(line.split()[1])
    return total_kib / 1024


async def run_session(
    port: int,
    session: Session,
    stop: asyncio.Event,
    columns: int = 120,
    rows: int = 40,
    keys: str = "",
) -> None:
    """One tab: connect, resize, optionally type ``keys`` once drawn, read until ``stop``."""
    import aiohttp

    session.opened = time.perf_counter()
    deadline = session.opened + SESSION_DEADLINE
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(
                f"ws://127.0.0.1:{port}/ws?width={columns}&height={rows}",
                timeout=aiohttp.ClientWSTimeout(ws_close=5),
            ) as ws,
        ):
            await ws.send_str(json.dumps(["resize", {"width": columns, "height": rows}]))
            typed = not keys
            while not stop.is_set() and time.perf_counter() < deadline:
                try:
                    message = await ws.receive(timeout=0.25)
                except TimeoutError:
                    continue
                if message.type == aiohttp.WSMsgType.BINARY:
                    data = message.data
                    session.received += len(data)
                    window = session.tail + data
                    now = time.perf_counter()
                    if session.first_frame is None and FIRST_FRAME in window:
                        session.first_frame = now
                    if session.ready is None and READY in window:
                        session.ready = now
                    session.seen.update(mark for mark in MARKS if mark in window)
                    session.tail = window[-TAIL:]
                    if not typed and session.ready is not None:
                        typed = True
                        for key in keys:
                            await ws.send_str(json.dumps(["stdin", key]))
                elif message.type in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSED,
                    aiohttp.WSMsgType.ERROR,
                ):
                    break
    except (OSError, aiohttp.ClientError) as error:
        session.errors.append(repr(error))


async def _wait(test: object, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if test():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.1)
    return False


@dataclass
class ClassResult:
    first_frames: list[float]
    missing: int
    per_extra_mib: float
    one_session_mib: float
    total_mib: float


async def _class(port: int, pgid: int, together: int, settle: float) -> ClassResult:
    stop = asyncio.Event()
    tasks = []
    # the teacher's tab first: the server warms up; memory with one session
    first = Session()
    tasks.append(asyncio.create_task(run_session(port, first, stop)))
    if not await _wait(lambda: first.ready is not None, 90):
        stop.set()
        await asyncio.gather(*tasks)
        raise RuntimeError(f"the first session never became ready: {first.errors}")
    await asyncio.sleep(settle)
    one = group_pss_mib(pgid)
    # then the class, all at once
    students = [Session() for _ in range(together)]
    tasks += [asyncio.create_task(run_session(port, s, stop)) for s in students]
    await _wait(lambda: all(s.ready is not None or s.errors for s in students), 90)
    await asyncio.sleep(3)  # let every session settle (torch loaded, chunk compiled)
    total = group_pss_mib(pgid)
    stop.set()
    await asyncio.gather(*tasks)
    frames = sorted(s.first_frame_s for s in students if s.first_frame_s is not None)
    return ClassResult(
        frames,
        together - len(frames),
        (total - one) / together,
        one,
        total,
    )


def measure_class(
    together: int = 30, fork: bool = True, settle: float = 2.0, spares: int | None = None
) -> ClassResult:
    """One server, a first tab, ``settle`` seconds, then ``together`` tabs at once.

    A class's server has usually been up a while before the class opens the page:
    ``settle`` covers the fork server's spares being forked (after 10 s without a
    new tab).
    """
    port = free_port()
    env = {"GDLAB_SERVE_FORK": "1" if fork else "0"}
    if spares is not None:
        env["GDLAB_SERVE_SPARES"] = str(spares)
    with served(port, env) as server:
        return asyncio.run(_class(port, server.pid, together, settle))
