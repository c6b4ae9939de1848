"""The book's three objectives, written exactly as the book writes them.

Each is a ``torch.nn.Module`` whose ``forward(params)`` returns ``(objective,
predictions)``, so autograd sees the book's graph and gdlab's float32
trajectory matches the book's printed digits. They are TorchScript-compatible:
:mod:`solvers.run.engine` scripts them into chunks of iterations.

A compare (:mod:`solvers.run.compare`) runs many members as one batch: every
parameter is flat with a leading member dimension, (M, k) (a 1x2 tensor becomes
(M, 2)), and :meth:`Objective.members` computes one objective per member. Where
the book's own formula already works on a batch (chapter 1: elementwise) it is
the same method; chapters 2 and 3 write the batched form beside the book's,
because the book's ``torch.mm`` and ``x[0, 0]`` are what the autograd graph view
shows a learner.
"""

from __future__ import annotations

import torch
from torch import Tensor

BOOK_X = ((1.1, 4.6, 8.9), (2.3, 5.7, 10.1))
"""Chapter 3's three samples, one per column, as the book gives them."""
BOOK_Y_TARGET = (13.5700, 38.7000, 70.5100)
"""Chapter 3's targets, as the book prints them."""


class Objective(torch.nn.Module):
    """Base for objectives: ``forward(params) -> (objective, predictions)``.

    ``objective`` has one element; ``predictions`` is whatever the model outputs
    (empty where there is no model). Data lives in buffers so ``.to(device)`` and
    ``.double()`` carry it along.

    Stochastic gradients (``--batch-size``, :mod:`solvers.run.batches`): an objective
    with data rows has a Python int ``sample_count`` (the rows, N; 0 or absent: none,
    and a batch size is refused) and a TorchScript-exported
    ``on_rows(self, params: list[Tensor], rows: Tensor) -> tuple[Tensor, Tensor]``:
    the objective on the int64 row indices ``rows`` (B of them) only, and the
    predictions as ``forward`` returns them. Its scale keeps η's meaning: a loss that
    SUMS over rows (chapter 3's Σ (y − t)² / 2) returns the batch's sum times N / B, an
    unbiased estimate of the full objective and of its gradient; a loss that is a MEAN
    over rows returns the batch's mean (the same estimate). A compare of batch sizes
    also calls ``members_on_rows(params, rows)``: ``on_rows`` on a compare's batched
    parameters (as ``members`` is ``forward`` on them), one value per member; an
    objective without it is refused batch sizes in a compare.
    """

    sample_count = 0

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        raise NotImplementedError

    @torch.jit.export
    def members(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        """The objective of each member of a batch (params flat with a leading member
        dimension, (M, k)): one value per member, and each member's predictions."""
        return self.forward(params)


class HalfSquareDistance(Objective):
    """Chapter 1: y = (x - 2)² / 2 on a 1x1 tensor."""

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        x = params[0]
        y = (x - 2) ** 2 / 2
        return y, x.new_empty(0)


class VectorQuadratic(Objective):
    """Chapter 2: y = x·xᵀ + 4x₀ + 5x₁ + 3 on a 1x2 tensor."""

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        x = params[0]
        y = torch.mm(x, x.t()) + 4 * x[0, 0] + 5 * x[0, 1] + 3
        return y, x.new_empty(0)

    @torch.jit.export
    def members(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        """The same formula on (M, 1, 2) (x, (M, 2), viewed so): a batched product and
        slices per member."""
        x = params[0].unsqueeze(1)
        square = torch.matmul(x, x.transpose(-1, -2))
        y = square + 4 * x[:, 0:1, 0:1] + 5 * x[:, 0:1, 1:2] + 3
        return y, x.new_empty(0)


class LinearRegression(Objective):
    """Chapter 3: y = w·x + b, objective Σ (y - y_target)² / 2 over the samples (x:
    features × samples). ``predicted`` False: the predictions are not returned (a
    file's many rows are not recorded each iteration)."""

    def __init__(self, x: Tensor, y_target: Tensor, predicted: bool = True) -> None:
        super().__init__()
        self.register_buffer("x", x)
        self.register_buffer("y_target", y_target)
        self.x: Tensor
        self.y_target: Tensor
        self.predicted = predicted
        self.sample_count = int(x.shape[-1])

    def predict(self, params: list[Tensor]) -> Tensor:
        """The model's outputs for every sample, shape (1, samples)."""
        return torch.mm(params[0], self.x) + params[1]

    def sample_losses(self, y: Tensor) -> Tensor:
        """Each sample's loss, (y - y_target)² / 2."""
        return self.sample_losses_of(y, self.y_target)

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        y = self.predict(params)
        return torch.sum(self.sample_losses(y)), y if self.predicted else y.new_empty(0)

    @torch.jit.export
    def on_rows(self, params: list[Tensor], rows: Tensor) -> tuple[Tensor, Tensor]:
        """The loss on the samples ``rows`` (B int64 indices), summed and scaled by N / B:
        an unbiased estimate of the full sum and of its gradient; the predictions of
        every sample, as ``forward`` returns them."""
        x = self.x.index_select(1, rows)
        y_target = self.y_target.index_select(0, rows)
        y = torch.mm(params[0], x) + params[1]
        scale = float(self.sample_count) / float(rows.size(0))
        value = torch.sum(self.sample_losses_of(y, y_target)) * scale
        return value, self.predict(params) if self.predicted else y.new_empty(0)

    @torch.jit.export
    def members_on_rows(self, params: list[Tensor], rows: Tensor) -> tuple[Tensor, Tensor]:
        """:meth:`on_rows` for each member of a batch (w (M, F), b (M, 1)), as
        :meth:`members` is :meth:`forward`."""
        x = self.x.index_select(1, rows)
        y_target = self.y_target.index_select(0, rows)
        y = torch.mm(params[0], x) + params[1]
        scale = float(self.sample_count) / float(rows.size(0))
        value = torch.sum(self.sample_losses_of(y, y_target), dim=1) * scale
        pred = torch.mm(params[0], self.x) + params[1]
        return value, pred if self.predicted else y.new_empty(0)

    def sample_losses_of(self, y: Tensor, y_target: Tensor) -> Tensor:
        """Each sample's loss against ``y_target``, (y - y_target)² / 2."""
        return (y - y_target) ** 2 / 2

    @torch.jit.export
    def members(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        """The same model on w (M, 2) and b (M, 1): each member's loss and outputs, as
        one (M, 2) × (2, 3) product (the book's ``torch.mm``, one row per member)."""
        y = torch.mm(params[0], self.x) + params[1]
        return torch.sum(self.sample_losses(y), dim=1), y if self.predicted else y.new_empty(0)


def book_regression(dtype: torch.dtype = torch.float32) -> LinearRegression:
    """Chapter 3's objective on the book's samples as typed, in ``dtype`` (float32, as the
    book computes; float64 for the exact facts: the samples fit 3.1, 4.2, 0.5 exactly)."""
    x = torch.tensor(BOOK_X, dtype=dtype)
    y_target = torch.tensor(BOOK_Y_TARGET, dtype=dtype)
    return LinearRegression(x, y_target)
