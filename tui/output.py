"""The one place ``gdlab run`` writes its rows: standard output or ``--output FILE``.

The rule, whatever FILE is (symbolic links are followed to what they finally name):

- nothing yet, or a regular file: the rows go to a temporary file beside it,
  renamed onto it only when writing has ended well. A link is never replaced:
  the file it points to is, and the link still points to it.
- a character device (``/dev/null``, a terminal) or a FIFO: written through in
  place, as ``>`` would; there is no temporary file, so nothing is left behind.
- a folder, a block device (a disk) or a socket: refused in one line, exit code 2,
  before any work is done.

A write that fails (a full disk, ``/dev/full``, a closed standard output) raises
``OutputError``: one line, exit code 4, and no file left at FILE or beside it.
A reader that stops reading (``gdlab run 3 | head -1``) raises BrokenPipeError,
which the CLI treats as a normal end.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from solvers.core.validation import SettingError


class OutputError(Exception):
    """The rows could not be written: one line, exit code 4."""


def shown(path: str) -> str:
    """A path for a one-line message: its end, where the name that matters is."""
    return repr(path if len(path) <= 60 else "…" + path[-60:])


@dataclass(frozen=True)
class Destination:
    """Where ``--output`` writes, once links are followed."""

    path: Path
    """What the user typed."""
    real: Path
    """What it names in the end (links followed)."""
    atomic: bool
    """Regular file (or nothing yet): temporary file, then rename. Else write through."""


def check(path: str) -> Destination:
    """Refuse an --output path that cannot be written, before any work is done."""
    if path == "" or path.endswith(("/", os.sep)):
        raise SettingError("output", f"{shown(path)} is a folder; expected a file path")
    target = Path(path)
    try:
        try:
            info = os.stat(target)  # follows links
        except FileNotFoundError:
            real = Path(os.path.realpath(target))  # a dangling link names its target
            if not real.parent.is_dir():
                raise SettingError(
                    "output", f"folder {shown(str(target.parent))} does not exist"
                ) from None
            return Destination(target, real, atomic=True)
    except OSError as error:
        raise SettingError("output", f"cannot use {shown(path)}: {error.strerror}") from None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise SettingError("output", f"{shown(path)} is a folder; expected a file path")
    if stat.S_ISREG(mode):
        return Destination(target, Path(os.path.realpath(target)), atomic=True)
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return Destination(target, target, atomic=False)
    what = "a block device (a disk)" if stat.S_ISBLK(mode) else "a socket"
    raise SettingError(
        "output", f"{shown(path)} is {what}; expected a file, a character device or a FIFO"
    )


def file_mode(target: Path) -> int:
    """The mode the written file gets: the replaced file's, else a new file's."""
    with contextlib.suppress(OSError):
        return target.stat().st_mode & 0o7777
    return new_file_mode()


def new_file_mode() -> int:
    """A new file's mode, as ``open`` would create it: 0666 less the umask (0644 with
    the usual 022). A temporary file from mkstemp is 0600 until given this."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class GuardedStream:
    """A text stream whose failed writes raise OutputError naming the destination
    (BrokenPipeError passes through: a reader that stopped reading is no failure)."""

    def __init__(self, stream: TextIO, name: str) -> None:
        self._stream = stream
        self._name = name

    def _failed(self, error: OSError) -> OutputError:
        return OutputError(f"cannot write {self._name}: {error.strerror or error}")

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._failed(error) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise self._failed(error) from None


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or ``path`` written by the rule in this module's docstring."""
    if path is None:
        if sys.stdout is None:  # started with stdout closed: gdlab run 1 >&-
            raise OutputError("cannot write standard output: it is closed")
        stream = GuardedStream(sys.stdout, "standard output")
        yield stream  # type: ignore[misc]
        stream.flush()
        return
    destination = check(path)
    if destination.atomic:
        yield from _write_atomically(destination)
    else:
        yield from _write_through(destination)


def _close_quietly(raw: TextIO) -> None:
    """Close after a failure: the buffer's flush may fail too; the descriptor closes anyway."""
    with contextlib.suppress(OSError, ValueError):
        raw.close()


def _finish(raw: TextIO, name: str, *, sync: bool) -> None:
    """Flush, optionally fsync, and close ``raw``; a failure is an OutputError."""
    try:
        raw.flush()
        if sync:
            try:
                os.fsync(raw.fileno())  # the rename must not land before the data
            except OSError as error:
                if error.errno not in (errno.EINVAL, errno.EOPNOTSUPP):  # no fsync there
                    raise
        raw.close()
    except BrokenPipeError:
        _close_quietly(raw)
        raise
    except OSError as error:
        _close_quietly(raw)
        raise OutputError(f"cannot write {name}: {error.strerror or error}") from None


def _stream(fd: int, name: str, *, sync: bool) -> Iterator[TextIO]:
    """``fd`` as a text stream whose failed writes say so: closed quietly when the
    writing fails, flushed (and, with ``sync``, fsynced) and closed when it ends well."""
    raw = os.fdopen(fd, "w", encoding="utf-8", newline="")
    try:
        yield GuardedStream(raw, name)  # type: ignore[misc]
    except BaseException:
        _close_quietly(raw)
        raise
    _finish(raw, name, sync=sync)


def _write_through(destination: Destination) -> Iterator[TextIO]:
    name = shown(str(destination.path))
    try:
        fd = os.open(destination.path, os.O_WRONLY | os.O_NOCTTY | os.O_APPEND)
    except OSError as error:
        raise SettingError("output", f"cannot open {name}: {error.strerror}") from None
    yield from _stream(fd, name, sync=False)


ENDING_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def _write_atomically(destination: Destination) -> Iterator[TextIO]:
    real = destination.real
    folder = real.parent
    name = shown(str(destination.path))
    # No signal may land between creating the temporary file and the ``try`` that
    # removes it: hold them (the kernel keeps them pending) until that ``try`` runs.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, ENDING_SIGNALS)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".part", dir=folder)
    except OSError as error:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise SettingError(
            "output", f"cannot write in {shown(str(folder))}: {error.strerror}"
        ) from None
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a held signal is handled here
        os.fchmod(fd, file_mode(real))  # mkstemp makes 0600; keep the usual mode
        yield from _stream(fd, name, sync=True)
        try:
            os.replace(tmp, real)
        except OSError as error:
            raise OutputError(f"cannot write {name}: {error.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
