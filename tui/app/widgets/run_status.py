"""The run's status line: its phase, where it is, how fast, and what the keys do now.

What it says is a model (:func:`status_model`): the first line's fields, each
with a shorter form and a rank, and the messages under it, each with shorter
alternatives. :func:`fit_status` fits the model to the widget's width without
ever cutting a number: shorter words first, then the lesser fields go, and a
message that still does not fit wraps between words (the status grows a line).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.widgets import Static

if TYPE_CHECKING:
    from numpy import ndarray

    from solvers.run.history import Layout
    from tui.app.run_controller import RunController

HINTS = {
    "ready": "r runs · n steps once",
    "running": "s stops · space pauses · n holds and steps",
    "paused": "space or r resumes · n steps once · s stops",
    "stepping": "n steps again · r runs the rest · s stops",
    "stopping": "stopping at the next iteration…",
    "finished": "r runs again · ctrl+r clears",
    "stopped": "r runs again · ctrl+r clears",
    "failed": "r tries again",
    "refused": "fix the flagged field, then r",
    "diverged": "",
    "unbounded below": "",
}
"""What the keys do in each phase, shown under the numbers (the footer has the rest)."""
ENDS = frozenset({"finished", "stopped", "diverged", "unbounded below"})
"""Phases whose run has ended: the regime predicted at its start is checked against it."""


@dataclass(frozen=True)
class Field:
    """One field of the first line: its words, fewer words, and how much it matters
    (the lowest rank goes first when the line is too narrow)."""

    long: str
    short: str
    rank: int


@dataclass(frozen=True)
class StatusModel:
    """The first line's fields, in order, and each message's forms, longest first."""

    fields: tuple[Field, ...]
    messages: tuple[tuple[str, ...], ...]


def clock(seconds: float) -> str:
    """Seconds as h:mm:ss or m:ss."""
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def status_model(controller: RunController, loading: bool) -> StatusModel:
    """What the status says now, before it is fitted to a width."""
    phase = controller.phase.value
    view = controller.view
    report = controller.report
    waiting = loading and controller.phase.live and view is None
    head = f"{phase} (loading torch…)" if waiting else phase
    fields = [Field(head, head, 100)]
    messages: list[tuple[str, ...]] = []
    if view is not None:
        from solvers.optim.regimes import said_regime  # not before the first frame

        settings = view.settings
        said = said_regime(settings.eta, view.facts, settings.optimizer, settings.schedule)
        word = None
        from solvers.run.epochs import is_minibatch

        # plain descent's regimes only, full-batch: a batch's steps are noisy estimates
        if said is not None and said.kind is not None and not is_minibatch(view.layout):
            word = said.label
            if report is not None and phase in ENDS and view.count:
                from solvers.run.epochs import judged_column
                from solvers.run.run_end import regime_at_end  # numpy: not at start-up

                values = view.rows[:, judged_column(view.layout)]  # minibatch: all rows'
                end = regime_at_end((said.kind, said.text), said.local, values, report.outcome)
                if end.word is None:
                    word = None
                if end.note:
                    messages.append((end.note, end.short))
        if word is not None:
            fields.append(Field(word, word, 10))
    if view is not None and view.count:
        layout = view.layout
        last = view.rows[-1]
        total = max(controller.total, view.count)
        epoch = _epoch(last, layout)
        fields.append(
            Field(
                f"{epoch}{view.count:,} of {total:,} iterations",
                f"{epoch}{view.count:,}/{total:,}",
                50,
            )
        )
        fields.extend(_objective_fields(view.rows, layout))
        distance = view.distance(last[layout.params])
        if distance is not None:
            far = f"‖θ−θ*‖ = {float(distance):.3g}"
        else:
            from solvers.run.epochs import is_minibatch
            from solvers.run.measures import grad_norm  # numpy: not at start-up

            # a minibatch row's gradient is its batch's, not the objective's on all rows
            name = "‖∇f_batch‖" if is_minibatch(layout) else "‖∇f‖"
            far = f"{name} = {float(grad_norm(last[layout.grads])):.3g}"
        fields.append(Field(far, far, 30))
    if report is not None and report.divergence is not None:
        messages.insert(0, _divergence_forms(controller))
    elif report is not None and report.stationary is not None:
        messages.insert(0, report.stationary.forms)
    elif phase in ("failed", "refused"):
        messages.insert(0, (controller.failure,))
    if not messages:
        second = HINTS[phase]
        if phase == "running" and controller.rate > 0:
            eta = controller.eta_seconds
            second = f"{controller.rate:,.0f} it/s" + (f" · ETA {clock(eta)}" if eta else "")
        messages.append((second,))
    return StatusModel(tuple(fields), tuple(messages))


def _epoch(last: ndarray, layout: Layout) -> str:
    """ "epoch E · " for a minibatch run's row (its epoch, 0-based), else "" """
    from solvers.run.batch_columns import EPOCH
    from solvers.run.epochs import is_minibatch

    return f"epoch {int(last[layout.columns.index(EPOCH)])} · " if is_minibatch(layout) else ""


