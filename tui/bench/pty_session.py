"""Driving the real app in a pseudo-terminal, as a user's terminal would.

The bench measures what a user pays: time to the first frame, key press to
screen update, and bytes written to the terminal. Only a real pty shows those,
so this starts ``python -m tui`` on one and records every byte with its time.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable


class PtySession:
    """``python -m tui`` on a pty of a given size; output is recorded with timestamps."""

    def __init__(
        self,
        columns: int = 120,
        rows: int = 40,
        env: dict[str, str] | None = None,
        command: list[str] | None = None,
    ) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        environment = dict(os.environ, TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
        environment.pop("NO_COLOR", None)
        # figures are for Textual's own frame rate unless a measure asks for another
        # (`gdlab bench` over SSH would otherwise pass on --fps's lower default)
        environment.pop("TEXTUAL_FPS", None)
        environment.update(env or {})
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command or [sys.executable, "-m", "tui"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.chunks: list[tuple[float, bytes]] = []
        self._lock = threading.Lock()
        self._closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._closed:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                if self.process.poll() is not None:
                    return
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.chunks.append((time.perf_counter(), data))

    def send(self, keys: str | bytes) -> float:
        """Type ``keys``; returns the time they were sent."""
        data = keys.encode() if isinstance(keys, str) else keys
        sent = time.perf_counter()
        os.write(self.master, data)
        return sent

    def bytes_between(self, start: float, end: float) -> int:
        with self._lock:
            return sum(len(data) for stamp, data in self.chunks if start <= stamp <= end)

    def wait_for(self, needle: bytes, since: float, timeout: float) -> float | None:
        """Time at which ``needle`` first appears in output after ``since``, or None."""
        return self.wait_until(lambda out: needle in out, since, timeout)

    def wait_until(
        self, test: Callable[[bytes], bool], since: float, timeout: float
    ) -> float | None:
        """Time of the chunk after which ``test(output since since)`` first holds, or None."""
        deadline = time.perf_counter() + timeout
        seen = bytearray()
        index = 0
        while time.perf_counter() < deadline:
            with self._lock:
                fresh = self.chunks[index:]
                index = len(self.chunks)
            for stamp, data in fresh:
                if stamp < since:
                    continue
                seen += data
                # the whole new chunk and what came just before it: a frame can be
                # many KiB with the word sought at its start
                if test(bytes(seen[-(len(data) + 4096) :])):
                    return stamp
            if self.process.poll() is not None:
                return None
            time.sleep(0.005)
        return None

    def close(self) -> None:
        """Quit the app (q), then make sure it is gone."""
        if self.process.poll() is None:
            try:
                self.send("q")
                self.process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=5)
        self._closed = True
        self._reader.join(timeout=1)
        os.close(self.master)
