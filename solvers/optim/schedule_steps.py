"""η of every iteration under a schedule, as torch.optim.lr_scheduler computes it.

torch's schedulers are stepped once per iteration, after ``optimizer.step()``;
iteration t (from 0) therefore uses the η the scheduler holds after t steps.
They compute it recursively from the previous η (``get_lr``), in Python floats;
:class:`EtaSchedule` repeats the same arithmetic in the same order, so every η
is torch's bit for bit (tests/test_schedules.py), and remembers where it got
to, so a chunk's η costs what the chunk adds (and nothing is kept per iteration).

Each schedule's recursion is its module's in :mod:`solvers.optim.schedules`
(``next_eta``); plateau needs f of every iteration, so it is not computed here but
inside the chunk (:class:`solvers.optim.rules.scheduled.ScheduledUpdate`); this class
gives the start η for it.

No torch here: the app may import it before torch has loaded.
"""

from __future__ import annotations

from solvers.optim.choices import ScheduleChoice
from solvers.optim.registry import SCHEDULE_SPECS


class EtaSchedule:
    """The η of each iteration of one run."""

    def __init__(self, choice: ScheduleChoice, eta: float, iterations: int) -> None:
        self.choice = choice
        self.base = float(eta)
        t_max = choice.get("t-max")
        self.t_max = t_max if isinstance(t_max, int) else max(int(iterations), 1)
        self._epoch = 0
        """The last iteration whose η is known: ``_lr``."""
        self._lr = self.base
        self._next_eta = SCHEDULE_SPECS[choice.name].next_eta
        self._knobs = choice.values

    def _next(self, epoch: int, lr: float) -> float:
        """torch's ``get_lr`` at ``last_epoch = epoch`` from the current ``lr``."""
        return self._next_eta(epoch, lr, self.base, self.t_max, self._knobs)

    def etas(self, first: int, count: int) -> list[float]:
        """η of iterations ``first`` … ``first + count - 1``."""
        if first < self._epoch:  # asked again for the past: start over
            self._epoch, self._lr = 0, self.base
        while self._epoch < first:
            self._epoch += 1
            self._lr = self._next(self._epoch, self._lr)
        out = [self._lr]
        for _ in range(count - 1):
            self._epoch += 1
            self._lr = self._next(self._epoch, self._lr)
            out.append(self._lr)
        return out
