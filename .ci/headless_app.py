"""Run the installed gdlab app headless, from outside the source tree (.ci/check-install).

Checks that the import comes from the installed package, that its stylesheets load
(Textual refuses to start without them), and that chapter 1 runs to the end.
"""

from __future__ import annotations

import asyncio
import html
import sys
import time
from pathlib import Path

import tui
from tui.app.app import GdlabApp


def screen_text(app: GdlabApp) -> str:
    """The screen's text, from its SVG screenshot (entities and non-breaking spaces undone)."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


async def main() -> None:
    location = Path(tui.__file__).resolve()
    assert "site-packages" in location.parts, f"tui imported from {location}, not the install"
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:

        async def wait_for(word: str, timeout: float = 60) -> None:
            deadline = time.monotonic() + timeout
            while word not in screen_text(app):
                if time.monotonic() > deadline:
                    raise SystemExit(f"the installed app never showed {word!r}")
                await pilot.pause(0.2)

        await wait_for("Chapter 1")
        await wait_for("stable for η < 2")  # torch loaded, the bound computed
        await wait_for("Quit")  # the footer: its stylesheet and bindings
        await pilot.pause(0.5)
        await pilot.press("r")
        await wait_for("finished")
    print(f"gdlab app ran headless from {location.parent}", file=sys.stderr)


asyncio.run(main())
