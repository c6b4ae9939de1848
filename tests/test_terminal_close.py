"""Closing the terminal ends the app, whatever it is doing (issue 21, item 17).

The app runs on a pseudo-terminal that is its controlling terminal, as a terminal
window, a tmux pane or ``ssh host gdlab`` gives it: it is the session leader, so
when the terminal goes (here: the master side is closed, as tmux and sshd do) the
kernel hangs the terminal up and sends it SIGHUP and then SIGCONT. Textual's Linux
driver took that SIGCONT for a return from Ctrl+Z and started writing to the dead
terminal again; the app then waited for ever in its shutdown (2 of 3 tries at the
first frame, 80x24, under tmux).
"""

from __future__ import annotations

import fcntl
import os
import random
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
FIRST_FRAME = b"Quit"
"""In the footer: on the terminal once the first frame is."""
TOO_SMALL = b"gdlab needs a terminal"
"""What a terminal too small for the app (30x8) shows instead."""
GONE_WITHIN = 10.0
"""Seconds after the terminal closes by which the process must have ended."""
ALT_SCREEN_ON = b"\x1b[?1049h"


def _take_the_terminal() -> None:
    """In the child, after ``setsid``: make stdin (the pty) the controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """``python -m tui`` on a pty that is its controlling terminal; output is kept."""

    def __init__(self, columns: int = 80, rows: int = 24) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        environment = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(ROOT))
        for name in ("NO_COLOR", "TEXTUAL_FPS", "COLUMNS", "LINES", "TEXTUAL_DRIVER"):
            environment.pop(name, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            cwd=ROOT,
            start_new_session=True,
            preexec_fn=_take_the_terminal,
            close_fds=True,
        )
        os.close(slave)
        self.first_frame = FIRST_FRAME if columns >= 80 else TOO_SMALL
        self.master: int | None = master
        self.output = bytearray()
        self._lock = threading.Lock()
        self._reading = True
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while self._reading:
            assert self.master is not None
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the app has ended: EIO
                return
            if not data:
                return
            with self._lock:
                self.output += data

    def seen(self, needle: bytes) -> bool:
        with self._lock:
            return needle in self.output

    def wait_for(self, needle: bytes, timeout: float = 60.0, *, every: bytes = b"") -> None:
        """Wait until ``needle`` is on the terminal, typing ``every`` each 0.5 s meanwhile."""
        deadline = time.monotonic() + timeout
        typed = 0.0
        while not self.seen(needle):
            if self.process.poll() is not None:
                raise AssertionError(f"the app ended ({self.process.returncode}) before {needle}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {needle!r} on the terminal after {timeout} s")
            if every and time.monotonic() - typed >= 0.5:
                self.send(every)
                typed = time.monotonic()
            time.sleep(0.01)

    def send(self, keys: bytes) -> None:
        assert self.master is not None
        os.write(self.master, keys)

    def close(self) -> None:
        """Close the terminal, as tmux's kill-session or a dropped SSH connection does."""
        self._reading = False
        self._reader.join()
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def everything(self) -> bytes:
        """All the app wrote, once it has ended (the reader stops at the pty's EIO)."""
        self._reader.join(timeout=GONE_WITHIN)
        with self._lock:
            return bytes(self.output)

    def ended_within(self, seconds: float) -> bool:
        try:
            self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return False
        return True

    def kill(self) -> None:
        """Whatever the test found: no process is left behind."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.master is not None:
            self._reading = False
            self._reader.join()
            os.close(self.master)
            self.master = None


# what each phase does before the terminal closes; a delay follows it
def _starting(terminal: Terminal) -> None:
    """Nothing: the close falls anywhere in the imports, the first frame, torch loading."""


def _first_frame(terminal: Terminal) -> None:
    terminal.wait_for(terminal.first_frame)


def _running(terminal: Terminal) -> None:
    terminal.wait_for(FIRST_FRAME)
    terminal.send(b"3")  # chapter 3: 30,000 iterations, still running when it closes
    terminal.wait_for(b"running \xc2\xb7", every=b"r")


def _paused(terminal: Terminal) -> None:
    _running(terminal)
    terminal.wait_for(b"paused \xc2\xb7", every=b" ")


def _dialog(terminal: Terminal) -> None:
    terminal.wait_for(FIRST_FRAME)
    terminal.wait_for(b"r runs again", every=b"r")  # chapter 1's 15 iterations, ended
    terminal.wait_for(b"enter checks", every=b"e")  # the export dialog, open


def _help(terminal: Terminal) -> None:
    terminal.wait_for(FIRST_FRAME)
    terminal.wait_for(b"gdlab keys", every=b"?")


PHASES = (_starting, _first_frame, _running, _paused, _dialog, _help)
SMALL_ENOUGH = {_starting, _first_frame}
"""The phases that 30x8 can show (the others wait for words it has no room for)."""


def _close_and_check(phase, delay: float, columns: int, rows: int, note: str) -> None:
    terminal = Terminal(columns, rows)
    try:
        try:
            phase(terminal)
        except AssertionError as error:
            pytest.fail(f"{note}: {phase.__name__} at {columns}x{rows}: {error}")
        time.sleep(delay)  # the random moment, not a wait for a condition
        terminal.close()
        alive = not terminal.ended_within(GONE_WITHIN)
        assert not alive, (
            f"{note}: gdlab (pid {terminal.process.pid}) still running {GONE_WITHIN} s "
            f"after its terminal closed, {phase.__name__} + {delay:.2f} s at {columns}x{rows}"
        )
    finally:
        terminal.kill()


def test_closing_the_terminal_at_the_first_frame_ends_the_app():
    """The issue's case: the first frame, torch still loading, 80x24."""
    _close_and_check(_first_frame, 0.0, 80, 24, "first frame")


