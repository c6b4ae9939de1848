"""tui/compat/textual_plot.py: the textual-plot and textual-hires-canvas it was written
for, and every private name it uses, with the signatures its overrides rely on."""

from __future__ import annotations

import pytest
from compat_names import missing_names, parameters
from textual_plot import PlotWidget

from tui.compat import textual_plot as compat


def test_the_installed_versions_are_the_ones_written_for() -> None:
    assert compat.TEXTUAL_PLOT.active(), compat.check()
    assert compat.HIRES_CANVAS.active(), compat.HIRES_CANVAS.check()


def test_every_private_name_used_is_still_there() -> None:
    assert missing_names(compat.PRIVATE_NAMES) == []


def test_the_overridden_private_methods_keep_their_signatures() -> None:
    for name in ("_update_margin_sizes", "_update_legend", "_render_y_label"):
        assert parameters(getattr(PlotWidget, name)) == ["self"], name
    plot = PlotWidget()
    assert isinstance(plot._labels, list) and isinstance(plot._datasets, list)
    assert isinstance(plot._v_lines_labels, list)


def test_another_textual_plot_gets_plotwidget_s_own_behaviour(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(PlotWidget, "compose", lambda self: iter(["PlotWidget's children"]))
    monkeypatch.setattr(PlotWidget, "_update_legend", lambda self: calls.append("legend"))
    plot = compat.PlotBase()
    with plot.legend_once():
        plot._update_legend()  # as PlotWidget calls it on every plot(): held back here
    assert calls == ["legend"]  # once, at the end
    monkeypatch.setattr(compat.TEXTUAL_PLOT, "_active", False)
    note = compat.check()
    assert note is not None and "\n" not in note and "textual-plot" in note
    assert list(plot.compose()) == ["PlotWidget's children"]
    calls.clear()
    with plot.legend_once():
        plot._update_legend()
    assert calls == ["legend", "legend"]  # PlotWidget's own: every call redraws
