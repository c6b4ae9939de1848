"""Minibatches: which data rows each iteration of a stochastic-gradient run sees.

The rule, in one place (the run, a compare's member and the written script follow it):

* Each epoch draws ``torch.randperm(N, generator=g)`` from one ``torch.Generator``
  seeded with the run's seed (``g.manual_seed(seed)``, drawn epoch after epoch), and
  its iterations take consecutive slices of ``B`` indices of that permutation.
* A last partial batch is dropped: an epoch is ``N // B`` iterations of exactly ``B``
  rows each (the ``N % B`` rows left over wait for a later epoch's shuffle). Every
  iteration's loss is then scaled alike.
* ``B ≥ N`` (or no batch size) is the book's full-batch descent, run by the
  full-batch path itself: no shuffle, no extra columns, the same rows bit for bit.
* The rows of a minibatch run end with two columns: EPOCH (0-based, as iterations
  are) and FULL_OBJECTIVE, the objective on every row at the iteration's parameters,
  evaluated at the first iteration of each epoch and NaN elsewhere.

The columns, the refusal and the display's words are torch-free, in
:mod:`solvers.run.epochs`. How an objective scales a batch's loss so that η keeps
its meaning is the objective's own (its ``on_rows``,
:class:`solvers.problems.objectives.book.Objective`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor


@dataclass
class Batches:
    """The row indices of every iteration of one run (see the module docstring)."""

    rows: int
    """N, the data rows."""
    size: int
    """B, the rows of one batch (1 ≤ B < N)."""
    seed: int
    _epoch: int = field(default=-1, init=False)
    _order: Tensor = field(default_factory=lambda: torch.empty(0, dtype=torch.int64), init=False)
    _generator: torch.Generator = field(default_factory=torch.Generator, init=False)

    @property
    def per_epoch(self) -> int:
        """Iterations of one epoch: ``N // B`` (a last partial batch is dropped)."""
        return self.rows // self.size

    @property
    def scale(self) -> float:
        """N / B: a batch's summed loss times this estimates the sum over every row."""
        return self.rows / self.size

    def order(self, epoch: int) -> Tensor:
        """Epoch ``epoch``'s permutation of the rows (the generator's epoch-th draw)."""
        if epoch < self._epoch or self._epoch < 0:
            self._generator.manual_seed(self.seed)
            self._epoch = -1
        while self._epoch < epoch:
            self._order = torch.randperm(self.rows, generator=self._generator)
            self._epoch += 1
        return self._order

    def indices(self, first: int, count: int) -> Tensor:
        """The rows of iterations ``first`` … ``first + count − 1``: (count, B) int64."""
        out = torch.empty((count, self.size), dtype=torch.int64)
        done = 0
        while done < count:
            epoch, at = divmod(first + done, self.per_epoch)
            take = min(self.per_epoch - at, count - done)
            order = self.order(epoch).narrow(0, at * self.size, take * self.size)
            out.narrow(0, done, take).copy_(order.view(take, self.size))
            done += take
        return out

    def epochs(self, first: int, count: int) -> Tensor:
        """The epoch of iterations ``first`` … ``first + count − 1`` (int64)."""
        return torch.div(torch.arange(first, first + count), self.per_epoch, rounding_mode="floor")

    def full_at(self, first: int, count: int) -> Tensor:
        """Whether each of those iterations starts an epoch (where the full objective is
        evaluated): bool, on the CPU."""
        return torch.remainder(torch.arange(first, first + count), self.per_epoch) == 0

    def chunk_rows(self, first: int, count: int, out: Tensor) -> list[Tensor]:
        """The rows argument of a chunk of iterations ``first`` … ``first + count − 1``
        (:class:`solvers.run.engine.RowsChunk`): their row indices, (count, B) on
        ``out``'s device, and whether each starts an epoch, bool on the CPU (read every
        iteration without waiting for the device). Writes ``out``'s EPOCH column and
        fills its FULL_OBJECTIVE column with NaN (``out``: (count, width), or a
        compare's (count, M, width))."""
        epochs = self.epochs(first, count).to(out.dtype)
        with torch.no_grad():
            out[..., -2].copy_(epochs.reshape((count,) + (1,) * (out.dim() - 2)))
            out[..., -1].fill_(float("nan"))
        return [self.indices(first, count).to(out.device), self.full_at(first, count)]
