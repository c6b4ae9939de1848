"""The compatibility check the app runs at start-up imports none of the libraries the
first frame goes without (torch, numpy, textual-plot, textual-serve), and says one line
per library of another version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui import compat

ROOT = Path(__file__).parents[1]


def test_the_start_check_loads_no_library_the_first_frame_goes_without() -> None:
    code = (
        "import sys, tui.app.app\n"
        "from tui.compat import check_at_start\n"
        "assert check_at_start() == []\n"
        "print(sorted(m for m in ('torch', 'numpy', 'textual_plot', 'textual_serve')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_another_version_is_one_line_naming_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compat.TEXTUAL_PLOT, "_active", False)
    notes = compat.check_at_start()
    assert len(notes) == 1 and "\n" not in notes[0]
    assert notes[0].startswith("gdlab: textual-plot ") and "0.10.x" in notes[0]
