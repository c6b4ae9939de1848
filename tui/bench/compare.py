"""B9: a 16-member compare against one run of the same length."""

from __future__ import annotations

import statistics
import time
from typing import Any

from tui.bench.measures import CH3_ITERATIONS, Figure, solver_run
from tui.bench.pty_session import PtySession

B9_MEMBERS = 16
B9_ETAS = tuple(1e-4 + k * (8e-3 - 1e-4) / (B9_MEMBERS - 1) for k in range(B9_MEMBERS))
"""16 η on chapter 3, from the book's 1e-4 to just under its bound 2/λmax ≈ 8.2e-3."""
_PROBLEM: Any = None


def compare_run(iterations: int = CH3_ITERATIONS) -> float:
    """16 plain members on chapter 3, batched, every row of each recorded; seconds."""
    from solvers.chapters.registry import make_problem
    from solvers.optim.choices import PLAIN
    from solvers.run.compare import Comparison
    from solvers.run.members import CompareSettings

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


SHIFT_TAB, DOWN, HOME, KILL_RIGHT, TAB = "\x1b[Z", "\x1b[B", "\x1b[H", "\x0b", "\t"


def _type(session: PtySession, *keys: str) -> None:
    """Send keys one at a time, as a person types: Textual moves focus (tab) only once
    the key has bubbled back up to the app, so keys sent in one burst after a tab
    would reach the widget focused before it."""
    for key in keys:
        session.send(key)
        time.sleep(0.3)


def _compare_going(session: PtySession, etas: str, adam: bool) -> None:
    """On the compare screen (focus on its table): set the η field, tick adam instead
    of plain if asked, go back to the table and run; returns once it is running."""
    opened = session.send("5")
    if session.wait_for(b"ready: every", opened, timeout=30) is None:
        raise RuntimeError("the compare screen did not open in the pty")
    time.sleep(0.5)  # keys typed before the switch ends go to the screen being left
    # table → Run button → batch sizes → iterations → optimizers → η
    _type(session, *[SHIFT_TAB] * 5)
    _type(session, HOME, KILL_RIGHT, etas, TAB)  # then the optimizers, plain highlighted
    if adam:
        _type(session, " ", *[DOWN] * 5, " ")  # untick plain; tick adam (sixth)
    _type(session, TAB, TAB, TAB, TAB)  # iterations → batch sizes → Run → the table
    begun = session.send("r")
    if session.wait_for(b"running: iteration", begun, timeout=60) is None:
        raise RuntimeError("the compare did not start in the pty")
    time.sleep(1.5)


def b3_compare() -> list[Figure]:
    """B3 during an Adam run (one Adam member on the compare screen) and during a
    16-member compare (B9's η, plain), each in a fresh app on a pty."""
    from tui.bench.terminal import _start_app, latency_figure, pause_latencies

    figures = []
    cases = (
        ("during an Adam run (p95)", "1e-3", True),
        (
            f"during a {B9_MEMBERS}-member compare (p95)",
            " ".join(f"{e:.6g}" for e in B9_ETAS),
            False,
        ),
    )
    for what, etas, adam in cases:
        session, _ = _start_app()
        try:
            session.send("3")
            time.sleep(0.5)
            _compare_going(session, etas, adam)
            latencies = pause_latencies(session)
            session.send("s")
        finally:
            session.close()
        figures.append(latency_figure(f"key press to screen update {what}", latencies))
    return figures
