"""Shared fixtures: running the CLI in-process and capturing what it prints; the
Hypothesis profile of the quick run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from app_helpers import HoldWatch
from hypothesis import settings
from quick import QUICK_PROFILE, QUICK_SHARE

from solvers.core.rounding import pin_rounding
from tui.cli.command import main

pin_rounding()  # as gdlab does before any tensor is multiplied

settings.register_profile(QUICK_PROFILE, max_examples=100 // QUICK_SHARE)


def pytest_configure(config: pytest.Config) -> None:
    """A run that deselects the slow tests (``-m 'not slow'``) is the quick run: it
    loads the "quick" Hypothesis profile, in which ``quick.examples`` gives a fifth
    of each property test's examples, unless ``--hypothesis-profile`` names one. The
    full run (no ``-m``, as CI runs it) keeps the profile with each test's own count."""
    named = config.getoption("hypothesis_profile", default=None)
    if named is None and "not slow" in (config.getoption("markexpr", default="") or ""):
        settings.load_profile(QUICK_PROFILE)


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


@pytest.fixture
def hold_watch() -> Iterator[HoldWatch]:
    """Which runs' workers are held now (a pause reached the worker's loop)."""
    with HoldWatch().installed() as watch:
        yield watch
