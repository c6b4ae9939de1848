"""Opening the app, or explaining why not when there is no terminal."""

from __future__ import annotations

import asyncio
import gc
import io
import os
import signal
import sys
from types import FrameType
from typing import TYPE_CHECKING

from tui.process import EXIT_USAGE, Ended, report_crash, say, signal_handlers

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
    Textual gives the terminal back (alternate screen off, mouse off, cursor shown)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the app is not running (yet, or any more): unwind
            if signum == signal.SIGINT:
                raise KeyboardInterrupt from None
            raise Ended(signum) from None
        loop.call_soon_threadsafe(lambda: app.exit(return_code=128 + signum))

    return handler


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
    # (it turns the collector back on then, see tui/collector.py): importing Textual
    # and the app and composing the first screen ran ~120 collections, ~40 ms of CPU,
    # to find a few hundred unreachable objects.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from rich.console import Console

        from tui.app import GdlabApp

        # What exists now (textual's modules, classes and tables) lives as long as the
        # process: keep the collector from walking it again. Without this, a full
        # collection (~50 ms here) fell just before the first frame.
        gc.freeze()
        app = GdlabApp(manage_collector=collecting)
        # Textual prints a crash's traceback on this console once the terminal is back:
        # keep it for the log file instead, and say one line.
        errors = io.StringIO()
        app.error_console = Console(file=errors, markup=False, highlight=False, width=120)
        with signal_handlers(_exit_on_signal(app)):  # type: ignore[arg-type]
            app.run()
    finally:
        if collecting:
            gc.enable()  # the app stopped before its first frame, or turned it on already
    code = app.return_code or 0
    if app._exception is not None or (code == 1 and errors.getvalue()):
        error = app._exception or RuntimeError("the app stopped on an error")
        return report_crash(error, text=errors.getvalue() or None)
    if code == 128 + signal.SIGINT:
        say("gdlab: interrupted")
    elif code > 128:
        say(f"gdlab: ended by {signal.Signals(code - 128).name}")
    return code
