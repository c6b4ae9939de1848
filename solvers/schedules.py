"""η of every iteration under a schedule, as torch.optim.lr_scheduler computes it.

torch's schedulers are stepped once per iteration, after ``optimizer.step()``;
iteration t (from 0) therefore uses the η the scheduler holds after t steps.
They compute it recursively from the previous η (``get_lr``), in Python floats;
:class:`EtaSchedule` repeats the same arithmetic in the same order, so every η
is torch's bit for bit (tests/test_schedules.py), and remembers where it got
to, so a chunk's η costs what the chunk adds (and nothing is kept per iteration).

* step: η ← η·γ when t is a multiple of step-size (StepLR);
* exponential: η ← η·γ (ExponentialLR);
* cosine: CosineAnnealingLR with eta_min 0 and T_max = t-max (default: the
  run's iterations): η_t = η₀·(1 + cos(π·t/T))/2, by torch's recursion; past
  T it rises again, as torch's does;
* plateau: ReduceLROnPlateau needs f of every iteration, so it is not computed
  here but inside the chunk (:class:`solvers.updates.ScheduledUpdate`); this
  class gives the start η for it.

No torch here: the app may import it before torch has loaded.
"""

from __future__ import annotations

import math

from solvers.optimizers import ScheduleChoice


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

    def _next(self, epoch: int, lr: float) -> float:
        """torch's ``get_lr`` at ``last_epoch = epoch`` from the current ``lr``."""
        name = self.choice.name
        if name == "step":
            step_size = int(self.choice["step-size"])  # type: ignore[arg-type]
            gamma = float(self.choice["gamma"])  # type: ignore[arg-type]
            if epoch == 0 or epoch % step_size != 0:
                return lr
            return lr * gamma
        if name == "exponential":
            return lr * float(self.choice["gamma"])  # type: ignore[arg-type]
        if name == "cosine":
            t_max, eta_min, base = self.t_max, 0.0, self.base
            if (epoch - 1 - t_max) % (2 * t_max) == 0:
                return lr + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
            return (1 + math.cos(math.pi * epoch / t_max)) / (
                1 + math.cos(math.pi * (epoch - 1) / t_max)
            ) * (lr - eta_min) + eta_min
        return lr  # constant; plateau is stepped inside the chunk

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
