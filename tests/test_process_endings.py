"""Every way a `gdlab run` process ends: SIGINT, SIGTERM, SIGHUP, an unexpected error
(issue #10, items 4 and 5, and the top-level guard). Real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.cli import command as cli

ROOT = Path(__file__).parents[1]
LONG_CSV = ("run", "3", "--iterations", "10000000", "--format", "csv")


def ending_lines(err: str) -> list[str]:
    """stderr without the regime line gdlab run prints before a run starts."""
    return [line for line in err.splitlines() if not line.startswith("gdlab: η = ")]


def _as_from_a_terminal() -> None:
    """In the child before it runs: Ctrl-C's default disposition, as a shell in a
    terminal gives a command. A test run started in the background of a script
    (``( … & )``) ignores SIGINT, every child inherits that, and a signal sent
    before gdlab's guard took SIGINT over was then ignored: the run went on and the
    test timed out, for a reason no user at a terminal meets."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=ROOT,
        preexec_fn=_as_from_a_terminal,
    )


def _wait_for(predicate, what: str, process: subprocess.Popen[str], timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if process.poll() is not None:
            raise AssertionError(f"gdlab ended before {what}: {process.communicate()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _end(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, out, err


def _part_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".part")]


def _writing(folder: Path) -> bool:
    return any(p.stat().st_size > 0 for p in _part_files(folder))


@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [
        (signal.SIGTERM, 143, "gdlab: ended by SIGTERM"),
        pytest.param(signal.SIGHUP, 129, "gdlab: ended by SIGHUP", marks=pytest.mark.slow),
    ],
)
def test_terminate_or_hangup_mid_run_leaves_no_file_and_says_so(tmp_path, signum, code, line):
    """Item 4: SIGTERM left a .part file of 13 MB to 1 GB behind, exit 143, not a word."""
    target = tmp_path / "x.csv"
    process = _start(*LONG_CSV, "--output", str(target))
    _wait_for(lambda: _writing(tmp_path), "rows being written", process)
    process.send_signal(signum)
    returncode, out, err = _end(process)
    assert returncode == code, err
    assert ending_lines(err) == [line]
    assert out == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_interrupt_mid_run_writes_the_rows_so_far_whole(tmp_path):
    target = tmp_path / "x.csv"
    process = _start(*LONG_CSV, "--output", str(target))
    _wait_for(lambda: _writing(tmp_path), "rows being written", process)
    process.send_signal(signal.SIGINT)
    returncode, _, err = _end(process)
    assert returncode == 130, err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == "gdlab: interrupted; the rows so far were written"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]
    lines = target.read_text().splitlines()
    assert lines[0].startswith("iteration,w0,w1,b,objective")
    assert len(lines) > 1
    assert [int(line.split(",")[0]) for line in lines[1:]] == list(range(len(lines) - 1))
    width = len(lines[0].split(","))
    assert all(len(line.split(",")) == width for line in lines)


