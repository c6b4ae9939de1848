"""``gdlab serve``: the app in a browser tab, through textual-serve.

Every tab gets its own app. What gdlab changes in textual-serve:

- the page (``static/templates/app_index.html``) takes its fonts from this
  server rather than a web font host, adds a small glyph font for the header's
  ⭘, and focuses the terminal once the app has drawn (Textual's footer is blank
  while the app is told it has no focus, and keys reach the app only then);
- the page's addresses (its scripts, fonts and websocket) are relative to the page,
  so a student's browser reaches the app through the address it opened, where
  textual-serve wrote the bound host (``http://0.0.0.0:8000``, which no other
  machine can open); ``--public-url`` gives them one absolute address instead (a
  reverse proxy, an https front);
- a port that is taken is refused in one line (exit 2) before anything is served.
"""

from __future__ import annotations

import argparse
import errno
import os
import shlex
import socket
import sys
from urllib.parse import urlsplit

from solvers.core.validation import SettingError, parse_int

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


def parse_public_url(text: str | None) -> str | None:
    """The address students open, as ``--public-url`` gives it, without a final /;
    refused unless it is an http:// or https:// URL with a host and nothing after
    its path."""
    if text is None:
        return None
    accepted = "an http:// or https:// address such as http://lab-server:8000"
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise SettingError("--public-url", f"{text!r} is not {accepted}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingError("--public-url", f"{text!r} is not {accepted}")
    if parts.query or parts.fragment:
        raise SettingError("--public-url", f"{text!r} has a ? or #; expected {accepted}")
    return text.strip().rstrip("/")


def serve_command(args: argparse.Namespace) -> int:
    """Serve ``python -m tui`` on HOST:PORT; every browser tab gets its own app."""
    port = parse_int("port", args.port, 1, 65535)
    fps = None if args.serve_fps is None else parse_int("fps", args.serve_fps, 1, 120)
    public_url = parse_public_url(args.public_url)
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
    from tui.serve.web import serve

    fork = os.environ.get("GDLAB_SERVE_FORK", "1") != "0"
    try:
        serve(command, args.host, port, fork=fork, fps=fps, public_url=public_url)
    except OSError as error:  # taken between the check and the bind
        print(f"gdlab: cannot serve on {args.host}:{port}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    return 0
