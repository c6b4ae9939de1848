"""Where gdlab uses a private name of Textual, textual-plot (with textual-hires-canvas)
or textual-serve: one module per library, each written for one minor version (see
:mod:`solvers.compat`, which holds torch's and the version check they share).

Nothing outside these modules and ``solvers/compat`` touches those libraries' private
names; tests/test_compat_private_names.py walks tui/ and solvers/ to keep it so.
"""

from __future__ import annotations


def check_at_start() -> list[str]:
    """The one-line notes of each library (Textual, textual-plot, torch) whose
    installed version is not the one gdlab was written for; cheap, imports no torch.
    Called once where the app starts (textual-serve's is checked where it serves)."""
    import solvers.compat.torch as torch_compat
    import tui.compat.textual as textual_compat
    import tui.compat.textual_plot as textual_plot_compat

    notes = (textual_compat.check(), textual_plot_compat.check(), torch_compat.check())
    return [note for note in notes if note is not None]
