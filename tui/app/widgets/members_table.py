"""The compare screen's table: one line per member, drawn with the Line API.

Textual's DataTable renders every cell again (through Rich) after any update, and
a compare updates every row while it runs, which a key pressed meanwhile would wait
for. This table keeps each row as one
string and draws a line as two segments, the member's name in its colour and
the rest. It scrolls both ways (arrows, page keys) and keeps its header in view;
the first column (the member) stays at the left and ← → move the others by one
whole column, with ◀ ▶ in the header where columns lie off screen (no horizontal
scrollbar: at 80 columns it would take the line of one member).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.strip import Strip

from tui.app.widgets.table_columns import ColumnScrollView, Span, spans_of, whole_columns


class MembersTable(ColumnScrollView, can_focus=True):
    """Rows of fixed-width text cells under a header; the first cell has a style."""

    DEFAULT_CSS = """
    MembersTable {
        height: auto;
        background: $surface;
        scrollbar-size-horizontal: 0;
    }
    MembersTable > .members-table--header {
        text-style: bold;
        background: $panel;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"members-table--header"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", show=False),
        Binding("down", "scroll_down", show=False),
        Binding("left", "scroll_left", show=False),
        Binding("right", "scroll_right", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
        Binding("home", "scroll_home", show=False),
        Binding("end", "scroll_end", show=False),
    ]

    def __init__(self, columns: Sequence[tuple[str, int]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._widths = [width for _, width in columns]
        self._labels = [label for label, _ in columns]
        self._rows: list[list[str]] = []
        self._row_styles: list[str] = []
        self._styles: tuple[Style, Style] | None = None
        self._resize()

    # ------------------------------------------------------------------ content
    @property
    def row_count(self) -> int:
        return len(self._rows)

    def cells(self) -> list[list[str]]:
        """Every row's cells as shown (for tests and screen readers)."""
        return [list(row) for row in self._rows]

    def labels(self) -> list[str]:
        return list(self._labels)

    def set_label(self, column: int, label: str) -> None:
        """Rename a column (the distance column reads ‖∇f‖ where f* is unknown)."""
        if self._labels[column] != label:
            self._labels[column] = label
            self.refresh()

    def clear(self) -> None:
        self._rows, self._row_styles = [], []
        self._resize()
        self.refresh()

    def add_row(self, cells: Sequence[str], style: str = "") -> None:
        """A row at the bottom; ``style`` (e.g. "bold red") is its first cell's."""
        self._rows.append([str(cell) for cell in cells])
        self._row_styles.append(style)
        self._resize()
        self.refresh()

    def update_cell(self, row: int, column: int, value: str) -> None:
        """One cell's text; the line is drawn again, nothing is laid out."""
        if self._rows[row][column] != value:
            self._rows[row][column] = value
            self.refresh()

    def _resize(self) -> None:
        size = Size(sum(self._widths) + len(self._widths) - 1, len(self._rows) + 1)
        if size != self.virtual_size:
            self.virtual_size = size

    # ------------------------------------------------------------------ drawing
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _line_styles(self) -> tuple[Style, Style]:
        """Header and cell styles; looked up once, not once per line (it is slow)."""
        if self._styles is None:
            self._styles = (
                self.get_component_rich_style("members-table--header"),
                self.rich_style,
            )
        return self._styles

    def _text(self, cells: Sequence[str], start: int = 0) -> str:
        pairs = zip(cells, self._widths[start:], strict=True)
        return " ".join(cell[:width].ljust(width) for cell, width in pairs)

    def _pinned_cells(self) -> int:
        """Cells of the first column and its space, which never scroll."""
        return self._widths[0] + 1

    def _spans(self) -> list[Span]:
        """The scrolled columns' spans, in the scrolled part's cells."""
        return spans_of(self._widths[1:], gap=1)

    def _line(self, first: Segment, rest: str, style: Style, scroll_x: int, width: int) -> Strip:
        """The first column as it is, the others from ``scroll_x`` on (only whole
        ones), ``width`` cells in all."""
        shown = max(0, width - self._pinned_cells())
        scrolled = Segment(whole_columns(rest, self._spans(), scroll_x, shown), style)
        return Strip([first, Segment(" ", style), scrolled]).crop_extend(0, width, style)

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the viewport: the header, or the row under it."""
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        header_style, cell_style = self._line_styles()
        if y == 0:
            first = Segment(self._labels[0][: self._widths[0]].ljust(self._widths[0]), header_style)
            rest = self._text(self._labels[1:], 1)
            strip = self._line(first, rest, header_style, scroll_x, width)
            return self._mark_hidden_columns(strip, scroll_x, width, header_style)
        index = scroll_y + y - 1
        if index >= len(self._rows):
            return Strip.blank(width, cell_style)
        row = self._rows[index]
        given = self._row_styles[index]
        own = cell_style + Style.parse(given) if given else cell_style
        first = Segment(row[0][: self._widths[0]].ljust(self._widths[0]), own)
        return self._line(first, self._text(row[1:], 1), cell_style, scroll_x, width)
