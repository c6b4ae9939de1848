"""Issue 21, item 14: the footer shows only keys that act now, each saying what it does.

The footer is read from the screen: the bottom row of the frame the terminal gets
(``export_screenshot``, where a dialog is drawn over the screen under it). Every word
there must belong to the footer of the screen that gets the keys now, and each key
that footer shows undimmed must be the key's binding on that screen, with that
binding's words, and enabled there.
"""

from __future__ import annotations

import html
import re
from typing import ClassVar

import pytest
from app_helpers import first_screen, tap, wait_until
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey, FooterLabel

from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.export import ExportScreen
from tui.app.screens.help import HelpScreen
from tui.app.widgets.steady_footer import SteadyFooter

SIZE = (120, 40)
CELL = 12.2
"""Width of a cell in Rich's SVG export."""
TEXT = re.compile(r'<text[^>]* x="([\d.]+)"[^>]*clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>')


def bottom_row(app: App[None]) -> str:
    """The terminal's bottom row as drawn now."""
    row = [" "] * SIZE[0]
    for x, line, text in TEXT.findall(app.export_screenshot()):
        if int(line) == SIZE[1] - 1:
            column = round(float(x) / CELL)
            for offset, character in enumerate(html.unescape(text).replace("\xa0", " ")):
                row[column + offset] = character
    return "".join(row)


def footer_keys(app: App[None]) -> list[FooterKey]:
    """The keys of the footer of the screen that gets the keys now."""
    return list(app.screen.query(FooterKey))


def footer_text(app: App[None]) -> str:
    """The bottom row, checked to hold only words of the key-getting screen's footer."""
    row = bottom_row(app)
    keys = footer_keys(app)
    own = {word for key in keys for word in f"{key.key_display} {key.description}".split()}
    own |= {word for label in app.screen.query(FooterLabel) for word in str(label.render()).split()}
    groups: dict[int, str] = {}  # a group's keys are drawn together: "1234"
    for key in keys:
        if key.has_class("-grouped"):
            groups[id(key.parent)] = groups.get(id(key.parent), "") + key.key_display
    own |= set(groups.values())
    strangers = [word for word in row.split() if word not in own]
    assert strangers == [], f"the bottom row shows {strangers} ({row.strip()!r})"
    return row


def false_keys(app: App[None]) -> list[str]:
    """Keys the footer shows undimmed that do not do what it says on the screen now."""
    active = app.screen.active_bindings
    wrong = []
    for key in footer_keys(app):
        if key.has_class("-disabled"):
            continue
        binding = active.get(key.key)
        if binding is None or not binding.enabled or binding.binding.action != key.action:
            wrong.append(f"{key.key} {key.description}".strip())
        elif key.description and key.description.rstrip() != binding.binding.description:
            wrong.append(f"{key.key} {key.description} (does: {binding.binding.description})")
    return wrong


async def settled_footer(pilot, what: str, expected: str) -> str:  # type: ignore[no-untyped-def]
    """The footer's text once it shows ``expected`` (fails after a while if it never does)."""
    await wait_until(pilot, lambda: expected in bottom_row(pilot.app), what, 10)
    return footer_text(pilot.app)


