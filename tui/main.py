"""The ``gdlab`` command's entry module: the early Ctrl-C handling first, then the
command (tui/cli/command.py)."""

from tui import early_interrupts

early_interrupts.install()  # first: before it, the window is Python's own

from tui.cli.command import main  # noqa: E402  (after the handler, on purpose)

__all__ = ["main"]

if __name__ == "__main__":
    import sys

    sys.exit(main())
