"""Take a run away: its rows as CSV and JSON files, in a folder the user chooses.

The files are named after the screen and the time (``gdlab-chapter3-20261127-
163000.csv``); a name that exists already gets a number, so nothing is ever
overwritten. Each file is written to a temporary file beside it and renamed when
whole (tui/output.py), so a failure leaves nothing half-written. The JSON file
repeats the run with ``gdlab run --from FILE``.

Nothing is written into a folder the user has not seen: enter first shows the
folder the typed text names (absolute, links followed), and only a second enter,
with the field unchanged since, writes there.
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

from tui.app.widgets.ordered_input import OrderedInput
from tui.app.widgets.steady_footer import SteadyFooter

if TYPE_CHECKING:
    from solvers.run.view import RunView


def free_name(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, or ``stem-2.suffix``, ``-3``… where that exists."""
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


def folder_named(text: str) -> Path:
    """The folder ``text`` names, as it will be written to: ``~`` expanded, absolute,
    links followed; empty text is the current folder."""
    return Path(text.strip() or ".").expanduser().resolve()


def export_run(view: RunView, ending: dict[str, Any] | None, folder: Path, name: str) -> list[Path]:
    """Write the run's rows as CSV and JSON into ``folder``; the paths written."""
    from solvers.chapters.registry import problem_for
    from solvers.records.export import make_writer
    from solvers.records.saved_run import record
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


class FolderField(OrderedInput):
    """The folder field: enter checks the folder, then (unchanged) writes there. The
    two bindings share the key; ExportScreen.check_action enables one at a time, so
    the footer names what enter does now."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "screen.check_folder", "Check folder"),
        Binding("enter", "screen.write", "Write"),
    ]


class ExportScreen(ModalScreen[None]):
    """Asks for a folder (the current one by default), shows it, then writes the two files."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "Close")]

    def __init__(self, view: RunView, ending: dict[str, Any] | None, problem_id: str) -> None:
        super().__init__()
        self.view = view
        self.ending = ending
        from solvers.chapters.registry import chapter_of

        self.name_part = chapter_of(problem_id).file_part
        self.asked: Path | None = None
        """The folder enter last showed, while the field still names it; None otherwise."""
        self.asked_text = ""
        """The field's text when enter showed ``asked``."""
        self.writing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export"):
            yield Label(f"Export {self.view.count:,} rows as CSV and JSON into the folder:")
            yield FolderField(str(Path.cwd()), id="folder", compact=True)
            yield Static("enter checks the folder · escape cancels", id="export-result")
        yield SteadyFooter(compact=True, show_command_palette=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """enter checks a folder not yet shown, and writes into the one shown."""
        if action == "check_folder":
            return not self.writing and self.asked is None
        if action == "write":
            return not self.writing and self.asked is not None
        return True

    def _text(self) -> str:
        return self.query_one("#folder", Input).value

    @on(Input.Changed, "#folder")
    def _edited(self) -> None:
        # the field, not the message: a Changed from a key typed before enter may
        # arrive after enter has shown the folder
        if self.asked is not None and self._text() != self.asked_text:
            self.asked = None
            self._say("enter checks the folder · escape cancels")
            self.refresh_bindings()

    def action_check_folder(self) -> None:
        """Show the folder the field names, absolute, and ask for a second enter."""
        text = self._text()
        folder = folder_named(text)
        if not folder.is_dir():
            what = "does not exist" if not folder.exists() else "is not a folder"
            self._say(f"not written: {folder} {what}; type an existing folder")
            return
        self.asked, self.asked_text = folder, text
        self._say(
            f"write gdlab-{self.name_part}-<date-time>.csv and .json into\n{folder}\n"
            "enter writes there · edit the field for another folder · escape cancels"
        )
        self.refresh_bindings()

    def action_write(self) -> None:
        """Write into the folder shown by the last enter."""
        if self.asked is None or self.writing:
            return
        if self._text() != self.asked_text:  # edited since: show the folder it names now
            self.asked = None
            self.action_check_folder()
            return
        self.writing = True
        self.refresh_bindings()
        self._say("writing…")
        self._write(self.asked)

    def _say(self, text: str) -> None:
        self.query_one("#export-result", Static).update(text)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _write(self, folder: Path) -> None:
        try:
            paths = export_run(self.view, self.ending, folder, self.name_part)
        except Exception as error:  # a folder removed meanwhile, a full disk: say so
            reason = getattr(error, "strerror", None) or str(error)
            self.app.call_from_thread(self._show, f"not written: {reason}", False)
            return
        names = ", ".join(str(p) for p in paths)
        self.app.call_from_thread(self._show, f"written: {names}", True)

    def _show(self, text: str, done: bool) -> None:
        self.writing = False
        self.asked = None
        self.refresh_bindings()
        self._say(text + ("  (escape closes)" if done else ""))
        if done:
            self.app.notify(text, title="Exported")