def _slow_torch(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A torch whose import announces itself, then takes a minute: a window as wide
    as a test needs for 'Ctrl-C while torch imports'."""
    package = tmp_path / "fake" / "torch"
    package.mkdir(parents=True)
    marker = tmp_path / "importing"
    (package / "__init__.py").write_text(
        f"import pathlib, time\npathlib.Path({str(marker)!r}).touch()\ntime.sleep(60)\n"
    )
    return {"PYTHONPATH": os.pathsep.join([str(package.parent), str(ROOT)])}, marker


@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [
        (signal.SIGINT, 130, "gdlab: interrupted"),
        (signal.SIGTERM, 143, "gdlab: ended by SIGTERM"),
    ],
)
def test_signal_while_torch_imports_is_one_line(tmp_path, signum, code, line):
    """Item 5: Ctrl-C in the first seconds printed a torch traceback."""
    env, marker = _slow_torch(tmp_path)
    target = tmp_path / "out.csv"
    process = _start("run", "1", "--output", str(target), env=env)
    _wait_for(marker.exists, "torch's import to start", process)
    process.send_signal(signum)
    returncode, out, err = _end(process)
    assert returncode == code, err
    assert ending_lines(err) == [line]
    assert out == ""
    assert not target.exists()


def test_interrupt_while_python_imports_gdlab_is_one_line():
    """Before main() runs, the entry module's excepthook gives the same line and code."""
    done = subprocess.run(
        [sys.executable, "-c", "import tui.main\nraise KeyboardInterrupt"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 130
    assert done.stderr.splitlines() == ["gdlab: interrupted"]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_at_any_moment_ends_cleanly(tmp_path, signum):
    """From start-up through torch's import, compiling and writing: whenever the signal
    lands, no traceback, at most two lines (the run's summary and why it ended), the
    documented code, and no .part file. SIGINT keeps the rows so far; the others keep
    nothing. (Before gdlab's first line runs, SIGTERM and SIGHUP kill Python with no
    word, which the shell also shows as 128 + N; Ctrl-C while Python itself starts,
    in site.py, is Python's "Fatal Python error: init_import_site", which no code of
    gdlab's can run early enough to change.)"""
    codes = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}
    for moment in (0.1, 0.2, 0.4, 0.7, 1.0, 1.5, 2.5, "writing"):
        folder = tmp_path / f"at-{moment}"
        folder.mkdir()
        target = folder / "x.csv"
        process = _start(*LONG_CSV, "--output", str(target))
        if moment == "writing":
            _wait_for(lambda: _writing(folder), "rows being written", process)  # noqa: B023
        else:
            time.sleep(float(moment))
        process.send_signal(signum)
        returncode, out, err = _end(process)
        where = f"signal {signum} at {moment} s: {err!r}"
        if "init_import_site" in err:
            continue  # Python's own start-up (site.py), before gdlab's first line (see docs)
        if "terminate called" in err and "pybind11" in err:
            continue  # inside torch's C++ import code, where a Python exception aborts (docs)
        assert returncode in (codes[signum], -signum), where
        assert "Traceback" not in err and "Exception" not in err, where
        assert len(ending_lines(err)) <= 2, where
        assert out == "", where
        assert _part_files(folder) == [], where
        if signum != signal.SIGINT:
            assert not target.exists(), where


def test_an_interrupt_lost_before_gdlab_took_over_still_ends_the_command(monkeypatch):
    """Ctrl-C 0.1 s after start: Python's handler raised inside a library's import,
    which caught it and went on, and the 10,000,000-iteration run then ran to its end
    (a signal test timed out on it). The handler the entry module installs first notes
    the signal, and the process's first guard ends the command with it before its body
    runs. Importing tui itself installs nothing."""
    from tui import early_interrupts, process

    def after(imports: str) -> list[str]:
        """SIGINT's handler and whether the excepthook is Python's, after ``imports`` in
        a process of its own (this one's handler is whatever earlier tests left)."""
        shown = (
            "import signal, sys; print(signal.getsignal(signal.SIGINT).__name__, "
            "sys.excepthook is sys.__excepthook__)"
        )
        done = subprocess.run(
            [sys.executable, "-c", f"{imports}; {shown}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            preexec_fn=_as_from_a_terminal,
        )
        return done.stdout.split()

    assert after("import tui, solvers") == ["default_int_handler", "True"]
    assert after("import tui.main") == ["_early_interrupt", "False"]
    with pytest.raises(KeyboardInterrupt):
        early_interrupts._early_interrupt(signal.SIGINT, None)  # as the signal would, mid-import
    assert early_interrupts.EARLY_INTERRUPTS == [
        signal.SIGINT
    ]  # ... and say so, if it was swallowed

    monkeypatch.setattr(process, "_EARLY_TAKEN", False)  # as at the process's start
    ran: list[str] = []
    assert process.guarded(lambda: ran.append("body") or 0) == process.EXIT_INTERRUPTED
    assert ran == [] and early_interrupts.EARLY_INTERRUPTS == []
    # taken once: the next command of the same process runs
    assert process.guarded(lambda: ran.append("body") or 0) == 0
    assert ran == ["body"]


def test_an_unexpected_error_is_one_line_naming_a_log_with_the_traceback(
    gdlab, monkeypatch, tmp_path
):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    def broken(args):
        raise ValueError("something nobody expected")

    monkeypatch.setattr(cli, "run_command", broken)
    result = gdlab("run", "1")
    assert result.code == 1
    (line,) = result.err.splitlines()
    assert line.startswith("gdlab: unexpected error (ValueError: something nobody expected)")
    logs = list((tmp_path / "gdlab").glob("crash-*.log"))
    assert len(logs) == 1 and str(logs[0]) in line
    text = logs[0].read_text()
    assert "Traceback" in text and "something nobody expected" in text
    assert "Traceback" not in result.err + result.out


def test_main_restores_the_callers_signal_handlers(gdlab):
    before = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
    assert gdlab("run", "1", "--iterations", "2", "--init", "0.5").code == 0
    after = [signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
    assert after == before
