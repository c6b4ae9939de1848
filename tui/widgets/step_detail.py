"""One step explained: the forward value, the gradient, and the update it made."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.widgets import Static

if TYPE_CHECKING:
    from solvers.view import RunView  # numpy: not at start-up


def vector(values: Iterable[float]) -> str:
    """Numbers as a short bracketed list."""
    return "[" + ", ".join(f"{float(v):.6g}" for v in values) + "]"


def explain(view: RunView, after: tuple[float, ...]) -> str:
    """The last recorded iteration of ``view`` and where its update took the parameters
    (under a schedule, with the η the step used: the row's ``eta`` column)."""
    row = view.rows[-1]
    layout = view.layout
    before = [float(v) for v in row[layout.params]]
    moved = [a - b for a, b in zip(after, before, strict=True)]
    scheduled = ""
    if "eta" in layout.extra_names:
        eta = float(row[layout.columns.index("eta")])
        scheduled = f" schedule η    = {eta:.6g} ({view.settings.schedule.name})\n"
    return (
        f"step {view.count - 1}:\n"
        f" forward  f(θ) = {float(row[layout.objective]):.6g}\n"
        f" backward ∇f   = {vector(row[layout.grads])}\n"
        f"{scheduled}"
        f" update  −η∇f  = {vector(moved)}\n"
        f" θ {vector(before)}\n → {vector(after)}"
    )


class StepDetail(Static):
    """Shows the explanation of the last single step, or nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text = ""
        """What it shows (it is below the fields: a long form scrolls it out of sight)."""

    def show(self, view: RunView | None, after: tuple[float, ...] | None) -> None:
        """Explain the last step of ``view``; clear when there is none to explain.
        A new explanation is scrolled into sight."""
        text = self._explanation(view, after)
        if text == self.text:
            return
        self.text = text
        self.update(text)
        if text:
            self.call_after_refresh(self.scroll_visible, animate=False)

    @staticmethod
    def _explanation(view: RunView | None, after: tuple[float, ...] | None) -> str:
        if view is None or after is None or view.count == 0 or len(after) != view.spec.n_params:
            return ""
        if view.settings.optimizer.name != "plain":
            from solvers.explain import explain_step  # the optimizer's own terms

            settings = view.settings
            return explain_step(
                settings.optimizer,
                view.rows[-1].tolist(),
                None,
                view.layout.columns,
                view.spec.param_names,
                settings.eta,
                view.count - 1,
            )
        return explain(view, after)
