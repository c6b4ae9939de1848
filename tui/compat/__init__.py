"""Where gdlab uses a private name of Textual, textual-plot (with textual-hires-canvas)
or textual-serve: one module per library, each written for one minor version (torch's
is :mod:`solvers.compat.torch`; the version check they share is :mod:`solvers.compat`).

The checks live here, not in the modules, so that the app can run them at start-up
without importing textual-plot (and numpy) or textual-serve: those load later, or only
for ``gdlab serve``. Nothing outside these modules and ``solvers/compat`` touches those
libraries' private names; tests/test_compat_private_names.py walks tui/ and solvers/.
"""

from __future__ import annotations

from solvers.compat import LibraryCheck

TEXTUAL = LibraryCheck(
    "textual",
    "8.2",
    "fast typing after Backspace may reorder keys; the footer and CSS are rebuilt more often",
)
"""Whether :mod:`tui.compat.textual`'s overrides are in use."""
TEXTUAL_PLOT = LibraryCheck(
    "textual-plot",
    "0.10",
    "plots redraw their legend more often and show no legend line for η",
)
"""Whether :mod:`tui.compat.textual_plot`'s overrides are in use."""
HIRES_CANVAS = LibraryCheck("textual-hires-canvas", "0.14", "")
"""The version :class:`tui.compat.textual_plot.StyledCanvas` was written for (it uses
public names only, and stays on whatever the version)."""
TEXTUAL_SERVE = LibraryCheck(
    "textual-serve",
    "1.1",
    "textual-serve's own server: tabs start as new processes, pages address the host bound",
)
"""Whether ``gdlab serve`` runs gdlab's server (:mod:`tui.compat.textual_serve`)."""


def check_at_start() -> list[str]:
    """The one-line notes of each library the app uses (Textual, textual-plot, torch)
    whose installed version is not the one gdlab was written for. Reads package
    metadata only (a few ms): none of those libraries is imported. Called once where
    the app starts (textual-serve's is checked where it serves)."""
    import solvers.compat.torch as torch_compat

    notes = (TEXTUAL.check(), TEXTUAL_PLOT.check(), torch_compat.check())
    return [note for note in notes if note is not None]
