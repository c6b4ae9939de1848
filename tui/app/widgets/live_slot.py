"""Where a screen's live view (plots and table) goes: a placeholder until torch has
loaded, then a LiveView for the run's problem and update rule, rebuilt when a run
brings other columns (your function with other variables, another optimizer), and
given the run's problem when only the function or its start changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from solvers.core.specs import ProblemSpec, problem_key

if TYPE_CHECKING:
    from tui.app.widgets.live_view import LiveView


class LiveSlot(Vertical):
    """Holds "loading torch…", then one LiveView."""

    DEFAULT_CSS = """
    LiveSlot {
        height: 1fr;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.live: LiveView | None = None

    def compose(self) -> ComposeResult:
        yield Static("loading torch…", id="live-placeholder")

    def ensure(self, spec: ProblemSpec, extra_names: tuple[str, ...] = ()) -> None:
        """Mount a LiveView for ``spec`` if there is none (torch has loaded by now)."""
        if self.live is not None or not self.is_attached:
            return  # there is one; or the app is leaving and nothing mounts any more
        from solvers.chapters.registry import problem_for
        from tui.app.widgets.live_view import LiveView

        self.live = LiveView(spec, problem_for(spec), extra_names, id="live-view")
        for placeholder in self.query("#live-placeholder"):
            placeholder.remove()
        self.mount(self.live)

    async def fit(self, spec: ProblemSpec, extra_names: tuple[str, ...]) -> None:
        """Rebuild the view where the run's columns differ from the ones it shows; where
        only the problem differs (another function of as many variables), hand it over."""
        live = self.live
        if live is None:
            return
        if live.spec.param_names == spec.param_names and live.extra_names == extra_names:
            if problem_key(live.problem_spec) != problem_key(spec):
                from solvers.chapters.registry import problem_for

                live.follow(spec, problem_for(spec))
            return
        self.live = None
        await live.remove()
        self.ensure(spec, extra_names)
