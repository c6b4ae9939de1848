"""gdlab and the scripts it writes round alike on every x86 CPU (solvers/core/rounding.py).

Run in processes whose environment has no MKL_CBWR, as a user's shell has: on a
CPU with AVX-512, MKL's own choice of kernel prints the book's first w.grad as
-819.9556 (the book: -819.9555; float64: -819.95549).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from solvers.core.rounding import VARIABLE

GDLAB = str(Path(sys.executable).with_name("gdlab"))


def _bare_environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name != VARIABLE}


def _run(*command: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env=_bare_environment(), cwd=cwd
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_gdlab_prints_the_books_first_gradient_on_any_cpu() -> None:
    out = _run(GDLAB, "run", "3", "--iterations", "1")
    assert "w.grad= tensor([[-819.9555, -963.3235]])" in out


@pytest.mark.slow
def test_the_written_script_rounds_as_gdlab_does(tmp_path: Path) -> None:
    script = tmp_path / "chapter3.py"
    script.write_text(_run(GDLAB, "code", "3", "--iterations", "3"), encoding="utf-8")
    assert _run(sys.executable, str(script), cwd=tmp_path) == _run(
        GDLAB, "run", "3", "--iterations", "3", "--format", "csv"
    )
