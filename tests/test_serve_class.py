"""`gdlab serve` for a class: tabs are forked from one warm process and stay apart.

Clients are websocket sessions on 127.0.0.1, as a browser tab's page opens them
(tui/bench/classroom.py, which B10 uses); each has a deadline, and the server's
whole process group is ended at the end. Speed is not asserted here (B10 in
`gdlab bench` measures it).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.bench.classroom import Session, free_port, group_members, run_session, served

pytestmark = pytest.mark.slow


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[1])


async def until(test, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout:.0f} s")
        await asyncio.sleep(0.05)


def fork_server_children(server_pid: int) -> list[int]:
    members = group_members(server_pid)
    warm = [p for p in members if p != server_pid and parent_of(p) == server_pid]
    return [p for p in members if warm and parent_of(p) == warm[0]]


def test_each_tab_is_its_own_forked_app_and_keys_reach_only_that_tab() -> None:
    """The tabs get spares, forked ahead of time (the next test forks per tab)."""
    port = free_port()
    with served(port) as server:

        async def scenario() -> None:
            await until(lambda: len(fork_server_children(server.pid)) >= 2, "two spares")
            stop = asyncio.Event()
            a, b = Session(), Session()
            # a types 3 once it is ready; b types nothing
            tasks = [
                asyncio.create_task(run_session(port, a, stop, keys="3")),
                asyncio.create_task(run_session(port, b, stop)),
            ]
            try:
                await until(lambda: a.ready is not None and b.ready is not None, "both tabs ready")
                await until(lambda: b"Chapter 3" in a.seen, "tab a showing chapter 3")
                await asyncio.sleep(2)  # b would show chapter 3 by now had a's key reached it
                assert b.seen == {b"Chapter 1"}, b.seen

                # the processes: the server, one warm process, and under it the tabs'
                # apps and the spares waiting for the next tabs; no app started apart
                members = set(group_members(server.pid))
                warm = [p for p in members if p != server.pid and parent_of(p) == server.pid]
                assert len(warm) == 1, f"expected one fork server, found {warm}"
                others = members - {server.pid, warm[0]}
                assert len(others) >= 2
                assert all(parent_of(p) == warm[0] for p in others)
            finally:
                stop.set()
                await asyncio.gather(*tasks)

        asyncio.run(scenario())


def test_the_apps_end_when_the_web_server_is_killed() -> None:
    """With no spares: the fork server forks the tab's app when it is asked."""
    port = free_port()
    with served(port, {"GDLAB_SERVE_SPARES": "0"}) as server:

        async def open_tab() -> None:
            stop = asyncio.Event()
            tab = Session()
            task = asyncio.create_task(run_session(port, tab, stop))
            await until(lambda: tab.first_frame is not None, "the tab's first frame")
            assert len(fork_server_children(server.pid)) == 1  # the tab's app, no spare
            # the web server dies without a chance to clean up
            os.kill(server.pid, signal.SIGKILL)
            stop.set()
            await task

        asyncio.run(open_tab())
        server.wait(timeout=10)
        deadline = time.monotonic() + 15
        while group_members(server.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert group_members(server.pid) == [], "the fork server or an app outlived the server"


RESEED_CHILDREN = """
import json, os, random, sys
import numpy, torch
from tui.serve.fork import _reseed
torch.manual_seed(0); numpy.random.seed(0); random.seed(0)
pipes = []
for _ in range(2):
    r, w = os.pipe()
    if os.fork() == 0:
        _reseed()
        os.write(w, json.dumps([torch.initial_seed(), int(numpy.random.randint(1 << 30)),
                                random.random()]).encode())
        os._exit(0)
    os.close(w)
    pipes.append(r)
print(json.dumps([json.loads(os.read(r, 1000)) for r in pipes]))
for _ in pipes:
    os.wait()
"""


def test_forked_apps_do_not_share_random_state() -> None:
    done = subprocess.run(
        [sys.executable, "-c", RESEED_CHILDREN], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    first, second = json.loads(done.stdout)
    for mine, theirs in zip(first, second, strict=True):
        assert mine != theirs
