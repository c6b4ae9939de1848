"""B7: a user's expression in gdlab's recorded loop against the same function by hand.

The hand-written side is Rosenbrock in the book's style (forward, ``backward()``,
``x.data -= eta * x.grad``, zero the gradient), recording nothing; gdlab's side
parses the expression, compiles it into the chunk and records every iteration's
parameters, objective and gradient. Alternated A B A B in one process; the
median of the pairs' ratios.
"""

from __future__ import annotations

import statistics
import time

from tui.bench.measures import Figure

ROSENBROCK = "(1-x0)**2 + 100*(x1-x0**2)**2"
START = (-1.5, 2.0)
ETA = 1e-3
ITERATIONS = 30_000


def by_hand(iterations: int = ITERATIONS) -> float:
    """Rosenbrock written by hand, the book's loop, no recording; seconds."""
    import torch

    x = torch.tensor(START, requires_grad=True)
    started = time.perf_counter()
    for _ in range(iterations):
        y = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
        y.backward()  # type: ignore[no-untyped-call]
        x.data -= ETA * x.grad  # type: ignore[operator]
        x.grad.data.zero_()  # type: ignore[union-attr]
    return time.perf_counter() - started


def in_gdlab(iterations: int = ITERATIONS) -> float:
    """The same function as a user types it, run and recorded by gdlab; seconds."""
    from solvers.chapters.function import function_spec
    from solvers.chapters.registry import problem_for
    from solvers.run.descent import Descent
    from solvers.run.settings import RunSettings

    problem = problem_for(function_spec(ROSENBROCK, START, ETA, iterations))
    descent = Descent(problem, RunSettings(ETA, iterations, start=START))
    started = time.perf_counter()
    for _ in descent.run():
        pass
    elapsed = time.perf_counter() - started
    assert descent.history.count == iterations
    return elapsed


def b7_expression(pairs: int = 3) -> Figure:
    """B7: ratio of gdlab's recorded run of the typed Rosenbrock to the hand-written loop."""
    in_gdlab(2000)  # compile once, as any long run of the same function would
    hands: list[float] = []
    ours: list[float] = []
    for _ in range(pairs):
        hands.append(by_hand())
        ours.append(in_gdlab())
    ratio = statistics.median(o / h for o, h in zip(ours, hands, strict=True))
    return Figure(
        "B7",
        "your function (Rosenbrock, 30k, recorded) vs by hand",
        ratio,
        "x",
        "≤ 0.7",
        ratio <= 0.7,
        f"by hand {statistics.median(hands) / ITERATIONS * 1e6:.0f} µs/it, "
        f"gdlab {statistics.median(ours) / ITERATIONS * 1e6:.0f} µs/it",
        [o / h for o, h in zip(ours, hands, strict=True)],
    )
