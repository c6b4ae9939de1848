"""A virtual table of iterations, drawn with the Line API from the run's history.

Textual's DataTable copies every row into widgets' state and slows to seconds at
tens of thousands of rows. This table keeps no rows at all: it reads the numpy
history that the solver writes, formats only the lines on screen, and so costs
the same at 30 rows or 10,000,000.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip

from solvers.run.table_view import TableView
from tui.app.widgets.table_columns import ColumnScrollView, Span, spans_of, whole_columns

CELL = 12
"""Width of one numeric column, enough for ``-1.23457e+06``."""


INDEX_WIDTH = len("iteration") + 1
"""The least width of the iteration column: its name and a space, so that the header's
names stand over their values (the column widens for 10,000,000 and more)."""


def format_value(value: float) -> str:
    """A number in at most CELL-1 characters, aligned right."""
    if not np.isfinite(value):
        text = str(value)
    elif value == 0 or 1e-3 <= abs(value) < 1e5:
        text = f"{value:.6g}"
    else:
        text = f"{value:.4e}"
    return text.rjust(CELL - 1)


class IterationTable(ColumnScrollView, can_focus=True):
    """Rows of a history, newest at the bottom, with a fixed header line.

    Call :meth:`show` with a history's rows (a 2-D array) whenever it grows; ``follow``
    keeps the newest row in view. What a row shows is its layout's table view
    (:mod:`solvers.run.table_view`): its columns, computed for the lines on screen only.
    The iteration column stays at the left; the value columns scroll under it, ← and →
    by one whole column.
    """

    DEFAULT_CSS = """
    IterationTable {
        height: 1fr;
        background: $surface;
    }
    IterationTable.-live {
        scrollbar-size: 0 0;
    }
    IterationTable > .iteration-table--header {
        text-style: bold;
        background: $panel;
    }
    IterationTable > .iteration-table--index {
        color: $text-muted;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "iteration-table--header",
        "iteration-table--index",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "toggle_follow", "Follow", show=False),
    ]

    follow: reactive[bool] = reactive(True)
    """Keep the newest row in view as rows arrive."""

    def __init__(self, view: TableView | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._view = view if view is not None else TableView((), ())
        self._columns = self._view.columns
        self._rows: np.ndarray = np.empty((0, 0), np.float32)
        self._index_width = INDEX_WIDTH
        self._styles: tuple[Style, Style, Style] | None = None

    @property
    def row_count(self) -> int:
        """Rows currently shown (the header not counted)."""
        return len(self._rows)

    def show(self, rows: np.ndarray, capacity: int = 0) -> None:
        """Show these rows (a view of the history; nothing is copied).

        ``capacity`` is the number of rows the run will reach. The scroll range is
        set to it once, not grown row by row: a changed virtual size costs Textual a
        layout pass that repaints the whole screen, ten times a second.
        """
        self._rows = rows
        rows_total = max(len(rows), capacity)
        self._index_width = max(INDEX_WIDTH, len(f"{rows_total:,}") + 1)
        size = Size(self._index_width + CELL * len(self._columns), rows_total + 1)
        if size != self.virtual_size:
            self.virtual_size = size
        if self.follow:
            self.scroll_to(y=self._end_y, animate=False, immediate=True)
        self.refresh()

    @property
    def _end_y(self) -> int:
        """Scroll position that puts the newest row on the last line."""
        return max(0, len(self._rows) + 1 - self.scrollable_content_region.height)

    def action_toggle_follow(self) -> None:
        self.follow = not self.follow

    def _header(self) -> str:
        names = "".join(name[: CELL - 1].rjust(CELL) for name in self._columns)
        return "iteration".rjust(self._index_width - 1) + " " + names

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _line_styles(self) -> tuple[Style, Style, Style]:
        """Header, index and cell styles; looked up once, not once per line (it is slow)."""
        if self._styles is None:
            self._styles = (
                self.get_component_rich_style("iteration-table--header"),
                self.get_component_rich_style("iteration-table--index"),
                self.rich_style,
            )
        return self._styles

    def _spans(self) -> list[Span]:
        """The value columns' spans, in the scrolled part's cells."""
        return spans_of([CELL] * len(self._columns))

    def _pinned_cells(self) -> int:
        """The iteration column, which never scrolls."""
        return self._index_width

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the viewport: the header, or the row under it; the iteration
        column is not scrolled, the value columns are, by ``scroll_x`` cells, and shown
        only whole."""
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        shown = max(0, width - self._index_width)
        header_style, index_style, cell_style = self._line_styles()
        if y == 0:
            header = self._header()
            names = whole_columns(header[self._index_width :], self._spans(), scroll_x, shown)
            strip = Strip([Segment(header[: self._index_width] + names, header_style)])
            strip = strip.crop_extend(0, width, header_style)
            return self._mark_hidden_columns(strip, scroll_x, width, header_style)
        index = scroll_y + y - 1
        if index >= len(self._rows):
            return Strip.blank(width, cell_style)
        values = self._view.cells(self._rows[index : index + 1])[0]
        cells = "".join(format_value(v).rjust(CELL) for v in values.tolist())
        strip = Strip(
            [
                Segment(f"{index:,}".rjust(self._index_width - 1) + " ", index_style),
                Segment(whole_columns(cells, self._spans(), scroll_x, shown), cell_style),
            ]
        )
        return strip.crop_extend(0, width, cell_style)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        at_end = new_value >= min(self._end_y, self.max_scroll_y)
        if not at_end and self.follow and old_value > new_value:
            self.follow = False  # the user scrolled up: stop pulling them down
        elif at_end:
            self.follow = True
