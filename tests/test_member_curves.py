"""The compare table's f cell for a minibatch member: its last objective on all rows,
found however many rows its epoch has (N = 100,000 rows at batch 1)."""

from __future__ import annotations

import numpy as np

from solvers.chapters.registry import problem_for, spec_of
from solvers.run.descent import Descent
from solvers.run.epochs import judged_column, last_full
from solvers.run.settings import RunSettings
from tui.app.screens.member_curves import FullObjectives


def _layout_and_row():
    descent = Descent(
        problem_for(spec_of("3")), RunSettings(1e-4, 3, device="cpu", seed=1, batch_size=1)
    )
    list(descent.run())
    return descent.layout, descent.history.rows[0].copy()


def test_a_minibatch_members_f_is_its_full_objective_an_epoch_of_100000_rows_back():
    layout, first = _layout_and_row()
    rows = np.repeat(first[None, :], 100_000, axis=0)
    full = judged_column(layout)
    rows[1:, full] = np.nan  # one epoch: the objective on all rows at its first row only
    rows[:, layout.objective] = np.arange(100_000)  # the batch losses: all differ from it
    assert last_full(rows, layout) is None  # a window of the last rows misses it
    fulls = FullObjectives()
    for end in range(10_000, 100_001, 10_000):  # the rows arrive in chunks
        assert fulls.f(0, rows[:end], layout) == first[full]
    # a new epoch's value replaces it; another member keeps its own
    more = rows[:1_000].copy()
    more[500, full] = 7.5
    assert fulls.f(0, np.concatenate([rows, more]), layout) == 7.5
    assert fulls.f(1, rows[:5], layout) == first[full]
    fulls.clear()
    assert fulls.f(0, rows[1:3], layout) == 2.0  # a new run's rows: none evaluated yet
