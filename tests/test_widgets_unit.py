"""Pure helpers behind the widgets: downsampling, log scale, cell formatting."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from quick import examples

from tui.app.widgets.iteration_table import CELL, format_value
from tui.app.widgets.series import log_gap, min_max_buckets, resolution


@settings(max_examples=examples(60), deadline=None)
@given(arrays(np.float64, st.integers(1, 5000), elements=st.floats(-1e6, 1e6)), st.integers(1, 300))
def test_buckets_keep_every_extreme_and_stay_small(values, buckets):
    xs, ys = min_max_buckets(values, buckets)
    assert len(xs) == len(ys) <= max(len(values), 2 * buckets)
    assert ys.max() == values.max()
    assert ys.min() == values.min()
    assert np.all(np.diff(xs) >= 0)


def test_short_series_pass_through_unchanged():
    values = np.array([3.0, 1.0, 2.0])
    xs, ys = min_max_buckets(values, 10)
    assert xs.tolist() == [0, 1, 2] and ys.tolist() == [3, 1, 2]


def test_log_gap_floors_at_the_float32_resolution_of_the_optimum():
    floor = resolution(-7.25)
    assert floor == np.finfo(np.float32).eps * 7.25
    logs = log_gap(np.array([1.0, 0.0, 1e-3, np.nan]), floor)
    assert logs[0] == 0 and logs[2] == -3
    assert logs[1] == np.log10(floor)
    assert np.isnan(logs[3])


@settings(max_examples=examples(200), deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True, width=32))
def test_every_value_fits_its_cell(value):
    text = format_value(value)
    assert len(text) <= CELL - 1
