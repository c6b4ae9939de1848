"""The one output writer (tui/output.py): what --output does with each kind of file,
and what a write that fails looks like (issue #10, items 2 and 3)."""

from __future__ import annotations

import os
import resource
import signal
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SHORT_RUN = ("run", "1", "--init", "0.5", "--iterations", "2")
SHORT_ROWS = "x= 0.5\nx= 1.100000023841858\n"
CSV_RUN = ("run", "2", "--seed", "0", "--format", "csv")

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")


def _gdlab_process(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "tui", *args],
        text=True,
        timeout=120,
        check=False,
        env=env,
        cwd=ROOT,
        **kwargs,
    )


def _one_line(err: str) -> str:
    """The ending's one line (the regime gdlab run names before it starts is not one)."""
    lines = [line for line in err.splitlines() if not line.startswith("gdlab: η = ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("gdlab: ")
    return lines[0]


def _device(path: Path, minor: int) -> Path:
    """A copy of a memory device (3: /dev/null, 7: /dev/full) where a test may break it."""
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    return path


# ----------------------------------------------------- devices, FIFOs, links


@needs_root
def test_output_onto_a_null_device_writes_through_and_keeps_the_device(gdlab, tmp_path):
    """Item 2: `--output /dev/null` as root replaced /dev/null with a regular file.
    (Tried on a copy of /dev/null, so a failing test breaks nothing.)"""
    null = _device(tmp_path / "null", 3)
    result = gdlab(*SHORT_RUN, "--output", str(null))
    assert result.code == 0, result.err
    assert stat.S_ISCHR(null.stat().st_mode)
    assert null.stat().st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_output_onto_dev_null_itself_keeps_it_a_device(gdlab):
    result = gdlab(*SHORT_RUN, "--output", os.devnull)
    assert result.code == 0, result.err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_output_onto_a_fifo_is_written_through_and_the_fifo_stays(gdlab, tmp_path):
    fifo = tmp_path / "rows"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as reader:
            received.append(reader.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = gdlab(*SHORT_RUN, "--output", str(fifo))
    reader.join(timeout=30)
    assert result.code == 0, result.err
    assert received == [SHORT_ROWS.encode()]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows"]


def test_output_through_a_link_to_a_file_replaces_the_file_not_the_link(gdlab, tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old\n")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    result = gdlab(*SHORT_RUN, "--output", str(link))
    assert result.code == 0, result.err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == SHORT_ROWS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.txt", "real.txt"]


def test_output_through_a_link_to_a_device_keeps_the_link(gdlab, tmp_path):
    link = tmp_path / "quiet"
    link.symlink_to(os.devnull)
    result = gdlab(*SHORT_RUN, "--output", str(link))
    assert result.code == 0, result.err
    assert link.is_symlink() and os.readlink(link) == os.devnull
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_output_through_a_dangling_link_creates_its_target(gdlab, tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "new.txt")
    result = gdlab(*SHORT_RUN, "--output", str(link))
    assert result.code == 0, result.err
    assert link.is_symlink()
    assert (tmp_path / "new.txt").read_text() == SHORT_ROWS


def test_output_onto_a_socket_is_refused_in_one_line(gdlab, tmp_path):
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = gdlab(*SHORT_RUN, "--output", str(path))
    finally:
        server.close()
    assert result.code == 2
    assert "socket" in _one_line(result.err) and "output" in result.err
    assert result.out == ""
    assert stat.S_ISSOCK(path.lstat().st_mode)


# ------------------------------------------------------ writes that fail


@needs_root
def test_output_onto_a_full_device_is_one_line_and_exit_4(gdlab, tmp_path):
    full = _device(tmp_path / "full", 7)
    result = gdlab(*CSV_RUN, "--output", str(full))
    assert result.code == 4, result.err
    assert "No space left" in _one_line(result.err)
    assert stat.S_ISCHR(full.stat().st_mode)


@pytest.mark.slow
def test_stdout_onto_dev_full_is_one_line_and_exit_4():
    """Item 3: `gdlab run 1 > /dev/full` printed a 12-line traceback and exit 1."""
    with open("/dev/full", "w") as full:
        done = _gdlab_process(*SHORT_RUN, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 4, done.stderr
    line = _one_line(done.stderr)
    assert "standard output" in line and "No space left" in line


@pytest.mark.slow
def test_stdout_closed_is_one_line_and_exit_4():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        ["/bin/sh", "-c", 'exec "$0" -m tui run 1 --iterations 2 >&-', sys.executable],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert done.returncode == 4, done.stderr
    assert "standard output" in _one_line(done.stderr)


def _small_file_limit() -> None:
    """In the child: files may not grow past 4 KiB, and writing past that is an error
    (EFBIG) rather than the default SIGXFSZ: a full file system as a process sees it."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


@pytest.mark.slow
def test_output_onto_a_full_file_system_is_one_line_and_leaves_no_file(tmp_path):
    target = tmp_path / "ch3.csv"
    done = _gdlab_process(
        "run",
        "3",
        "--iterations",
        "2000",
        "--format",
        "csv",
        "--output",
        str(target),
        capture_output=True,
        preexec_fn=_small_file_limit,
    )
    assert done.returncode == 4, done.stderr
    assert "ch3.csv" in _one_line(done.stderr)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_output_onto_a_full_file_system_keeps_the_old_file(tmp_path):
    target = tmp_path / "ch3.csv"
    target.write_text("old\n")
    done = _gdlab_process(
        "run",
        "3",
        "--iterations",
        "2000",
        "--format",
        "csv",
        "--output",
        str(target),
        capture_output=True,
        preexec_fn=_small_file_limit,
    )
    assert done.returncode == 4, done.stderr
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["ch3.csv"]
