"""Plain mode: no Braille and 16 colours, for terminals that have neither.

The Linux console and many serial or old SSH clients cannot draw Braille cells
(the plots' fine lines) and map 256 colours badly. ``gdlab --plain`` (or
GDLAB_PLAIN=1, or TERM=linux) draws the plots with whole block characters and
switches the app to Textual's ANSI theme, which uses the terminal's own 16
colours.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the canvas imports numpy: not before the first frame
    from textual_hires_canvas import HiResMode

PLAIN_ENV = "GDLAB_PLAIN"
PLAIN_TERMS = frozenset({"linux", "vt100", "vt220", "dumb"})
"""Terminals known to lack Braille glyphs or 256 colours."""
PLAIN_THEME = "ansi-dark"


def plain() -> bool:
    """Whether to draw plainly (asked for, or a terminal known to need it)."""
    asked = os.environ.get(PLAIN_ENV, "").strip().lower()
    if asked in ("1", "yes", "true", "on"):
        return True
    if asked in ("0", "no", "false", "off"):
        return False
    return os.environ.get("TERM", "") in PLAIN_TERMS


def line_mode() -> HiResMode | None:
    """How plot lines are drawn: Braille dots, or whole blocks in plain mode."""
    from textual_hires_canvas import HiResMode

    return None if plain() else HiResMode.BRAILLE


PALETTE = (
    "green", "cyan", "magenta", "yellow", "red", "blue", "bright_green", "bright_cyan",
    "bright_magenta", "bright_yellow", "bright_red", "bright_blue", "white", "bright_white",
    "dark_orange", "purple",
)  # fmt: skip
"""One colour per member, in order (repeating after 16)."""


def colour(index: int) -> str:
    """Member ``index``'s colour, the same in the legend, both plots and the table."""
    return PALETTE[index % len(PALETTE)]