def _objective_fields(rows: ndarray, layout: Layout) -> list[Field]:
    """f of the last row; a minibatch run's batch loss (its estimate), and the objective on all
    rows at the last epoch's start (the rows hold it there only)."""
    from solvers.run.epochs import is_minibatch, last_full

    value = f"{float(rows[-1, layout.objective]):.6g}"
    if not is_minibatch(layout):
        return [Field(f"f = {value}", f"f = {value}", 90)]
    fields = [Field(f"batch f = {value}", f"f_batch = {value}", 90)]
    full = last_full(rows, layout)
    if full is not None:
        text = f"{full[1]:.6g}"
        fields.append(Field(f"f on all rows = {text}", f"f_all = {text}", 80))
    return fields


def _divergence_forms(controller: RunController) -> tuple[str, ...]:
    """The divergence, longest first: reason and lesson, the lesson, the headline."""
    assert controller.report is not None and controller.report.divergence is not None
    divergence = controller.report.divergence
    forms = [divergence.message]
    if divergence.lesson and divergence.stable_eta is not None:
        forms.append(f"{divergence.headline}; {divergence.lesson}")
        stable = f"stable{divergence.reach} for η < {divergence.stable_eta:.6g}"
        forms.append(f"{divergence.headline}; {stable}")
    else:
        forms.append(divergence.headline)
    return tuple(forms)


def _join(fields: list[Field], short: bool) -> str:
    return " · ".join(f.short if short else f.long for f in fields)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken only between words (a word
    longer than the width keeps a line of its own: it is never cut)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        joined = f"{line} {word}" if line else word
        if line and cell_len(joined) > width:
            lines.append(line)
            line = word
        else:
            line = joined
    return [*lines, line]


def fit_status(model: StatusModel, width: int | None) -> list[str]:
    """The status's lines at ``width`` cells (None: unknown, every long form)."""
    fields = list(model.fields)
    if width is None or width <= 0:
        return [_join(fields, False)] + [forms[0] for forms in model.messages]
    lines: list[str] = []
    first = _join(fields, False)
    while cell_len(first) > width:
        first = _join(fields, True)
        if cell_len(first) <= width or len(fields) <= 2:
            break
        fields.remove(min(fields[1:], key=lambda f: f.rank))
    lines += wrap(first, width) if cell_len(first) > width else [first]
    for forms in model.messages:
        fitting = [form for form in forms if cell_len(form) <= width]
        lines += [fitting[0]] if fitting else wrap(forms[-1], width)
    return lines


def status_text(controller: RunController, loading: bool, width: int | None = None) -> str:
    """The status's lines at ``width`` (None: unfitted): phase and numbers, then the
    outcome, the rate and ETA, or what to do."""
    return "\n".join(fit_status(status_model(controller, loading), width))


class RunStatus(Static):
    """Two lines or more, redrawn without a layout pass ten times a second (a layout
    pass only when the number of lines changes)."""

    _lines = 2
    _shown: tuple[RunController, bool] | None = None

    def show(self, controller: RunController, *, loading: bool = False) -> None:
        self._shown = (controller, loading)
        width = self.content_size.width or None
        text = status_text(controller, loading, width)
        lines = text.count("\n") + 1
        self.update(text, layout=lines != self._lines)
        self._lines = lines

    def on_resize(self) -> None:
        """Fit the last status to the new width."""
        if self._shown is not None:
            controller, loading = self._shown
            self.show(controller, loading=loading)
