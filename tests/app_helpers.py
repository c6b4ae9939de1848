"""Helpers shared by the app's Pilot tests."""

from __future__ import annotations

from textual.message import Message

from tui.app import GdlabApp
from tui.messages import SolverReady


def hold_solver_ready(app: GdlabApp) -> list[Message]:
    """Keep the app's SolverReady from being delivered, as a slow torch import would.

    Returns the list the held message lands in; post it to release it.
    """
    held: list[Message] = []
    post = app.post_message

    def holding(message: Message) -> bool:
        if isinstance(message, SolverReady):
            held.append(message)
            return True
        return post(message)

    app.post_message = holding  # type: ignore[method-assign]
    return held
