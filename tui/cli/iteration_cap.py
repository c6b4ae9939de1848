"""``GDLAB_MAX_ITERATIONS=N``: ``gdlab run`` and ``gdlab compare`` stop after N iterations.

For tests that run every documented command in seconds. The cap changes nothing but
how many rows there are: the settings stay as given (a cosine schedule's default
length, the choice of a compiled or an eager loop, the saved settings of
``--format json`` are those of the full run), and the run is stopped through its
:class:`~solvers.core.control.RunControl` once it has done N iterations. A capped run never
claims to be whole: it ends "stopped", and the summary on stderr names the cap.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from solvers.core.control import RunControl
from solvers.core.validation import MAX_ITERATIONS, parse_int

ENV = "GDLAB_MAX_ITERATIONS"
HELP = (
    f"{ENV}=N in the environment stops gdlab run and gdlab compare after N iterations "
    "(the rows are those of the full run, fewer of them; the run ends stopped and the "
    "summary says so): for tests."
)


def cap_from_env() -> int | None:
    """The cap the environment sets (None: none); a SettingError if it is not a count."""
    text = os.environ.get(ENV, "")
    if not text.strip():
        return None
    return parse_int(ENV, text, 1, MAX_ITERATIONS)


class IterationCap:
    """Lets a run go on ``cap`` iterations through its control, then cancels it.

    The run's loop asks its control before every chunk; a release bounds that chunk,
    and once it is spent the loop calls :meth:`on_hold` before it would wait: the
    next release, or the cancel when the cap is reached.
    """

    def __init__(self, cap: int, control: RunControl, done: Callable[[], int]) -> None:
        self.cap = cap
        self.control = control
        self.done = done
        """How many iterations the run has done so far."""
        control.release(cap)

    def on_hold(self) -> None:
        """Release what is left of the cap, or end the run when nothing is."""
        left = self.cap - self.done()
        if left > 0:
            self.control.release(left)
        else:
            self.control.cancel()

    def note(self, total: int) -> str:
        """What a capped run says of itself, for its summary and its JSON outcome."""
        return f"stopped at {self.cap:,} of {total:,} iterations by {ENV}"

    def reached(self) -> bool:
        """The run stopped because of the cap (and not before it)."""
        return self.done() >= self.cap


def capped(
    cap: int | None, total: int, control: RunControl, done: Callable[[], int]
) -> IterationCap | None:
    """The cap (:func:`cap_from_env`) for a run of ``total`` iterations, where it is below."""
    if cap is None or cap >= total:
        return None
    return IterationCap(cap, control, done)
