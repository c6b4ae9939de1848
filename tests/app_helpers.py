"""Helpers shared by the app's Pilot tests.

Polls sleep with asyncio (the app runs on the same loop) by default rather than
``pilot.pause``, which first waits for every widget's queue to drain: 0.1-0.4 s
a poll while a run keeps a core busy, too coarse to time a stop. Keys go
through ``App.simulate_key`` (the same binding dispatch as a key press) because
``pilot.press`` waits for the process to look idle, which takes a second or two
during a run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.message import Message
from textual.pilot import Pilot

from tui.app import SCREEN_KEYS, GdlabApp
from tui.messages import SolverReady
from tui.screens.chapter import ChapterScreen

RUN_TIMEOUT = 60.0
"""Seconds a run may take before a test gives up (chapter 3 takes ~5-15 s here)."""


async def wait_until(
    pilot: Pilot[None],
    predicate: Callable[[], bool],
    what: str,
    timeout: float = RUN_TIMEOUT,
    *,
    drain: bool = False,
) -> None:
    """Let the app work until ``predicate()`` holds; fail after ``timeout``.

    ``drain`` polls with ``pilot.pause(0.05)`` instead, so every widget has also
    handled its messages when this returns.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        if drain:
            await pilot.pause(0.05)
        else:
            await asyncio.sleep(0.02)


async def tap(pilot: Pilot[None], key: str) -> None:
    """Send a key through the app's bindings without waiting for an idle CPU."""
    pilot.app.simulate_key(key)
    await asyncio.sleep(0)


def live_ready(screen: ChapterScreen) -> bool:
    """The screen's table and plots are mounted (they mount after torch loads)."""
    return (
        screen.live is not None
        and screen.live.table is not None  # None until the view has composed
        and bool(screen.query("#objective-plot"))
    )


async def first_screen(pilot: Pilot[None]) -> ChapterScreen:
    """The screen the app opened on, once torch has loaded and its table is mounted."""
    screen = pilot.app.screen
    assert isinstance(screen, ChapterScreen)
    await wait_until(pilot, lambda: live_ready(screen), "the first screen's table", 30)
    await pilot.pause(0.1)  # the controls move down when torch's facts arrive
    return screen


async def chapter(pilot: Pilot[None], key: int) -> ChapterScreen:
    """Press the chapter's key; return its screen once showing, with table and plots."""
    app = pilot.app
    await tap(pilot, str(key))

    def showing() -> bool:
        screen = app.screen
        return (
            isinstance(screen, ChapterScreen)
            and screen.problem_id == SCREEN_KEYS[str(key)]
            and live_ready(screen)
        )

    await wait_until(pilot, showing, f"chapter {key}'s screen", timeout=30)
    screen = app.screen
    assert isinstance(screen, ChapterScreen)
    return screen


def chapter_screens(app: GdlabApp) -> list[ChapterScreen]:
    """Every chapter screen the app has built so far (modes build them on first visit)."""
    stacks = app._screen_stacks.values()  # Textual keeps a screen stack per mode
    return [screen for stack in stacks for screen in stack if isinstance(screen, ChapterScreen)]


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
