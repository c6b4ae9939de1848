"""The landscape of two parameters (or two of more): a character map of f's levels
under the path, one character per cell.

Characters carry all the information (level glyphs light to dense, ``S`` start,
``@`` now, ``*`` optimum, ``o``/``·`` the path), colour only adds to it, so the
map reads the same in 16 colours and with ``NO_COLOR``.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

from solvers.pictures.landscape_model import (
    CURRENT,
    ITERATE,
    LEVEL_GLYPHS,
    NOT_FINITE,
    OPTIMUM,
    PATH_LINE,
    START,
    ContourMap,
)
from solvers.pictures.members_map import NO_MEMBER, MembersMap
from tui.app.display import colour


class ContourView(Widget):
    """Two parameters: one character per cell, level glyphs under the path's marks
    (or under a compare's members' paths, each in its member's colour)."""

    DEFAULT_CSS = """
    ContourView { height: 1fr; min-height: 3; }
    """

    can_focus = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.map: ContourMap | MembersMap | None = None
        self._rows: list[str] = []
        self._owners: list[list[int]] = []
        """Per cell, the member whose path or mark it shows (compare), else empty."""
        self._styles: dict[str, Style] = {}

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _: self.show(self.map), init=False)

    def show(self, contour: ContourMap | MembersMap | None) -> None:
        self.map = contour
        self._rows = contour.glyph_rows() if contour is not None else []
        members = isinstance(contour, MembersMap)
        self._owners = contour.owners() if members else []  # type: ignore[union-attr]
        self._styles = self._glyph_styles()
        if members:  # a member's own colour tells it; the path glyph alone is not bold
            self._styles.pop(PATH_LINE, None)
        self.refresh()

    def _glyph_styles(self) -> dict[str, Style]:
        """A style per glyph from the theme: levels shade from the foreground, dimmed,
        to $primary; marks are bold, in $success (S), $error (@) and $warning (*).
        With an ANSI theme (the terminal's 16 colours, which do not blend) the lower
        levels are dim and the upper ones $primary. Characters alone say everything."""
        try:
            theme = self.app.theme_variables
            fg = Color.parse(theme["foreground"])
            primary = Color.parse(theme["primary"])
            marks = {
                START: Color.parse(theme["success"]),
                CURRENT: Color.parse(theme["error"]),
                OPTIMUM: Color.parse(theme["warning"]),
            }
            ansi = fg.ansi is not None or primary.ansi is not None
            low = primary if ansi else fg.blend(Color.parse(theme["background"]), 0.6)
        except Exception:  # no app or an unparsable theme: characters only
            return {}
        count = len(LEVEL_GLYPHS)
        styles: dict[str, Style] = {}
        for k, glyph in enumerate(LEVEL_GLYPHS):
            if ansi:
                lower = k < count // 2
                styles[glyph] = Style(dim=True) if lower else Style(color=primary.rich_color)
            else:
                styles[glyph] = Style(color=low.blend(primary, k / (count - 1)).rich_color)
        styles[NOT_FINITE] = Style(dim=True)
        styles[ITERATE] = styles[PATH_LINE] = Style(bold=True)
        for glyph, color in marks.items():
            styles[glyph] = Style(color=color.rich_color, bold=True)
        return styles

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        text = self._rows[y][:width] if y < len(self._rows) else ""
        owners = self._owners[y] if y < len(self._owners) else [NO_MEMBER] * len(text)
        segments: list[Segment] = []
        start = 0
        for end in range(1, len(text) + 1):
            if end == len(text) or (text[end], owners[end]) != (text[start], owners[start]):
                style = base + self._styles.get(text[start], Style())
                if owners[start] != NO_MEMBER:
                    style += Style(color=colour(owners[start]), bold=True)
                segments.append(Segment(text[start:end], style))
                start = end
        if len(text) < width:
            segments.append(Segment(" " * (width - len(text)), base))
        return Strip(segments, width)

    def lines_text(self) -> list[str]:
        """What the map shows, one string per line (for tests and screen readers)."""
        return [
            "".join(segment.text for segment in self.render_line(y))
            for y in range(self.size.height)
        ]
