"""``gdlab serve``: the app in a browser tab, through textual-serve.

Every tab gets its own app. What gdlab changes in textual-serve:

- the page (``serve_static/templates/app_index.html``) takes its fonts from this
  server rather than a web font host, adds a small glyph font for the header's
  ⭘, and focuses the terminal once the app has drawn (Textual's footer is blank
  while the app is told it has no focus, and keys reach the app only then);
- a port that is taken is refused in one line (exit 2) before anything is served.
"""

from __future__ import annotations

import argparse
import errno
import os
import shlex
import socket
import sys

from solvers.validation import parse_int

EXIT_USAGE = 2


def port_in_use(host: str, port: int) -> str | None:
    """Why HOST:PORT cannot be served (one line), or None when it can.

    Binds every address HOST resolves to, as the web server will, with the same
    SO_REUSEADDR, then lets go.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        return f"host {host!r}: {error.strerror}"
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    return f"port {port} on {host} is already in use; choose another with --port"
                return f"cannot serve on {host}:{port}: {error.strerror}"
    return None


def serve_command(args: argparse.Namespace) -> int:
    """Serve ``python -m tui`` on HOST:PORT; every browser tab gets its own app."""
    port = parse_int("port", args.port, 1, 65535)
    fps = None if args.serve_fps is None else parse_int("fps", args.serve_fps, 1, 120)
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        print(
            "gdlab: serve needs textual-serve; install it with: pip install 'gdlab[serve]'",
            file=sys.stderr,
        )
        return 1
    refused = port_in_use(args.host, port)
    if refused is not None:
        print(f"gdlab: {refused}", file=sys.stderr)
        return EXIT_USAGE
    command = f"{shlex.quote(sys.executable)} -m tui"
    from tui.serve_web import serve

    fork = os.environ.get("GDLAB_SERVE_FORK", "1") != "0"
    try:
        serve(command, args.host, port, fork=fork, fps=fps)
    except OSError as error:  # taken between the check and the bind
        print(f"gdlab: cannot serve on {args.host}:{port}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    return 0
