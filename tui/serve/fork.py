"""A warm process that forks one gdlab app per browser tab (``gdlab serve``).

Started as textual-serve does it, every tab would start a Python that imports
Textual, the app and torch anew: about 1.5 s of CPU and 250 MB a tab, so a class
of 30 opening the page together waited tens of seconds on a 2-core server. Here
one process (the *zygote*) imports all of that once, parses every stylesheet an
app will need (tui/app/shared_css.py), runs no torch operation and starts no thread,
freezes what it made out of the garbage collector's reach (``gc.freeze()``), and
then forks a child per tab. A child shares those pages with the zygote until it
writes to them, and imports and parses nothing before its first frame.

Protocol, over a Unix socket pair the web server created: the server sends one
JSON line ``{"columns": W, "rows": H}`` with the tab's three pipe ends (the app's
stdin, stdout, stderr) as SCM_RIGHTS; the zygote forks, the child puts the pipes
on fds 0, 1 and 2 and runs the app; the zygote answers ``{"pid": N}``. The zygote
reaps its children, and when the web server goes (its end of the socket closes)
it ends every child and exits. Each child reseeds its random generators, so no two
tabs draw the same start, and shares nothing with another tab but read-only pages:
one student's input never reaches another's screen.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import importlib
import json
import os
import pkgutil
import select
import signal
import socket
import sys
import time

MAX_FDS = 3
SPARES = int(os.environ.get("GDLAB_SERVE_SPARES", "32"))
"""Children kept forked and waiting for a tab (see Spares): a class opening the
page together gets its apps without waiting for forks."""
SPARE_AFTER_QUIET = 10.0
"""Seconds without a new tab before spares are forked again: never while a class is
still opening the page (each fork costs this process tens of milliseconds of CPU,
which the apps starting need)."""
PACKAGES_TO_WARM = ("solvers", "tui.app.widgets", "tui.app.screens")
"""Every module of these is imported before forking (import errors are skipped),
so a tab's child imports nothing that the zygote could have."""
NEVER_WARM = {"tui.serve.fork", "tui.bench"}


def _warm_imports() -> None:
    """Import what a tab's app will import, without running a torch operation."""
    import textual.app  # reads TEXTUAL_* from the environment, once
    import textual.drivers.web_driver
    import textual.widgets  # noqa: F401

    import tui.app.app
    import tui.app.launch  # noqa: F401

    with contextlib.suppress(ImportError):
        import numpy
        import numpy.random  # noqa: F401  (a child reseeds it before its first frame)
        import torch  # noqa: F401
    for package_name in PACKAGES_TO_WARM:
        try:
            package = importlib.import_module(package_name)
        except ImportError:
            continue
        for module in pkgutil.walk_packages(package.__path__, package_name + "."):
            if module.name in NEVER_WARM:
                continue
            with contextlib.suppress(Exception):
                importlib.import_module(module.name)
    # imported lazily by the app: the help screen, the plots, the controls' progress bar
    from tui.compat.textual import PRELOAD_MODULES

    for name in (*PRELOAD_MODULES, "textual_plot"):
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    from rich.cells import cell_len

    cell_len("⭘")  # the header's icon: loads rich's table of character widths, once


def _warm_css() -> None:
    """Parse the CSS an app parses on start, and every imported widget's, once here:
    a tab's app then finds it parsed (tui/app/shared_css.py)."""
    from tui.app.app import GdlabApp
    from tui.app.shared_css import warm

    with contextlib.suppress(Exception):  # an app that cannot parse its CSS says so itself
        warm(GdlabApp())


def _reseed() -> None:
    """Fresh random state in a child: forked generators would repeat each other."""
    import random

    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.seed()


def _run_child(fds: list[int], columns: int, rows: int) -> None:
    """In the forked child: become the tab's app. Never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        os.environ["COLUMNS"] = str(columns)
        os.environ["ROWS"] = str(rows)
        _reseed()
        from tui.app.launch import launch_app

        code = launch_app()
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _end_children(children: set[int]) -> None:
    """SIGTERM every child, then SIGKILL those still there after 2 s."""
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 2
    while children and time.monotonic() < deadline:
        _reap(children)
        time.sleep(0.05)
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    while children:
        try:
            pid, _ = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        children.discard(pid)


def _reap(children: set[int]) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children.discard(pid)


class Spares:
    """Children forked ahead of time, each waiting on its own socket for a tab.

    Forking this process takes tens of milliseconds of CPU, and while 30 tabs start
    together the forks queue behind each other and compete with the apps already
    starting: the 30th tab was forked only after 4.3 s. A spare is forked while
    nothing else happens; handing it a tab is one message.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.waiting: collections.deque[tuple[int, socket.socket]] = collections.deque()

    def fork(self, control: socket.socket, children: set[int]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                ours.close()
                for _, other in self.waiting:
                    other.close()
                message, fds, _, _ = socket.recv_fds(theirs, 4096, MAX_FDS)
                theirs.close()
                if not message or len(fds) != MAX_FDS:
                    os._exit(0)  # the fork server has gone, or shut down
                request = json.loads(message)
            except BaseException:
                os._exit(1)
            _run_child(fds, int(request["columns"]), int(request["rows"]))
        theirs.close()
        children.add(pid)
        self.waiting.append((pid, ours))

    def hand_over(self, request: bytes, fds: list[int], children: set[int]) -> int | None:
        """Give a tab to a waiting spare; its pid, or None when none is left."""
        while self.waiting:
            pid, ours = self.waiting.popleft()
            try:
                socket.send_fds(ours, [request], fds)
            except OSError:  # that spare has died
                continue
            finally:
                ours.close()
            return pid
        return None

    def close(self) -> None:
        for _, ours in self.waiting:
            ours.close()
        self.waiting.clear()


def zygote(control_fd: int, spares_wanted: int = SPARES) -> None:
    """Serve fork requests on ``control_fd`` until the web server closes it."""
    control = socket.socket(fileno=control_fd)
    # Ctrl+C in the server's terminal reaches its whole process group: the web server
    # stops, closes its end of the socket, and this process then ends its apps.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _warm_imports()
    _warm_css()
    gc.collect()
    gc.freeze()
    children: set[int] = set()
    spares = Spares(spares_wanted)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        control.sendall(b'{"ready": true}\n')
    except OSError:
        return  # the web server stopped while this process was importing
    quiet_since = time.monotonic()
    try:
        while True:
            filling = len(spares.waiting) < spares.size
            ready, _, _ = select.select([control], [], [], 0.05 if filling else 1.0)
            _reap(children)
            if not ready:
                # fork spares only while no tab has asked for a while: never in a rush
                if filling and time.monotonic() - quiet_since >= SPARE_AFTER_QUIET:
                    spares.fork(control, children)
                continue
            quiet_since = time.monotonic()
            message, fds, _, _ = socket.recv_fds(control, 4096, MAX_FDS)
            if not message:
                return  # the web server has gone
            request = json.loads(message)
            if len(fds) != MAX_FDS:
                for fd in fds:
                    os.close(fd)
                control.sendall(b'{"error": "expected 3 fds"}\n')
                continue
            pid = spares.hand_over(message, fds, children)
            if pid is None:
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    control.close()
                    spares.close()
                    _run_child(fds, int(request["columns"]), int(request["rows"]))
                children.add(pid)
            for fd in fds:
                os.close(fd)
            control.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    finally:
        spares.close()
        _end_children(children)


if __name__ == "__main__":
    zygote(int(sys.argv[1]))
