"""Shared fixtures: running the CLI in-process and capturing what it prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tui.cli import main


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def gdlab(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``gdlab ARGS...`` in this process; returns exit code, stdout and stderr."""

    def run(*args: str) -> CliResult:
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
