"""One step explained: the forward value, the gradient, and the update it made."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.widgets import Static

if TYPE_CHECKING:
    from solvers.view import RunView  # numpy: not at start-up


def vector(values: Iterable[float]) -> str:
    """Numbers as a short bracketed list."""
    return "[" + ", ".join(f"{float(v):.6g}" for v in values) + "]"


def explain(view: RunView, after: tuple[float, ...]) -> str:
    """The last recorded iteration of ``view`` and where its update took the parameters."""
    row = view.rows[-1]
    layout = view.layout
    before = [float(v) for v in row[layout.params]]
    moved = [a - b for a, b in zip(after, before, strict=True)]
    return (
        f"step {view.count - 1}:\n"
        f" forward  f(θ) = {float(row[layout.objective]):.6g}\n"
        f" backward ∇f   = {vector(row[layout.grads])}\n"
        f" update  −η∇f  = {vector(moved)}\n"
        f" θ {vector(before)}\n → {vector(after)}"
    )


class StepDetail(Static):
    """Shows the explanation of the last single step, or nothing."""

    def show(self, view: RunView | None, after: tuple[float, ...] | None) -> None:
        """Explain the last step of ``view``; clear when there is none to explain."""
        if view is None or after is None or view.count == 0 or len(after) != view.spec.n_params:
            self.update("")
        elif view.settings.optimizer.name != "plain":
            from solvers.explain import explain_step  # the optimizer's own terms

            settings = view.settings
            self.update(
                explain_step(
                    settings.optimizer,
                    view.rows[-1].tolist(),
                    None,
                    view.layout.columns,
                    view.spec.param_names,
                    settings.eta,
                    view.count - 1,
                )
            )
        else:
            self.update(explain(view, after))
