"""Take a run away: its rows as CSV and JSON files, in a folder the user chooses.

The files are named after the screen and the time (``gdlab-chapter3-20261127-
163000.csv``); a name that exists already gets a number, so nothing is ever
overwritten. Each file is written to a temporary file beside it and renamed when
whole (tui/output.py), so a failure leaves nothing half-written. The JSON file
repeats the run with ``gdlab run --from FILE``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

if TYPE_CHECKING:
    from solvers.view import RunView


def free_name(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, or ``stem-2.suffix``, ``-3``… where that exists."""
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def export_run(view: RunView, ending: dict[str, Any] | None, folder: Path, name: str) -> list[Path]:
    """Write the run's rows as CSV and JSON into ``folder``; the paths written."""
    from solvers.export import make_writer
    from solvers.problems import problem_for
    from solvers.saved_run import record
    from tui.output import open_output

    if not folder.is_dir():
        raise OSError(f"{folder} is not a folder")
    problem = problem_for(view.spec)
    saved = record(view.spec, view.settings, view.seed, view.start)
    rows = view.rows
    stamp = time.strftime("%Y%m%d-%H%M%S")
    written = []
    for fmt in ("csv", "json"):
        path = free_name(folder, f"gdlab-{name}-{stamp}", f".{fmt}")
        with open_output(str(path)) as stream:
            writer = make_writer(fmt, stream, problem, view.layout, saved)
            writer.begin()
            writer.rows(range(len(rows)), rows)
            writer.end(ending)
        written.append(path)
    return written


class ExportScreen(ModalScreen[None]):
    """Asks for a folder (the current one by default), then writes the two files."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, view: RunView, ending: dict[str, Any] | None, problem_id: str) -> None:
        super().__init__()
        self.view = view
        self.ending = ending
        self.name_part = "custom" if problem_id == "custom" else f"chapter{problem_id}"

    def compose(self) -> ComposeResult:
        with Vertical(id="export"):
            yield Label(f"Export {self.view.count:,} rows as CSV and JSON into the folder:")
            yield Input(str(Path.cwd()), id="folder", compact=True)
            yield Static("enter writes · escape cancels", id="export-result")

    @on(Input.Submitted, "#folder")
    def _submitted(self, event: Input.Submitted) -> None:
        self.query_one("#export-result", Static).update("writing…")
        self._write(Path(event.value.strip() or ".").expanduser())

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write(self, folder: Path) -> None:
        try:
            paths = export_run(self.view, self.ending, folder, self.name_part)
        except Exception as error:  # a folder that is not there, a full disk: say so
            reason = getattr(error, "strerror", None) or str(error)
            self.app.call_from_thread(self._show, f"not written: {reason}", False)
            return
        names = ", ".join(str(p) for p in paths)
        self.app.call_from_thread(self._show, f"written: {names}", True)

    def _show(self, text: str, done: bool) -> None:
        self.query_one("#export-result", Static).update(
            text + ("  (escape closes)" if done else "")
        )
        if done:
            self.app.notify(text, title="Exported")
