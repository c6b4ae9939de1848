"""The app's redraw rate: Textual's own, a lower one over SSH, or ``--fps N``."""

from __future__ import annotations

import argparse
import os

from solvers.core.validation import SettingError

SSH_FPS = 20
"""The redraw rate over SSH (SSH_CONNECTION set) unless --fps or TEXTUAL_FPS says
otherwise: a third of Textual's 60, for a slow link (see docs/performance.md)."""
MAX_FPS = 120


def fps_setting(text: str) -> int | None:
    """--fps's value; also sets the app's redraw rate (TEXTUAL_FPS).

    Textual reads TEXTUAL_FPS once, when it is imported, and the parser runs before
    anything imports Textual, so this is where the rate is set. argparse passes the
    default ("auto") through here too when --fps is not given: Textual's own rate, or
    a lower one over SSH.
    """
    if text.strip().lower() == "auto":
        if "SSH_CONNECTION" not in os.environ or "TEXTUAL_FPS" in os.environ:
            return None
        os.environ["TEXTUAL_FPS"] = str(SSH_FPS)
        return SSH_FPS
    from solvers.core.validation import parse_int

    try:
        fps = parse_int("fps", text, 1, MAX_FPS)
    except SettingError as error:
        raise argparse.ArgumentTypeError(error.reason) from None
    os.environ["TEXTUAL_FPS"] = str(fps)
    return fps
