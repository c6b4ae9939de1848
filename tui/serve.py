"""``gdlab serve``: the app in a browser tab, through textual-serve."""

from __future__ import annotations

import argparse
import shlex
import sys

from solvers.validation import parse_int


def serve_command(args: argparse.Namespace) -> int:
    """Serve ``python -m tui`` on HOST:PORT; every browser tab gets its own app."""
    port = parse_int("port", args.port, 1, 65535)
    try:
        from textual_serve.server import Server
    except ImportError:
        print(
            "gdlab: serve needs textual-serve; install it with: pip install 'gdlab[serve]'",
            file=sys.stderr,
        )
        return 1
    command = f"{shlex.quote(sys.executable)} -m tui"
    Server(command, host=args.host, port=port, title="gdlab").serve()
    return 0
