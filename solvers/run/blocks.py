"""The named tensors of a history row: which columns hold which tensor, in what shape.

A row is flat (one float per column, written by the chunk in one ``torch.cat``);
this is its description as tensors: each parameter tensor by its name and shape
(chapter 3's ``w`` (1, 2) and ``b`` (1,)), the objective, each parameter's gradient
(``grad_w``), the predictions, and what the update rule records after the update,
per parameter tensor (``step_w``, Adam's ``m_w`` and ``v2_w``) or single (``eta``).
Reading a block is a reshape of a column slice: no copy, whatever the run's length.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np

PARAMETER = "parameter"
OBJECTIVE = "objective"
GRADIENT = "gradient"
PREDICTIONS = "predictions"
RECORDED = "recorded"
"""What the update rule records after the update: the step taken, its state, its η."""
NORM = "norm"
"""A norm the chunk records in a network's row: ‖∇f‖, a tensor's gradient's or its own."""
GRAD_NORM = "grad_norm"
"""The column of ‖∇f‖ in a row of norms."""


@dataclass(frozen=True)
class Block:
    """One named tensor of a row: ``size`` columns from ``start``, read as ``shape``."""

    name: str
    role: str
    """PARAMETER, OBJECTIVE, GRADIENT, PREDICTIONS or RECORDED."""
    shape: tuple[int, ...]
    start: int
    of: str = ""
    """The parameter tensor a gradient or a per-parameter recorded block belongs to."""

    @property
    def size(self) -> int:
        """Columns the block takes (1 for a 0-d tensor)."""
        return prod(self.shape)

    @property
    def columns(self) -> slice:
        return slice(self.start, self.start + self.size)

    def values(self, rows: np.ndarray) -> np.ndarray:
        """The block of ``rows`` (…, width) as tensors, (…, *shape): a view where numpy
        can make one (a history's rows are contiguous, so always for them)."""
        return rows[..., self.columns].reshape(*rows.shape[:-1], *self.shape)


def split_recorded(
    param_names: tuple[str, ...], extra_names: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The update rule's quantities and single columns, read back from its column names.

    The rules' contract (:mod:`solvers.optim.rules.base`) names the recorded columns
    ``q_θ`` for each quantity q, one per scalar parameter θ in order, then the single
    columns: so a run of names ``q_θ`` over every θ is a quantity, and the rest are
    singles."""
    quantities: list[str] = []
    at, n = 0, len(param_names)
    while n and at + n <= len(extra_names):
        head, suffix = extra_names[at], f"_{param_names[0]}"
        if not head.endswith(suffix):
            break
        quantity = head[: -len(suffix)]
        if extra_names[at : at + n] != tuple(f"{quantity}_{p}" for p in param_names):
            break
        quantities.append(quantity)
        at += n
    return tuple(quantities), extra_names[at:]


def row_blocks(
    tensors: tuple[tuple[str, tuple[int, ...]], ...],
    predictions: int,
    quantities: tuple[str, ...],
    singles: tuple[str, ...],
) -> tuple[Block, ...]:
    """Every block of a row, in column order: the parameter tensors, the objective, each
    tensor's gradient, the predictions (where there are any), each quantity the rule
    records per parameter tensor, then its single columns."""
    blocks: list[Block] = []
    at = 0

    def add(name: str, role: str, shape: tuple[int, ...], of: str = "") -> None:
        nonlocal at
        blocks.append(Block(name, role, shape, at, of))
        at += prod(shape)

    for name, shape in tensors:
        add(name, PARAMETER, shape)
    add(OBJECTIVE, OBJECTIVE, ())
    for name, shape in tensors:
        add(f"grad_{name}", GRADIENT, shape, name)
    if predictions:
        add(PREDICTIONS, PREDICTIONS, (predictions,))
    for quantity in quantities:
        for name, shape in tensors:
            add(f"{quantity}_{name}", RECORDED, shape, name)
    for single in singles:
        add(single, RECORDED, ())
    return tuple(blocks)


def norm_blocks(tensors: tuple[str, ...]) -> tuple[Block, ...]:
    """A row of norms (a network's): the objective, ‖∇f‖, each tensor's gradient norm
    (``grad_norm_W1``), then each tensor's own norm (``norm_W1``), one column each."""
    names = [
        (OBJECTIVE, OBJECTIVE, ""),
        (GRAD_NORM, NORM, ""),
        *((f"grad_norm_{t}", NORM, t) for t in tensors),
        *((f"norm_{t}", NORM, t) for t in tensors),
    ]
    return tuple(Block(name, role, (), at, of) for at, (name, role, of) in enumerate(names))
