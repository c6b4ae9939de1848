"""How a gdlab process ends: exit codes, signals, the top-level guard, the crash log.

Every way out goes through ``guarded``: whatever happens, the user sees at most
one line on stderr and the process exits with one of the codes below. Nothing
here imports more than the standard library, so it costs nothing at start-up.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import TextIO

from tui import early_interrupts

EXIT_OK = 0
"""Done; also when a reader stops reading (``gdlab run 3 | head -1``)."""
EXIT_FAILED = 1
"""Could not run: torch missing, or an unexpected error (its traceback is in a log file)."""
EXIT_USAGE = 2
"""Bad input, a refused --output, or no terminal for the app."""
EXIT_DIVERGED = 3
"""The run diverged: f rose away from its start, or a number became inf or NaN."""
EXIT_OUTPUT = 4
"""The rows could not be written: a full disk, /dev/full, a closed stdout."""
EXIT_UNBOUNDED = 5
"""f fell without bound: below −1e12 × max(1, |f at the start|), or to −inf."""
EXIT_NOT_MINIMUM = 6
"""The run ended on a stationary point that is not a minimum (a local maximum or saddle)."""
EXIT_HANGUP = 128 + signal.SIGHUP  # 129
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143

ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
"""Signals that end gdlab the way SIGINT (Ctrl-C) does, each with its own code."""


WATCHDOG_SECONDS = 3.0
"""After SIGTERM or SIGHUP the app ends within this many seconds, clean-up or not
(``tui.app.launch``; ``gdlab run`` unwinds without Textual and removes its partial file)."""


class Ended(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (removing any temporary file) and exit 128+N.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception``
    swallows it; not a KeyboardInterrupt, so that a run stopped this way does
    not write its rows as Ctrl-C does: the process was told to go, not to finish.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.code = 128 + signum
        self.name = signal.Signals(signum).name


def say(line: str, *, stream: TextIO | None = None) -> None:
    """One line on stderr, if there is still a stderr to write to (after SIGHUP the
    terminal may be gone: writing then fails, and there is nobody to tell)."""
    stream = stream or sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write(line + "\n")
        stream.flush()


_ENDING_SAID = threading.Lock()
"""Held once "ended by" has been said: the unwinding and the watchdog may both get there."""


def say_ended(name: str, *, stream: TextIO | None = None) -> None:
    """``gdlab: ended by NAME``, once per process, on ``stream`` (default: stderr)."""
    if _ENDING_SAID.acquire(blocking=False):
        say(f"gdlab: ended by {name}", stream=stream)


def state_folder() -> Path:
    """Where crash logs go: $XDG_STATE_HOME/gdlab, else ~/.local/state/gdlab."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return Path(base) / "gdlab"


