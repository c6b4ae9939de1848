"""Opening the app, or explaining why not when there is no terminal."""

from __future__ import annotations

import gc
import os
import sys

NOT_A_TERMINAL = (
    "gdlab: standard output is not a terminal, so the app would fill it with escape codes.\n"
    "Run a chapter headless instead, for example:\n"
    "  gdlab run 3 --format csv --output ch3.csv\n"
    "  gdlab run 1 --seed 0\n"
    "See `gdlab run --help`."
)


def launch_app() -> int:
    """Run the Textual app; refuse politely when stdout is not a TTY."""
    served = "TEXTUAL_DRIVER" in os.environ  # textual-serve and other drivers bring their own I/O
    if not served and not sys.stdout.isatty():
        print(NOT_A_TERMINAL, file=sys.stderr)
        return 2
    from tui.app import GdlabApp

    # What exists now (textual's modules, classes and tables) lives as long as the
    # process: keep the collector from walking it again. Without this, a full
    # collection (~50 ms here) fell just before the first frame.
    gc.freeze()
    GdlabApp().run()
    return 0
