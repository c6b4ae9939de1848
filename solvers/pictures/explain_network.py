"""One step of a network explained (the app's ``n`` key), from its row of norms and
its parameters after the step (neither numpy nor torch: the chapter screen imports
it before they load).

A network's row holds the loss, ‖∇f‖ and each tensor's gradient and weight norms,
not its parameters one by one (there may be a million): so the step is told per
tensor, ‖t‖ before (the row) and after (the run's parameters now), and nothing is
said of a single coordinate.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import hypot, prod
from typing import TYPE_CHECKING

from solvers.pictures.explain import number

if TYPE_CHECKING:
    from solvers.run.history import Layout


def explain_norms(
    row: Sequence[float],
    params_after: Sequence[float] | None,
    layout: Layout,
    optimizer: str,
    eta: float,
    iteration: int,
) -> str:
    """Step ``iteration``: the loss, ‖∇f‖, and per tensor its gradient's norm and its own
    norm before and after the update (``params_after``: flat, where known)."""
    at = {block.name: block.start for block in layout.blocks}
    lines = [
        f"step {iteration} (a network: told per tensor, its rows hold norms):",
        f" forward  loss = {number(float(row[at['objective']]))}",
        f" backward ‖∇f‖ = {number(float(row[at['grad_norm']]))}",
        f" update   {optimizer}, η = {number(eta)}, on every parameter at once",
    ]
    after = [float(v) for v in params_after] if params_after is not None else None
    offset = 0
    for name, shape in layout.tensors:
        size = prod(shape)
        grad = number(float(row[at[f"grad_norm_{name}"]]))
        before = number(float(row[at[f"norm_{name}"]]))
        line = f"  {name} {'×'.join(map(str, shape))}: ‖∂f/∂{name}‖ = {grad}, ‖{name}‖ {before}"
        if after is not None and len(after) >= offset + size:
            line += f" → {number(hypot(*after[offset : offset + size]))}"
        lines.append(line)
        offset += size
    return "\n".join(lines)
