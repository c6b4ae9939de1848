"""gdlab's Textual app and the gdlab command."""

import sys as _sys


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
