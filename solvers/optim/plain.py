"""plain: the book's update, θ ← θ − η·g (``w.data -= eta * w.grad``); no knobs."""

from __future__ import annotations

from collections.abc import Mapping

from solvers.optim.spec import Knobs, OptimizerSpec


def step(
    knobs: Knobs, t: int, eta: float, theta: float, grad: float, state: Mapping[str, float]
) -> float:
    """−η·g."""
    return -eta * grad


SPEC = OptimizerSpec(
    name="plain",
    summary="the book's update, θ ← θ − η·g",
    knobs=(),
    rule="solvers.optim.rules.plain",
    formula=(("θ ← θ − η·g   (the book's w.data -= eta * w.grad)", None),),
    step=step,
    along_gradient=True,
)
