"""What the compare screen reads from a member's rows: its loss curve, and its f
cell, which for a minibatch member is its last objective on all rows, kept as the
rows arrive (an epoch can be longer than any window looked back over)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from solvers.run.epochs import is_minibatch, judged_column

if TYPE_CHECKING:
    import numpy as np

    from solvers.run.history import Layout


class FullObjectives:
    """Each member's last objective on all rows, by member index: each row is read
    once, as it arrives, so the value is found however long ago its epoch began
    (N = 100,000 rows at batch 1: 100,000 rows between two of them)."""

    def __init__(self) -> None:
        self._kept: dict[int, tuple[int, float | None]] = {}
        """Per member: how many of its rows were read, and the last value among them."""

    def clear(self) -> None:
        """Forget every member's (a new run)."""
        self._kept.clear()

    def last(self, index: int, rows: np.ndarray, layout: Layout) -> float | None:
        """Member ``index``'s last objective on all rows in ``rows`` (its rows so far,
        row i being iteration i); None where it has none or is not a minibatch run."""
        import numpy as np  # not before the app's first frame

        if not is_minibatch(layout):
            return None
        read, value = self._kept.get(index, (0, None))
        if len(rows) < read:  # fewer rows than read: another run's
            read, value = 0, None
        full = rows[read:, judged_column(layout)]
        evaluated = np.flatnonzero(~np.isnan(full))
        if len(evaluated):
            value = float(full[evaluated[-1]])
        self._kept[index] = (len(rows), value)
        return value

    def f(self, index: int, rows: np.ndarray, layout: Layout) -> float:
        """The f cell of a member with rows: its last objective on all rows where it
        takes minibatches (its batch loss is noise), else its last row's objective."""
        full = self.last(index, rows, layout)
        return float(rows[-1, layout.objective]) if full is None else full


def loss_series(rows: np.ndarray, layout: Layout) -> np.ndarray:
    """A member's curve: f of each row; a minibatch member's objective on all rows,
    evaluated at each epoch's start and held through the epoch (its batch loss, noisy,
    is in its rows and on a chapter's screen)."""
    from tui.app.widgets.series import held

    if is_minibatch(layout):
        return held(rows[:, judged_column(layout)])
    return rows[:, layout.objective]
