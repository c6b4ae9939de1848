"""The run's standalone PyTorch script, highlighted, and saved on ``w`` (key ``c``).

The script is text from :mod:`solvers.records.codegen` (no torch needed), of a chapter's
values (:class:`~tui.app.screens.chapter_values.ChapterValues`): its run's settings when
the run has rows (a drawn start is written as the start values the run recorded, so
the script repeats it exactly), else the settings in its fields.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from solvers.chapters.registry import chapter_of
from solvers.records.codegen import CodeRequest, agreement, script

if TYPE_CHECKING:
    from tui.app.screens.chapter_values import ChapterValues


def script_base(problem_id: str, when: float | None = None) -> str:
    """The script's file name without ``.py``: ``gdlab-chapter1-YYYYmmdd-HHMMSS`` (your
    function: ``gdlab-custom-…``), as the export names its files, at ``when``."""
    part = chapter_of(problem_id).file_part
    return f"gdlab-{part}-{time.strftime('%Y%m%d-%H%M%S', time.localtime(when))}"


def save_beside(text: str, base: str, folder: Path | None = None) -> Path:
    """Write ``text`` to ``base.py`` in ``folder`` (default: the current one), atomically:
    a temporary file, then a hard link under the final name, which fails rather than
    replace a file already there (``base-2.py``, ``-3`` … then). The file's mode is a
    new file's (0666 less the umask), as the export's files have."""
    from tui.output import new_file_mode

    where = folder if folder is not None else Path.cwd()
    handle, temp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=where)
    try:
        os.fchmod(handle, new_file_mode())  # mkstemp makes 0600
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        for n in range(1, 1000):
            target = where / (f"{base}.py" if n == 1 else f"{base}-{n}.py")
            try:
                os.link(temp, target)
            except FileExistsError:
                continue
            return target
        raise FileExistsError(f"{base}.py and 998 others exist")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


class CodeScreen(ModalScreen[None]):
    """The script of the run, syntax-highlighted; ``w`` saves it."""

    DEFAULT_CSS = """
    CodeScreen { align: center middle; }
    CodeScreen > #code-box {
        width: 94%; height: 92%; border: thick $primary; background: $surface; padding: 0 1;
    }
    CodeScreen #code-head { color: $text-muted; }
    CodeScreen #code-scroll { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,c,q", "dismiss", "Close"),
        Binding("w", "write", "Write to a file"),
    ]

    def __init__(self, text: str, base: str, agreement: str = "") -> None:
        super().__init__()
        self.text = text
        self.base = base
        """The name ``w`` writes, without ``.py`` (:func:`script_base`)."""
        self.agreement = agreement
        """How its rows compare with gdlab run's (solvers.records.codegen.agreement)."""
        self.saved: Path | None = None

    @classmethod
    def of(cls, values: ChapterValues) -> CodeScreen:
        """The screen of the script of ``values``' run, refused as ``gdlab code`` refuses
        it (a SettingError, which is a ValueError, for armijo or plateau)."""
        request = CodeRequest.for_run(values.spec, values.settings)
        return cls(script(request), script_base(values.spec.id), agreement(request))

    def head(self) -> str:
        """The lines above the script, naming the file as ``w`` writes (or wrote) it."""
        name = f"{self.base}.py" if self.saved is None else self.saved.name
        written = "w writes it to the current folder." if self.saved is None else "Written."
        return f"python {name} prints one CSV line per iteration. {self.agreement} {written}"

    def compose(self) -> ComposeResult:
        with Vertical(id="code-box"):
            yield Static(self.head(), id="code-head")
            with VerticalScroll(id="code-scroll"):
                yield Static(
                    Syntax(self.text, "python", line_numbers=True, word_wrap=False),
                    id="code-text",
                )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#code-scroll").focus()

    def action_write(self) -> None:
        try:
            self.saved = save_beside(self.text, self.base)
        except OSError as error:
            self.notify(f"cannot write the script: {error}", severity="error")
            return
        self.query_one("#code-head", Static).update(self.head())
        self.notify(f"wrote {self.saved}")
