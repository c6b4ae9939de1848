"""A saddle approached along its attracting direction: descent never leaves it.

x0² − x1² from (1, 0): x1 stays exactly 0, so each step only shrinks x0 and the run
ends at the saddle. What gdlab says before and after must hold for this start too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GDLAB = str(Path(sys.executable).with_name("gdlab"))


def test_a_run_into_a_saddle_is_told_truly() -> None:
    options = ("--init", "1", "0", "--eta", "0.1", "--iterations", "300", "--format", "csv")
    done = subprocess.run(
        [GDLAB, "run", "custom", "--expr", "x0^2 - x1^2", *options],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 6, done.stderr
    before, *_, after = done.stderr.strip().splitlines()
    assert "leaves along λmin = −2 < 0 unless it starts with no offset along it" in before
    last = done.stdout.strip().splitlines()[-1].split(",")
    assert float(last[2]) == 0.0  # x1: no offset along λmin's direction, ever
    assert "a saddle" in after and "had not left it by the run's end" in after
    assert "slowly" not in after
