"""The gdlab App: one mode per chapter, torch loaded after the first frame."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from solvers.chapters import CHAPTERS

if TYPE_CHECKING:
    from solvers.problems import Problem
from tui.messages import SolverFailed, SolverReady
from tui.screens.chapter import ChapterScreen
from tui.screens.help import HelpScreen

CHAPTER_KEYS = Binding.Group("Chapter", compact=True)
"""The footer shows 1 2 3 once, as "123 Chapter"."""


def _mode(chapter: int) -> str:
    return f"chapter{chapter}"


class GdlabApp(App[None]):
    """Teaches gradient descent with PyTorch autograd, a screen per chapter of the book."""

    TITLE = "gdlab"
    SUB_TITLE = "gradient descent with PyTorch autograd"
    CSS_PATH = "app.tcss"
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        _mode(k): partial(ChapterScreen, k) for k in CHAPTERS
    }
    DEFAULT_MODE = _mode(1)
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(k), f"chapter({k})", f"Chapter {k}", group=CHAPTER_KEYS) for k in CHAPTERS),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, start_chapter: int = 1) -> None:
        super().__init__()
        self.start_chapter = start_chapter
        self.problems: dict[int, Problem] | None = None
        """Chapter -> Problem once torch has loaded."""
        self.devices: list[str] = ["auto", "cpu"]
        """Devices this machine has; only auto and cpu until torch has loaded."""
        self.solver_error: str | None = None
        self.chapter_screens: dict[int, ChapterScreen] = {}
        """Screens that exist so far, by chapter (modes build them on first visit)."""
        self.first_frame_shown = False
        """The first frame has reached the terminal; screens composed from now on are whole."""

    def on_mount(self) -> None:
        if self.start_chapter != 1:
            self.switch_mode(_mode(self.start_chapter))

    def on_ready(self) -> None:
        """Textual sends Ready from the first refresh, but that refresh falls inside
        its start-up batch and draws nothing: the first frame goes out at the next
        one. What can wait, waits for it."""
        self.call_after_refresh(self._after_first_frame)

    async def _after_first_frame(self) -> None:
        """Mount the screens' fields, then pay for importing torch, off the UI thread."""
        self.first_frame_shown = True
        for screen in self._chapter_screens():
            await screen.mount_controls()
        self._load_solver()

    @work(thread=True, group="solver", exit_on_error=False)
    def _load_solver(self) -> None:
        try:
            from solvers.descent import SCRIPT_FROM, compiled_chunk
            from solvers.devices import available_devices, resolve_device
            from solvers.problems import make_problem

            problems = {k: make_problem(k) for k in CHAPTERS}
            for problem in problems.values():
                _ = problem.optimum, problem.stable_eta  # compute once, here
            devices = available_devices()
            for key, problem in problems.items():
                # compile now, off the UI thread, what a default run would compile
                if CHAPTERS[key].iterations >= SCRIPT_FROM:
                    compiled_chunk(problem, resolve_device("auto"))
        except Exception as error:  # torch missing or broken: say so, keep the app up
            self.post_message(SolverFailed(f"{type(error).__name__}: {error}"))
            return
        self.post_message(SolverReady(problems, devices))

    @on(SolverReady)
    def _solver_ready(self, message: SolverReady) -> None:
        self.problems = dict(message.problems)
        self.devices = message.devices
        for screen in self._chapter_screens():
            screen.solver_ready()

    @on(SolverFailed)
    def _solver_failed(self, message: SolverFailed) -> None:
        self.solver_error = message.reason
        for screen in self._chapter_screens():
            screen.solver_failed(message.reason)

    def _chapter_screens(self) -> Iterable[ChapterScreen]:
        return list(self.chapter_screens.values())

    def action_chapter(self, chapter: int) -> None:
        """Show chapter ``chapter``'s screen (a run elsewhere goes on)."""
        if chapter in CHAPTERS and self.current_mode != _mode(chapter):
            self.switch_mode(_mode(chapter))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Stop every run at its next iteration, then leave."""
        self.stop_all_runs()
        self.exit()

    def stop_all_runs(self) -> None:
        for screen in self._chapter_screens():
            screen.stop_run()

    def on_unmount(self) -> None:
        self.stop_all_runs()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, spec in CHAPTERS.items():
            yield SystemCommand(
                f"Chapter {key}: {spec.title}",
                spec.formula,
                partial(self.action_chapter, key),
            )
        yield SystemCommand("Keys", "Every key gdlab knows", self.action_help)
