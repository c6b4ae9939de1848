"""A minibatch run's columns and words, without torch or numpy (the app's screens read
them before either has loaded); the rule itself is :mod:`solvers.run.batches`'s."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from solvers.core.validation import SettingError
from solvers.run.batch_columns import EPOCH, FULL_OBJECTIVE

if TYPE_CHECKING:
    import numpy as np

    from solvers.run.history import Layout


def refusal(batch_size: int | None, rows: int) -> SettingError | None:
    """Why ``batch_size`` cannot be used on a problem with ``rows`` data rows, or None."""
    if batch_size is None or rows > 0:
        return None
    return SettingError(
        "batch-size",
        "is only for a chapter whose objective has data rows (chapters 3 and 4); this one has none",
    )


def uses_batches(batch_size: int | None, rows: int) -> bool:
    """Whether a run takes minibatches: a batch size below the number of rows."""
    return batch_size is not None and 0 < batch_size < rows


def sample_count(objective: object) -> int:
    """The data rows an objective has (0: none, so no minibatches)."""
    count = getattr(objective, "sample_count", 0)
    return count if isinstance(count, int) and not isinstance(count, bool) else 0


def judged_column(layout: Layout) -> int:
    """The column a run's f is judged on (divergence, what f did by the end): the
    objective on every row where the rows hold it (a minibatch run's, NaN between
    epochs' starts), else the objective."""
    names = layout.columns
    return names.index(FULL_OBJECTIVE) if FULL_OBJECTIVE in names else layout.objective


def is_minibatch(layout: Layout) -> bool:
    """Whether rows of ``layout`` are a minibatch run's (they hold the epoch)."""
    return EPOCH in layout.extra_names


def last_full(rows: np.ndarray, layout: Layout, recent: int = 1 << 16) -> tuple[int, float] | None:
    """The last row among the ``recent`` last that holds the objective on all rows, and
    that objective: (iteration, value); None where none does (or not a minibatch run)."""
    import numpy as np  # not before the app's first frame

    if not is_minibatch(layout) or len(rows) == 0:
        return None
    start = max(0, len(rows) - recent)
    full = rows[start:, judged_column(layout)]
    evaluated = np.flatnonzero(~np.isnan(full))
    if len(evaluated) == 0:
        return None
    at = int(evaluated[-1])
    return start + at, float(full[at])


def batch_note(
    row: list[float], layout: Layout, batch_size: int | None, batch_loss: str = "batch loss"
) -> str:
    """What a minibatch row's f and gradient are, in one line ("" for a full-batch row):
    the step explained is the batch's, not every row's."""
    if not is_minibatch(layout) or batch_size is None:
        return ""
    epoch = int(row[layout.columns.index(EPOCH)])
    return (
        f"epoch {epoch}, a batch of {batch_size:,} row{'' if batch_size == 1 else 's'}: "
        f"f is the {batch_loss}, ∇f its gradient (estimates of every row's)"
    )


def epoch_text(epoch: float, iteration: int) -> str:
    """ "epoch 3 · iteration 47" (both 0-based, as the rows number them)."""
    shown = int(epoch) if math.isfinite(epoch) else "?"
    return f"epoch {shown} · iteration {iteration:,}"
