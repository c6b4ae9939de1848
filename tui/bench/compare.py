"""B9: a 16-member compare against one run of the same length."""

from __future__ import annotations

import statistics
import time
from typing import Any

from tui.bench.measures import CH3_ITERATIONS, Figure, solver_run

B9_MEMBERS = 16
B9_ETAS = tuple(1e-4 + k * (8e-3 - 1e-4) / (B9_MEMBERS - 1) for k in range(B9_MEMBERS))
"""16 η on chapter 3, from the book's 1e-4 to just under its bound 2/λmax ≈ 8.2e-3."""
_PROBLEM: Any = None


def compare_run(iterations: int = CH3_ITERATIONS) -> float:
    """16 plain members on chapter 3, batched, every row of each recorded; seconds."""
    from solvers.compare import Comparison
    from solvers.members import CompareSettings
    from solvers.optimizers import PLAIN
    from solvers.problems import make_problem

    global _PROBLEM
    if _PROBLEM is None:
        _PROBLEM = make_problem("3")
    settings = CompareSettings.every(B9_ETAS, [PLAIN], iterations, device="cpu")
    comparison = Comparison(_PROBLEM, settings)
    started = time.perf_counter()
    for _ in comparison.run():
        pass
    elapsed = time.perf_counter() - started
    assert all(run.history.count == iterations for run in comparison.runs)
    return elapsed


def b9_compare(pairs: int = 3) -> Figure:
    """Alternating one run and the 16-member compare; the median of their ratios."""
    solver_run(2000)
    compare_run(2000)  # compile both once, as any long run has
    ones: list[float] = []
    compares: list[float] = []
    for _ in range(pairs):
        ones.append(solver_run())
        compares.append(compare_run())
    ratios = [c / o for c, o in zip(compares, ones, strict=True)]
    ratio = statistics.median(ratios)
    return Figure(
        "B9",
        f"compare of {B9_MEMBERS} η vs one run (ch3, 30k, batched)",
        ratio,
        "x",
        "≤ 1.2",
        ratio <= 1.2,
        f"one run {statistics.median(ones) / CH3_ITERATIONS * 1e6:.0f} µs/it, "
        f"{B9_MEMBERS} members {statistics.median(compares) / CH3_ITERATIONS * 1e6:.0f} µs/it",
        ratios,
    )
