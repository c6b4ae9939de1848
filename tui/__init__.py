"""gdlab's Textual app and the gdlab command."""

import sys as _sys

EARLY_INTERRUPTS: list[int] = []
"""Ctrl-C that arrived before ``tui.process.guarded`` installed gdlab's handlers.

Python's own handler raises KeyboardInterrupt wherever the main thread is. Once,
by hand, a Ctrl-C 0.05 s after start was lost that way during the imports before
gdlab's handlers (where it was swallowed was not found) and a 10,000,000-iteration
run went on to its end. This handler raises the same exception and also notes the
signal, which ``guarded`` honours as soon as it takes over. Installed first thing,
before any other import of gdlab's; before it, the window is Python's own."""


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


_take_early_interrupts()  # first: the window before it is Python's own


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


if _sys.excepthook is _sys.__excepthook__:  # leave a debugger's or IDE's hook alone
    _sys.excepthook = _interrupted_on_import