@pytest.mark.slow
def test_closing_the_terminal_at_random_moments_leaves_no_process():
    """12 closes at random moments (0-4 s after each phase's action), every phase."""
    seed = int(os.environ.get("GDLAB_TEST_SEED", time.time_ns() % 1_000_000))
    chooser = random.Random(seed)
    for attempt in range(12):
        phase = PHASES[attempt % len(PHASES)]
        delay = chooser.uniform(0.0, 4.0 if phase is _starting else 2.0)
        sizes = [(80, 24), (120, 40), *([(30, 8)] if phase in SMALL_ENOUGH else [])]
        columns, rows = chooser.choice(sizes)
        _close_and_check(phase, delay, columns, rows, f"seed {seed}, try {attempt + 1}")


def test_a_sigcont_after_a_sighup_does_not_start_the_terminal_again():
    """The cause: SIGCONT, which the kernel sends after SIGHUP, restarted Textual's
    application mode (the alternate screen switched on a second time) with a new
    output thread, whose writes to a dead terminal fail. Here the terminal stays, so
    the second start shows on it."""
    terminal = Terminal(80, 24)
    try:
        terminal.wait_for(FIRST_FRAME)
        os.kill(terminal.process.pid, signal.SIGHUP)
        os.kill(terminal.process.pid, signal.SIGCONT)
        assert terminal.ended_within(GONE_WITHIN)
        assert terminal.process.returncode == 129
        out = terminal.everything()
        assert out.count(ALT_SCREEN_ON) == 1, out[-3000:]
        assert b"gdlab: ended by SIGHUP" in out
    finally:
        terminal.kill()


def test_the_watchdog_ends_a_process_whose_clean_up_hangs():
    """After SIGTERM or SIGHUP a process ends within seconds even if it never unwinds."""
    hung = (
        "import threading\n"
        "from tui.process import arm_watchdog\n"
        "arm_watchdog(129, 0.5)\n"
        "threading.Event().wait()  # a clean-up that never finishes\n"
    )
    done = subprocess.run(  # the deadline: TimeoutExpired if it did not end by then
        [sys.executable, "-c", hung],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=GONE_WITHIN,
    )
    assert done.returncode == 129, done.stderr
    assert done.stderr == "gdlab: ended by SIGHUP\n"