@pytest.mark.slow
async def test_the_footer_shows_only_keys_that_act_in_each_state() -> None:
    app = GdlabApp(start_chapter="3")
    async with app.run_test(size=SIZE) as pilot:
        screen = await first_screen(pilot)

        text = await settled_footer(pilot, "idle footer", "Run")
        assert "Run" in text and "Pause" not in text and "Resume" not in text, text
        assert false_keys(app) == []

        screen.query_one("#iterations", Input).value = "10000000"
        await tap(pilot, "r")
        await wait_until(pilot, lambda: screen.controller.count > 0, "the run's rows")
        text = await settled_footer(pilot, "running footer", "Pause")
        assert "Resume" not in text, text
        assert false_keys(app) == []

        await tap(pilot, "space")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.PAUSED, "paused", 5)
        text = await settled_footer(pilot, "paused footer", "Resume")
        assert "Pause" not in text, text
        assert false_keys(app) == []
        await tap(pilot, "space")  # does what it says
        await wait_until(pilot, lambda: screen.controller.phase is Phase.RUNNING, "resumed", 5)
        await settled_footer(pilot, "running footer again", "Pause")

        await tap(pilot, "question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help", 10)
        text = await settled_footer(pilot, "the help's footer", "Close")
        assert "Run" not in text and "Stop" not in text, text
        assert false_keys(app) == []
        await tap(pilot, "s")  # not shown: does nothing while the help is open
        await tap(pilot, "escape")
        await wait_until(pilot, lambda: app.screen is screen, "the help to close", 10)
        assert screen.controller.phase is Phase.RUNNING

        await tap(pilot, "s")
        await wait_until(pilot, lambda: not screen.controller.phase.live, "the stop", 10)
        await tap(pilot, "e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportScreen), "the dialog", 10)
        dialog = app.screen
        text = await settled_footer(pilot, "the dialog's footer", "Check folder")
        assert "Chapter" not in text and "Export" not in text, text
        assert false_keys(app) == []
        field = dialog.query_one("#folder", Input)
        await wait_until(pilot, lambda: app.focused is field, "the folder field's focus", 5)
        before = field.value
        await pilot.press("end", "1")
        # a digit in the folder field types (a folder may be called run1); the chapter
        # keys are the screen's under the dialog, and the dialog is modal
        assert field.value == before + "1"
        assert app.current_mode == "chapter3" and app.screen is dialog


class PausingApp(App[None]):
    """space names what it does: Pause while running, Resume while paused."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "pause", "Pause"),
        Binding("space", "resume", "Resume"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.paused = False

    def compose(self) -> ComposeResult:
        yield Static("x")
        yield SteadyFooter(show_command_palette=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("pause", "resume"):
            return self.paused == (action == "resume")
        return True

    def action_pause(self) -> None:
        self.paused = True
        self.refresh_bindings()

    def action_resume(self) -> None:
        self.paused = False
        self.refresh_bindings()


async def test_the_footer_renames_a_key_in_place_and_keeps_its_width() -> None:
    app = PausingApp()
    async with app.run_test(size=(60, 5)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.query(FooterKey)), "the footer", 5)
        space = next(key for key in app.screen.query(FooterKey) if key.key == "space")
        layouts: list[bool] = []
        original = space.refresh

        def refresh(*regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
            layouts.append(layout)
            return original(*regions, repaint=repaint, layout=layout, recompose=recompose)

        space.refresh = refresh  # type: ignore[method-assign]
        widths = []
        for words in ("Resume", "Pause", "Resume"):
            await pilot.press("space")
            await wait_until(pilot, lambda w=words: space.description.rstrip() == w, words, 5)
            assert space.action == words.lower()
            await pilot.pause()
            widths.append(space.size.width)
            if words == "Resume" and len(widths) == 1:
                assert True in layouts  # grew: laid out
                layouts.clear()
        assert [key.key for key in app.screen.query(FooterKey)] == ["space", "q"]
        assert space in app.screen.query(FooterKey)  # the same widget: no rebuild
        assert True not in layouts  # then its width is kept: no layout pass
        assert widths[0] == widths[1] == widths[2]
        assert "Resume" in str(space.render())


@pytest.mark.slow
async def test_the_compare_footer_says_resume_while_paused() -> None:
    app = GdlabApp()
    async with app.run_test(size=SIZE) as pilot:
        await first_screen(pilot)
        await tap(pilot, "5")
        await wait_until(
            pilot, lambda: bool(app.screen.query("#compare-iterations")), "compare", 30
        )
        compare = app.screen
        compare.query_one("#compare-iterations", Input).value = "1000000"
        await tap(pilot, "r")
        await wait_until(pilot, lambda: compare.phase is Phase.RUNNING, "the members' run", 30)
        text = await settled_footer(pilot, "running footer", "Pause")
        assert "Resume" not in text and false_keys(app) == [], text
        await tap(pilot, "space")
        await wait_until(pilot, lambda: compare.phase is Phase.PAUSED, "paused", 10)
        text = await settled_footer(pilot, "paused footer", "Resume")
        assert "Pause" not in text and false_keys(app) == [], text
        await tap(pilot, "space")
        await wait_until(pilot, lambda: compare.phase is Phase.RUNNING, "resumed", 10)
        await tap(pilot, "s")
        await wait_until(pilot, lambda: not compare.phase.live, "the stop", 30)
