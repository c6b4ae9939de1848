"""Start-up order: the first frame, then the fields, then torch.

The first screen composes only its header, title, formula, facts and status;
the fields, buttons, progress bar and footer are mounted once the first frame is out,
and torch is imported after that (the bench's B4 measures the first frame).
These tests pin the order and what a key does in the short gap before the
fields exist, and that quitting at any moment of it leaves cleanly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from app_helpers import wait_until
from textual import events
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Footer, Input, ProgressBar, Select
from textual_plot import PlotWidget

import tui.app.app
from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.chapter import ChapterScreen
from tui.app.widgets.landscape import LandscapePlot
from tui.app.widgets.live_view import LiveView
from tui.app.widgets.settings_form import SettingsForm


class NoControlsYet(GdlabApp):
    """The app frozen in the gap between its first frame and its fields."""

    CSS_PATH = str(Path(tui.app.app.__file__).with_name("app.tcss"))

    def _after_first_frame(self) -> None:
        # later screens compose whole; the first one is not told, and stays bare
        self.set_reactive(GdlabApp.first_frame_shown, True)


async def test_the_first_screen_starts_bare_and_gets_its_fields_before_torch_loads() -> None:
    app = GdlabApp()
    seen_at_load: list[bool] = []
    load = app._load_solver

    def recording_load() -> None:
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        seen_at_load.append(screen.controls_mounted and bool(screen.query("#eta")))
        load()

    app._load_solver = recording_load  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        await wait_until(pilot, lambda: bool(seen_at_load), "torch's import to start")
        assert seen_at_load == [True]
        assert screen.query_one("#eta", Input).value == "0.4"
        assert screen.query_one("#iterations", Input).value == "15"
        assert screen.query_one("#device", Select).value == "auto"
        assert len(screen.query(ProgressBar)) == 1
        assert len(screen.query(Footer)) == 1


@pytest.mark.slow
async def test_keys_before_the_fields_exist_do_nothing_and_break_nothing() -> None:
    app = NoControlsYet()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        for key in ("r", "n", "space", "s", "ctrl+r", "escape"):
            await pilot.press(key)
        await pilot.pause()
        assert not screen.controls_mounted
        assert not screen.query("#eta")
        assert not screen.query(Footer)
        assert screen.controller.view is None and not screen.controller.phase.live
        assert screen.controller.phase is Phase.IDLE
        # the fields come when asked, with the book's values
        await screen.mount_controls()
        await pilot.pause()
        assert screen.query_one("#eta", Input).value == "0.4"
        # the footer lists the keys at once, not at the next change of focus or bindings
        await wait_until(pilot, lambda: bool(screen.query("FooterKey")), "the footer's keys", 5)
        assert {getattr(key, "key", None) for key in screen.query("FooterKey")} >= {"r", "n", "q"}
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.controller.phase is Phase.FINISHED, "the run")
        assert screen.controller.count == 15


async def test_a_chapter_opened_after_the_first_frame_has_its_fields_at_once() -> None:
    app = NoControlsYet()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.first_frame_shown, "the first frame")
        await pilot.press("2")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ChapterScreen) and app.screen.problem_id == "2",
            "chapter 2",
        )
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        assert screen.controls_mounted
        assert screen.query_one("#iterations", Input).value == "10"


class QuitAsTheFirstFrameIsOut(GdlabApp):
    """The app told to leave (as ctrl+q, a priority key, or SIGTERM tell it) just before
    the screens hear that the first frame is out: the first screen is asked to mount
    its fields with the app already leaving."""

    CSS_PATH = NoControlsYet.CSS_PATH
    quit_on: ChapterScreen | None = None

    def _after_first_frame(self) -> None:
        screen = self.screen
        assert isinstance(screen, ChapterScreen) and not screen.controls_mounted
        self.quit_on = screen
        self.exit()
        super()._after_first_frame()


def quit_when(
    app: GdlabApp, event: type[Message], widget: type[Widget]
) -> tuple[list[bool], Callable[[Message], None]]:
    """A message hook that presses ctrl+q when the first ``widget`` gets ``event`` (its
    Compose: it is mounted, its children are not yet; its Mount: they are); and
    whether it has."""
    pressed = [False]

    def hook(message: Message) -> None:
        # Compose and Mount are sent by the widget to itself (Message has no public sender)
        if not pressed[0] and isinstance(message, event) and isinstance(message._sender, widget):
            pressed[0] = True
            app.simulate_key("ctrl+q")  # a priority key: the app quits at once, mid-mount

    return pressed, hook


async def leaves_cleanly(
    app: GdlabApp, message_hook: Callable[[Message], None] | None = None
) -> None:
    """Run ``app`` until it leaves (the test's key quits it); fail on any exception."""
    async with app.run_test(size=(120, 40), message_hook=message_hook) as pilot:
        await wait_until(pilot, lambda: app.return_code is not None, "the app to leave", 60)
    # run_test re-raises what ended the app; a crash while leaving also sets code 1
    assert app.return_code == 0


async def test_quitting_as_the_first_frame_is_out_leaves_cleanly() -> None:
    """Before the deferred mounting: the fields are not mounted into a leaving app."""
    app = QuitAsTheFirstFrameIsOut()
    await leaves_cleanly(app)
    assert app.quit_on is not None, "the first frame never came"
    assert not app.quit_on.controls_mounted


SLOW = pytest.mark.slow
QUIT_MOMENTS = [
    # during the deferred mounting of the fields, progress bar and footer
    pytest.param(events.Compose, SettingsForm, id="the-fields-start-to-mount", marks=SLOW),
    pytest.param(events.Mount, SettingsForm, id="the-fields-are-in-the-rest-not-yet", marks=SLOW),
    pytest.param(events.Compose, Select, id="a-choice-is-mounted-its-children-not-yet"),
    pytest.param(events.Mount, ProgressBar, id="the-progress-bar-is-in-the-footer-not-yet"),
    pytest.param(events.Mount, Footer, id="the-footer-is-in", marks=SLOW),
    # torch has loaded: the table and plots mount
    pytest.param(events.Compose, LiveView, id="the-live-view-starts-to-mount", marks=SLOW),
    pytest.param(events.Compose, PlotWidget, id="a-plot-is-mounted-its-children-not-yet"),
    pytest.param(events.Compose, LandscapePlot, id="the-landscape-starts-to-mount", marks=SLOW),
    pytest.param(LiveView.Ready, LiveView, id="the-live-view-is-in", marks=SLOW),
]


@pytest.mark.parametrize(("event", "widget"), QUIT_MOMENTS)
async def test_quitting_while_the_screen_mounts_leaves_cleanly(
    event: type[Message], widget: type[Widget]
) -> None:
    app = GdlabApp()
    pressed, hook = quit_when(app, event, widget)
    await leaves_cleanly(app, message_hook=hook)
    assert pressed[0], "the moment to quit at never came"


@pytest.mark.slow
async def test_q_just_after_the_first_frame_leaves_cleanly() -> None:
    """The plain q key, pressed as soon as the first frame is drawn."""
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.first_frame_shown, "the first frame", 30)
        await pilot.press("q")
        await wait_until(pilot, lambda: app.return_code is not None, "the app to leave", 30)
    assert app.return_code == 0
