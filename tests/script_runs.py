"""Running a script `gdlab code` wrote, as a user would: plain python, its stdout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_script(text: str, tmp_path: Path, name: str = "run.py") -> str:
    """What ``python NAME`` prints for the script ``text`` (a failure raises)."""
    path = tmp_path / name
    path.write_text(text)
    done = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=300, check=True
    )
    return done.stdout