def write_log(text: str) -> Path | None:
    """Keep ``text`` (a traceback) in a new log file; None when nowhere is writable."""
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    import tempfile

    for folder in (state_folder(), Path(tempfile.gettempdir()) / "gdlab"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            with open(path, "x", encoding="utf-8") as log:
                log.write(text)
            return path
        except OSError:
            continue
    return None


def report_crash(error: BaseException, *, text: str | None = None) -> int:
    """The one line for an unexpected error, naming the log that holds its traceback."""
    if text is None:
        text = "".join(traceback.format_exception(error))
    path = write_log(text)
    what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    what = " ".join(what.split())
    if len(what) > 160:
        what = what[:160] + "…"
    where = f"the traceback is in {path}" if path else "no log could be written"
    say(f"gdlab: unexpected error ({what}); {where}")
    return EXIT_FAILED


_WATCHDOG: list[threading.Thread] = []


def arm_watchdog(code: int, seconds: float = WATCHDOG_SECONDS) -> None:
    """End the process with ``code`` after ``seconds`` unless it has ended by then.

    The clean way out (unwinding, Textual giving the terminal back) can wait for
    ever once the terminal has gone: a write that can never complete, a thread that
    never answers. A process told to go must go, so this daemon thread says the
    ending line (if it can and nobody has) and calls ``os._exit``. Armed once; a
    daemon thread dies with the interpreter, so a process that ends in time never
    meets it.
    """
    if _WATCHDOG:
        return

    def expire() -> None:
        time.sleep(seconds)
        # the line the unwinding would have said, if it has not, on the real stderr
        # (a running app captures sys.stderr); a terminal that blocks it gets 1 s
        teller = threading.Thread(
            target=say_ended,
            args=(signal.Signals(code - 128).name,),
            kwargs={"stream": sys.__stderr__},
            daemon=True,
        )
        teller.start()
        teller.join(1.0)
        os._exit(code)

    watchdog = threading.Thread(target=expire, name="gdlab-watchdog", daemon=True)
    _WATCHDOG.append(watchdog)
    watchdog.start()


_ARRIVED: list[int] = []
"""The ending signal that arrived, if one has (see :func:`reraise_if_signalled`)."""
_EARLY_TAKEN = False
"""Whether a guard has taken over ``early_interrupts.EARLY_INTERRUPTS`` (only the process's first:
a later ``main`` in the same process, as the tests make, starts clean)."""


def reraise_if_signalled() -> None:
    """Raise the ending a signal asked for, if one arrived. A signal raised inside a C
    extension's import comes back wrapped in an ImportError (numpy: "Original error
    was …"); the caller that catches ImportError calls this first, so the process
    still ends as the signal said, not as a failed import."""
    if _ARRIVED:
        signum = _ARRIVED[0]
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Ended(signum)


class _Signals:
    """Raise on the first ending signal; later ones (during the clean-up) wait."""

    def __init__(self) -> None:
        self.ending: int | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.ending is not None:
            return  # already unwinding: let the clean-up finish
        self.ending = signum
        _ARRIVED.append(signum)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Ended(signum)


@contextlib.contextmanager
def signal_handlers(
    handler: Callable[[int, FrameType | None], object] | None = None,
) -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP handled by ``handler`` (default: raise), restored after.

    Outside the main thread (a test calling ``main`` from a worker) nothing is changed.
    """
    chosen = handler or _Signals()
    _ARRIVED.clear()
    global _EARLY_TAKEN
    if not _EARLY_TAKEN:  # the process's first guard: an interrupt before it counts
        _EARLY_TAKEN = True
        _ARRIVED.extend(early_interrupts.EARLY_INTERRUPTS[:1])
        early_interrupts.EARLY_INTERRUPTS.clear()
    previous: dict[int, object] = {}
    try:
        for signum in (signal.SIGINT, *ENDING_SIGNALS):
            previous[signum] = signal.signal(signum, chosen)
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for number, old in previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(number, old)  # type: ignore[arg-type]


def _silence_stdout() -> None:
    """Python flushes stdout at exit; after a failed write that would print a warning."""
    with contextlib.suppress(OSError):
        devnull = open(os.devnull, "w")  # noqa: SIM115 - lives until the process ends
        sys.stdout = devnull


def _flush_stdout() -> None:
    """Flush stdout now, inside the guard, rather than at interpreter exit."""
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    except (OSError, ValueError) as error:
        _silence_stdout()
        from tui.output import OutputError

        raise OutputError(
            f"cannot write standard output: {getattr(error, 'strerror', None) or error}"
        ) from None


def _drain_stdout() -> None:
    """After another ending: flush what stdout holds if it can, else drop it quietly."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        _silence_stdout()
    except (KeyboardInterrupt, Ended):  # the ending is decided already; a late signal
        _silence_stdout()  # only cuts short what was left to flush


def guarded(body: Callable[[], int]) -> int:
    """Run ``body`` with gdlab's signal handlers; turn every ending into one line and a code."""
    from solvers.core.validation import SettingError
    from tui.output import OutputError

    with signal_handlers():
        try:
            # a Ctrl-C before the handlers were in (early_interrupts.EARLY_INTERRUPTS)
            reraise_if_signalled()
            code = body()
            _flush_stdout()  # a failure here is a failed write: exit 4
            return code
        except KeyboardInterrupt:
            say("gdlab: interrupted")
            return EXIT_INTERRUPTED
        except Ended as ended:
            say_ended(ended.name)
            return ended.code
        except BrokenPipeError:
            _silence_stdout()  # the reader stopped reading: nothing more to say
            return EXIT_OK
        except OutputError as error:
            say(f"gdlab: {error}")
            return EXIT_OUTPUT
        except SettingError as error:
            say(f"gdlab: {error}")
            return EXIT_USAGE
        except Exception as error:
            return report_crash(error)
        finally:
            _drain_stdout()
