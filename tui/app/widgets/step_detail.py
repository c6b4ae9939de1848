"""One step explained: the forward value, the gradient, and the update it made."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.widgets import Static

if TYPE_CHECKING:
    from solvers.run.view import RunView  # numpy: not at start-up


def explain(view: RunView, after: tuple[float, ...]) -> str:
    """The last recorded iteration of ``view`` and where its update took the parameters
    (under a schedule, with the η the step used: the row's ``eta`` column); a minibatch
    row's first line says its f and gradient are the batch's."""
    from solvers.run.epochs import batch_note

    row = view.rows[-1].tolist()
    from solvers.chapters.registry import chapter_for

    said = chapter_for(view.spec).batch_loss
    note = batch_note(row, view.layout, view.settings.batch_size, said)
    return (note + "\n" if note else "") + _explained(view, row, after)


def _explained(view: RunView, row: list[float], after: tuple[float, ...]) -> str:
    """The step's explanation in its optimizer's terms."""
    settings = view.settings
    columns = view.layout.columns
    names = view.spec.param_names
    if view.layout.norms:  # a network: per tensor, from its row of norms
        from solvers.pictures.explain_network import explain_norms

        name = settings.optimizer.name
        return explain_norms(row, after, view.layout, name, settings.eta, view.count - 1)
    if settings.optimizer.name != "plain":
        from solvers.pictures.explain import explain_step  # the optimizer's own terms

        return explain_step(
            settings.optimizer,
            row,
            None,
            columns,
            names,
            settings.eta,
            view.count - 1,
            params_after=after,
            dtype=settings.dtype,
        )
    from solvers.pictures.explain import explain_plain

    return explain_plain(
        row,
        after,
        columns,
        names,
        settings.eta,
        view.count - 1,
        settings.schedule.name,
        settings.dtype,
    )


class StepDetail(Static):
    """Shows the explanation of the last single step, or nothing.

    It sits below the fields, where a long form puts it out of sight: a new
    explanation is scrolled into sight once laid out, and again whenever its height
    changes (the height follows the text, so the last line is never left below).
    An explanation taller than the column (an optimizer's, at 80x24) is reached
    without a mouse: it takes focus (`tab`) while it shows something, and then
    ↑ ↓ pgup pgdn home end scroll the column it sits in.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_column(-1)", "Scroll", show=False),
        Binding("down", "scroll_column(1)", "Scroll", show=False),
        Binding("pageup", "scroll_column(-10)", "Scroll", show=False),
        Binding("pagedown", "scroll_column(10)", "Scroll", show=False),
        Binding("home", "scroll_column(-10000)", "Scroll", show=False),
        Binding("end", "scroll_column(10000)", "Scroll", show=False),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)  # the formulas' [step], [m] are text, not markup
        super().__init__(*args, **kwargs)
        self.can_focus = False  # until there is an explanation to read
        self.text = ""
        """What it shows."""

    def show(self, view: RunView | None, after: tuple[float, ...] | None) -> None:
        """Explain the last step of ``view``; clear when there is none to explain.
        A new explanation is scrolled into sight."""
        text = self._explanation(view, after)
        if text == self.text:
            return
        self.text = text
        self.can_focus = bool(text)  # nothing to read: not a stop of tab
        self.update(text)
        if text:
            self.call_after_refresh(self._into_sight)

    def on_resize(self, event: events.Resize) -> None:
        """The text's new height is laid out: show all of it."""
        if self.text:
            self.call_after_refresh(self._into_sight)

    def action_scroll_column(self, lines: int) -> None:
        """Scroll the column the explanation sits in by ``lines`` (up where negative)."""
        column = next(
            (node for node in self.ancestors if isinstance(node, ScrollableContainer)), None
        )
        if column is not None:
            column.scroll_relative(y=lines, animate=False, immediate=True)

    def _into_sight(self) -> None:
        if self.text and self.is_attached:
            self.scroll_visible(animate=False, immediate=True)

    @staticmethod
    def _explanation(view: RunView | None, after: tuple[float, ...] | None) -> str:
        if view is None or after is None or view.count == 0 or len(after) != view.spec.n_params:
            return ""
        return explain(view, after)
