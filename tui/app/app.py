"""The gdlab App: one mode per problem, torch loaded after the first frame.

The app publishes two reactive facts that screens watch: ``first_frame_shown``
(screens mount their fields once it is true) and ``solver`` (torch loaded, with
the problems and devices, or failed). It never calls into a screen, and
screens never register with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.widgets import Input

from solvers.chapters.registry import chapters
from tui.app.collector import resume, settle
from tui.app.display import PLAIN_THEME, plain
from tui.app.messages import SolverFailed, SolverReady
from tui.app.run_controller import cancel_all
from tui.app.screens.chapter import ChapterScreen
from tui.app.screens.help import HelpScreen
from tui.app.shared_css import shared_stylesheet
from tui.app.solver_state import SolverState, SolverStatus

CHAPTER_KEYS = Binding.Group("Chapter", compact=True)
"""The footer shows 1 2 3 4 once, as "1234 Chapter"."""


FIRST = chapters()[0].id
"""The chapter the app opens on: the registry's first (the book's chapter 1)."""


def _mode(problem_id: str) -> str:
    return f"chapter{problem_id}"


def _compare_screen() -> Screen[Any]:
    """The compare screen, imported when first shown: its plots import numpy, which
    the first frame does without."""
    from tui.app.screens.compare import CompareScreen

    return CompareScreen()


class GdlabApp(App[None]):
    """Teaches gradient descent with PyTorch autograd, a screen per chapter of the book."""

    TITLE = "gdlab"
    SUB_TITLE = "gradient descent with PyTorch autograd"
    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        **{_mode(c.id): partial(ChapterScreen, c.id) for c in chapters()},
        "compare": _compare_screen,
    }
    DEFAULT_MODE = _mode(FIRST)
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(c.key, f"chapter('{c.id}')", c.default.heading, group=CHAPTER_KEYS)
            for c in chapters()
        ),
        Binding("5", "compare", "Compare"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    first_frame_shown: reactive[bool] = reactive(False)
    """The first frame has reached the terminal; screens composed from now on are whole."""
    solver: reactive[SolverState] = reactive(SolverState)
    """torch and the problems: loading, ready or failed."""

    def __init__(self, start_chapter: str = FIRST, *, manage_collector: bool = False) -> None:
        super().__init__()
        for chapter in chapters():  # one registered after this module was imported
            if _mode(chapter.id) not in self.MODES:
                self.add_mode(_mode(chapter.id), partial(ChapterScreen, chapter.id))
        self.start_chapter = start_chapter
        self.manage_collector = manage_collector
        """Launched for a user (tui.app.launch pauses the garbage collector): keep it paused
        until torch is loaded, then turn it on, and settle (tui.app.collector) then and
        whenever a screen is first shown."""
        self._modes_shown = {self.DEFAULT_MODE, _mode(start_chapter)}
        # parsed CSS kept for the process: Textual parses it all twice on start
        self.stylesheet = shared_stylesheet(self)

    def on_mount(self) -> None:
        if plain():
            self.theme = PLAIN_THEME  # the terminal's own 16 colours
        if self.start_chapter != FIRST:
            self.switch_mode(_mode(self.start_chapter))

    def on_ready(self) -> None:
        """Textual sends Ready from the first refresh, but that refresh falls inside
        its start-up batch and draws nothing: the first frame goes out at the next
        one. What can wait, waits for it."""
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        """Let screens mount their fields, then pay for importing torch, off the UI thread."""
        self.first_frame_shown = True
        self.call_after_refresh(self._load_solver)

    @work(thread=True, group="solver", exit_on_error=False)
    def _load_solver(self) -> None:
        """Import torch and make the problems; with the collector still paused (importing
        torch ran three full collections, 80-190 ms each, while keys waited), and
        settled once after."""
        try:
            self._make_solver()
        finally:
            if self.manage_collector:
                settle()
                resume()

    def _make_solver(self) -> None:
        try:
            from solvers.chapters.registry import problem_for
            from solvers.run.descent import SCRIPT_FROM, Descent
            from solvers.run.devices import available_devices
            from solvers.run.settings import RunSettings

            problems = {c.id: problem_for(c.default) for c in chapters()}
            for problem in problems.values():
                _ = problem.facts  # compute once, here
            devices = available_devices()
            for problem in problems.values():
                # compile now, off the UI thread, what a default run would compile
                spec = problem.spec
                if spec.iterations >= SCRIPT_FROM:
                    Descent(problem, RunSettings(spec.eta, spec.iterations)).compile()
        except Exception as error:  # torch missing or broken: say so, keep the app up
            self.post_message(SolverFailed(f"{type(error).__name__}: {error}"))
            return
        self.post_message(SolverReady(problems, devices))

    @on(SolverReady)
    def _solver_ready(self, message: SolverReady) -> None:
        self.solver = SolverState(
            SolverStatus.READY, dict(message.problems), tuple(message.devices)
        )

    @on(SolverFailed)
    def _solver_failed(self, message: SolverFailed) -> None:
        self.solver = SolverState(SolverStatus.FAILED, error=message.reason)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In a text field, letters type: chapter keys, ? and q are not offered there."""
        typing = isinstance(self.focused, Input)
        return not (action in ("chapter", "compare", "help", "quit") and typing)

    def action_chapter(self, problem_id: str) -> None:
        """Show problem ``problem_id``'s screen (a run elsewhere goes on)."""
        if problem_id in {c.id for c in chapters()}:
            self._show(_mode(problem_id))

    def action_compare(self) -> None:
        """Show the compare screen (runs elsewhere go on)."""
        self._show("compare")

    def _show(self, mode: str) -> None:
        """Switch to ``mode``'s screen; the first time, settle once it is mounted and
        drawn (screens live as long as the app). While torch loads, its own settle
        comes later."""
        if self.current_mode == mode:
            return
        first = mode not in self._modes_shown
        self._modes_shown.add(mode)
        mounted = self.switch_mode(mode)
        if first and self.manage_collector and self.solver.status is not SolverStatus.LOADING:
            self.call_later(self._settle_once_mounted, mounted)

    async def _settle_once_mounted(self, mounted: AwaitMount) -> None:
        await mounted
        self.call_after_refresh(settle)

    def action_command_palette(self) -> None:
        """ctrl+p: the command palette, its field keeping keys in order like every other
        (tui/app/widgets/ordered_input.py)."""
        from tui.app.widgets.ordered_input import OrderedCommandPalette

        if self.use_command_palette and not isinstance(self.screen, OrderedCommandPalette):
            self.push_screen(OrderedCommandPalette(id="--command-palette"))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Stop every run at its next iteration, then leave."""
        cancel_all()
        self.exit()

    def on_unmount(self) -> None:
        cancel_all()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for chapter in chapters():
            spec = chapter.default
            show = partial(self.action_chapter, chapter.id)
            yield SystemCommand(spec.full_title, spec.formula, show)
        yield SystemCommand("Keys", "Every key gdlab knows", self.action_help)
