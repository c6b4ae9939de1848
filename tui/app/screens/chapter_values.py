"""A chapter and its values: all that the graph (``g``) and code (``c``) screens read.

The chapter screen builds one from its run, or from its fields where there is no
run, and hands it over; the graph and code screens never read a chapter screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from solvers.core.specs import ProblemSpec
    from solvers.run.settings import RunSettings
    from solvers.run.view import RunView


@dataclass(frozen=True)
class ChapterValues:
    """A problem, the settings of its run, and where the run last was."""

    spec: ProblemSpec
    settings: RunSettings
    """A start drawn without a seed is given as the start the run recorded, and a
    minibatch run's seed as the run drew it, so that a script of these settings
    repeats the run."""
    last: tuple[float, ...] | None = None
    """The parameters at the run's last recorded iteration; None: no run yet (the
    start the settings give)."""
    iteration: int = 0
    """The iteration ``last`` was recorded at."""

    @classmethod
    def of_run(cls, view: RunView, ending: Mapping[str, object] | None = None) -> ChapterValues:
        """The values of the run ``view`` shows, which has recorded at least one row;
        ``ending``: the run's end as JSON carries it, once it has ended."""
        spec, settings = view.spec, view.settings
        if view.layout.norms:  # rows of norms hold no parameters: the run's end, or start
            if settings.start is None:
                settings = replace(settings, seed=view.seed)
            final = ending.get("final") if ending is not None else None
            if isinstance(final, dict) and isinstance(final.get("params"), list):
                return cls(spec, settings, tuple(final["params"]), view.count)
            return cls(spec, settings)
        params = view.layout.params
        drawn = settings.start is None and spec.book_start is None and settings.seed is None
        if drawn:
            start = tuple(float(v) for v in view.rows[0][params].tolist())
            settings = replace(settings, seed=None, start=start)
        if settings.batch_size is not None and settings.seed is None:
            settings = replace(settings, seed=view.seed)  # the shuffle the run drew
        last = view.count - 1
        values = tuple(float(v) for v in view.rows[last][params].tolist())
        return cls(spec, settings, values, last)
