"""Opening the app, or explaining why not when there is no terminal."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import os
import signal
import sys
from types import FrameType
from typing import TYPE_CHECKING

from tui.process import (
    ENDING_SIGNALS,
    EXIT_USAGE,
    Ended,
    arm_watchdog,
    report_crash,
    say,
    say_ended,
    signal_handlers,
)

if TYPE_CHECKING:
    from textual.app import App

NOT_A_TERMINAL = (
    "gdlab: standard output is not a terminal, so the app would fill it with escape codes.\n"
    "Run a chapter headless instead, for example:\n"
    "  gdlab run 3 --format csv --output ch3.csv\n"
    "  gdlab run 1 --seed 0\n"
    "See `gdlab run --help`."
)

NO_KEYBOARD = (
    "gdlab: standard input is not a terminal, so the app could not read a key (not even q).\n"
    "Start it from a terminal, or run a chapter headless: gdlab run 1"
)


def _is_terminal(stream: object) -> bool:
    try:
        return stream is not None and bool(stream.isatty())  # type: ignore[attr-defined]
    except (OSError, ValueError):  # a closed stream
        return False


def _exit_on_signal(app: App[None]) -> object:
    """A signal handler that asks the running app to leave with code 128 + N, so
    Textual gives the terminal back (alternate screen off, mouse off, cursor shown).

    SIGTERM and SIGHUP also arm the watchdog (``tui.process.arm_watchdog``): the
    process ends within seconds even if that clean-up cannot finish. SIGHUP also
    drops Textual's SIGCONT handler (:func:`_ignore_sigcont`).
    """

    def handler(signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGHUP:
            _ignore_sigcont()
        if signum in ENDING_SIGNALS:
            arm_watchdog(128 + signum)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the app is not running (yet, or any more): unwind
            if signum == signal.SIGINT:
                raise KeyboardInterrupt from None
            raise Ended(signum) from None
        loop.call_soon_threadsafe(lambda: app.exit(return_code=128 + signum))

    return handler


def _ignore_sigcont() -> None:
    """SIGCONT back to its default (continue, no handler): after a hang-up it is not
    a return from Ctrl+Z, and after the app it has no app to resume.

    The kernel sends SIGHUP and then SIGCONT to a session leader whose terminal
    hangs up (the process a tmux pane, ``ssh host gdlab`` or a terminal window
    runs). Textual's Linux driver takes every SIGCONT for a resume after Ctrl+Z and
    starts application mode again: a second output thread, whose first write to the
    dead terminal fails (EIO) and ends it. Its queue (30 writes) then fills, and the
    app's shutdown waited for ever to put its last write there (``LinuxDriver.close``
    → ``WriterThread.stop`` → ``Queue.put``). Python runs the handlers of signals
    that arrived together in the order of their numbers, SIGHUP (1) before SIGCONT
    (18), and skips a handler that is no longer a Python function; where the two
    do not arrive together, the watchdog still ends the process.
    """
    with contextlib.suppress(ValueError):  # not the main thread
        signal.signal(signal.SIGCONT, signal.SIG_DFL)


def launch_app() -> int:
    """Run the Textual app; refuse politely when stdin or stdout is not a TTY."""
    served = "TEXTUAL_DRIVER" in os.environ  # textual-serve and other drivers bring their own I/O
    if not served and not _is_terminal(sys.stdout):
        print(NOT_A_TERMINAL, file=sys.stderr)
        return EXIT_USAGE
    if not served and not _is_terminal(sys.stdin):
        print(NO_KEYBOARD, file=sys.stderr)
        return EXIT_USAGE
    # No garbage collection until the app has drawn its first frame and loaded torch
    # (it turns the collector back on then, see tui/app/collector.py): importing Textual
    # and the app and composing the first screen ran ~120 collections, ~40 ms of CPU,
    # to find a few hundred unreachable objects.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from rich.console import Console

        from tui.app.app import GdlabApp
        from tui.compat import check_at_start
        from tui.compat.textual import app_error

        for note in check_at_start():  # another library version: its public behaviour
            print(note, file=sys.stderr)
        # What exists now (textual's modules, classes and tables) lives as long as the
        # process: keep the collector from walking it again. Without this, a full
        # collection (~50 ms here) fell just before the first frame.
        gc.freeze()
        app = GdlabApp(manage_collector=collecting)
        # Textual prints a crash's traceback on this console once the terminal is back:
        # keep it for the log file instead, and say one line.
        errors = io.StringIO()
        app.error_console = Console(file=errors, markup=False, highlight=False, width=120)
        try:
            with signal_handlers(_exit_on_signal(app)):  # type: ignore[arg-type]
                app.run()
        finally:
            _ignore_sigcont()  # Textual's SIGCONT handler would resume a finished app
    finally:
        if collecting:
            gc.enable()  # the app stopped before its first frame, or turned it on already
    code = app.return_code or 0
    ended_on = app_error(app)
    if ended_on is not None or (code == 1 and errors.getvalue()):
        error = ended_on or RuntimeError("the app stopped on an error")
        return report_crash(error, text=errors.getvalue() or None)
    if code == 128 + signal.SIGINT:
        say("gdlab: interrupted")
    elif code > 128:
        say_ended(signal.Signals(code - 128).name)
    return code
