"""Ctrl-C before gdlab's own handlers are in: noted, and said in one line.

:func:`install` is the first thing the ``gdlab`` entry module (tui/main.py) does;
importing this module changes nothing.
"""

import sys as _sys

EARLY_INTERRUPTS: list[int] = []
"""Ctrl-C that arrived before ``tui.process.guarded`` installed gdlab's handlers.

The early handler raises KeyboardInterrupt where Python's own would, and also notes
the signal here, which ``guarded`` honours as soon as it takes over: an interrupt
swallowed somewhere during the imports still ends the command."""


def _early_interrupt(signum, frame):  # type: ignore[no-untyped-def]
    EARLY_INTERRUPTS.append(signum)
    raise KeyboardInterrupt


def _take_early_interrupts() -> None:
    import contextlib
    import signal as _signal

    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
        # imported outside the main thread: nothing to take over (ValueError)
        with contextlib.suppress(ValueError):
            _signal.signal(_signal.SIGINT, _early_interrupt)


def _interrupted_on_import(kind, value, tb):  # type: ignore[no-untyped-def]
    """Ctrl-C while Python imports gdlab, before ``tui.process.guarded`` has taken
    over: the same one line and exit code 130 as any later moment, no traceback."""
    if issubclass(kind, KeyboardInterrupt):
        import os

        try:
            _sys.stderr.write("gdlab: interrupted\n")
            _sys.stderr.flush()
        finally:
            os._exit(130)
    _sys.__excepthook__(kind, value, tb)


def install() -> None:
    """Take SIGINT from Python's own handler and, unless a debugger or IDE has its
    own, the excepthook: from here on an early Ctrl-C ends gdlab as any other does."""
    _take_early_interrupts()
    if _sys.excepthook is _sys.__excepthook__:  # leave a debugger's or IDE's hook alone
        _sys.excepthook = _interrupted_on_import
