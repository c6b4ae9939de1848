"""A chapter's run worker: one :class:`~solvers.run.descent.Descent`, built and driven
off the UI thread.

It gets everything as arguments and never reads the screen; it posts the run
message family (:mod:`tui.app.messages`): the run's read-only view once, progress at
most every REFRESH_SECONDS and at every hold, and the report at the end. The one
way to stop, pause or single-step it is the RunControl it is given.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from solvers.core.control import RunControl
from solvers.core.specs import ProblemSpec
from tui.app.messages import REFRESH_SECONDS, RunEnded, RunProgress, RunRefused, RunStarted

if TYPE_CHECKING:
    from solvers.run.settings import RunSettings  # imported with the first run: not at start-up


def drive_descent(
    post: Callable[[Any], object],
    one_run: threading.Lock,
    run_id: int,
    spec: ProblemSpec,
    settings: RunSettings,
    control: RunControl,
) -> None:
    """Build the run (importing torch here if need be), check its start, drive it."""
    from solvers.chapters.registry import problem_for
    from solvers.core.validation import SettingError
    from solvers.run.descent import Descent
    from solvers.run.start_check import check_start

    problem = problem_for(spec)
    descent = Descent(problem, settings, control=control)
    try:
        check_start(problem, descent.start, settings.dtype, "start")
    except SettingError as error:
        post(RunRefused(run_id, str(error), error.field))
        return
    post(RunStarted(run_id, descent.view))
    with one_run:  # a superseded run still ending holds it for one iteration
        last = 0.0

        def fit() -> object:
            """The model's fit now (the worker's tensors, read between chunks)."""
            return problem.fit_points(descent.params, descent.history.count)

        def on_hold() -> None:
            post(RunProgress(run_id, held=True, after=descent.current_values(), fit=fit()))

        for _ in descent.run(on_hold=on_hold):
            now = time.monotonic()
            if now - last >= REFRESH_SECONDS:
                post(RunProgress(run_id, fit=fit()))
                last = now
        final = fit()
        if final is not None:  # the fit after the last rows
            post(RunProgress(run_id, fit=final))
        assert descent.report is not None
        post(RunEnded(run_id, descent.report, descent.current_values(), descent.ending()))
