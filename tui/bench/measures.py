"""The figures of ``gdlab bench``, each measured side by side on this machine.

Timings on a shared machine drift from run to run, so ratios come from
alternating the two sides (book, gdlab, book, gdlab, ...) in one process and
taking the median of the pairs' ratios.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

CH3_ITERATIONS = 30_000
_CH3: Any = None


@dataclass
class Figure:
    """One benchmark line: the measured value, its target, and how it was measured."""

    key: str
    name: str
    value: float
    unit: str
    target: str
    met: bool
    detail: str = ""
    samples: list[float] = field(default_factory=list)


def book_loop(iterations: int = CH3_ITERATIONS) -> float:
    """The book's chapter-3 loop without its prints; returns seconds."""
    return book_loop_ending(iterations)[0]


def book_loop_ending(iterations: int) -> tuple[float, tuple[float, ...]]:
    """:func:`book_loop`'s seconds, and where it left the parameters (w0, w1, b)."""
    import torch

    x = torch.tensor([[1.1, 4.6, 8.9], [2.3, 5.7, 10.1]], dtype=torch.float32)
    y_target = torch.tensor([13.5700, 38.7000, 70.5100], dtype=torch.float32)
    w = torch.tensor([0.001, 0.003], dtype=torch.float32).unsqueeze(dim=0)
    w.requires_grad_(True)
    b = torch.tensor([0.005], dtype=torch.float32)
    b.requires_grad_(True)
    eta = 0.0001
    started = time.perf_counter()
    for _ in range(iterations):
        y = torch.mm(w, x) + b
        loss = (y - y_target) ** 2 / 2
        sum_err = torch.sum(loss)
        sum_err.backward()  # type: ignore[no-untyped-call]
        w.data -= eta * w.grad  # type: ignore[operator]
        b.data -= eta * b.grad  # type: ignore[operator]
        w.grad.data.zero_()  # type: ignore[union-attr]
        b.grad.data.zero_()  # type: ignore[union-attr]
    seconds = time.perf_counter() - started
    return seconds, tuple(float(v) for v in [*w.detach().reshape(-1), *b.detach()])


def solver_run(iterations: int = CH3_ITERATIONS) -> float:
    """gdlab's solver on chapter 3, recording every iteration's full state; seconds.

    Like the app, it reuses one problem, so TorchScript compiles once (in the warm-up).
    """
    return solver_run_ending(iterations)[0]


def solver_run_ending(iterations: int) -> tuple[float, tuple[float, ...]]:
    """:func:`solver_run`'s seconds, and where it left the parameters (w0, w1, b)."""
    from solvers.chapters.registry import make_problem
    from solvers.run.descent import Descent
    from solvers.run.settings import RunSettings

    global _CH3
    if _CH3 is None:
        _CH3 = make_problem("3")
    descent = Descent(_CH3, RunSettings(1e-4, iterations))
    return timed(descent), descent.current_values()


def app_run(iterations: int = CH3_ITERATIONS) -> float:
    """The app headless at 120x40 running chapter 3 to the end; seconds from r to done."""
    from tui.app.app import GdlabApp
    from tui.bench.headless import ready_screen, run_to_end, set_iterations

    async def measure() -> float:
        app = GdlabApp(start_chapter="3")
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await ready_screen(app, pilot)
            await set_iterations(pilot, screen, iterations)
            elapsed = await run_to_end(pilot, screen)
            assert screen.controller.count == iterations
            return elapsed

    return asyncio.run(measure())


def paired_ratio(
    gdlab: Callable[[], float], pairs: int, baseline: Callable[[], float] | None = None
) -> tuple[float, list[float], list[float]]:
    """Median of gdlab/baseline ratios over ``pairs`` alternating runs (the baseline
    first; default: the book's loop), and each side's seconds."""
    other = book_loop if baseline is None else baseline
    theirs: list[float] = []
    ours: list[float] = []
    for _ in range(pairs):
        theirs.append(other())
        ours.append(gdlab())
    ratios = [o / t for o, t in zip(ours, theirs, strict=True)]
    return statistics.median(ratios), theirs, ours


def timed(descent: Any) -> float:
    """Seconds a Descent takes to run every iteration its settings ask for (each row
    recorded); a run that ends early fails the measurement."""
    started = time.perf_counter()
    for _ in descent.run():
        pass
    elapsed = time.perf_counter() - started
    assert descent.history.count == descent.settings.iterations, descent.report
    return elapsed


def b1_solver(pairs: int = 3) -> Figure:
    solver_run(2000)  # warm up TorchScript once, as any long run has
    ratio, books, ours = paired_ratio(solver_run, pairs)
    return Figure(
        "B1",
        "solver vs book loop (ch3, 30k, every state recorded)",
        ratio,
        "x",
        "≤ 0.7",
        ratio <= 0.7,
        f"book {statistics.median(books) / CH3_ITERATIONS * 1e6:.0f} µs/it, "
        f"gdlab {statistics.median(ours) / CH3_ITERATIONS * 1e6:.0f} µs/it",
    )


def b2_live(pairs: int = 2) -> Figure:
    ratio, books, ours = paired_ratio(app_run, pairs)
    return Figure(
        "B2",
        "live app vs book loop (headless 120x40, ch3 30k)",
        ratio,
        "x",
        "≤ 1.0",
        ratio <= 1.0,
        f"book {statistics.median(books):.2f} s, app {statistics.median(ours):.2f} s",
    )


def b5_memory(iterations: int = 1_000_000) -> Figure:
    """Peak RSS growth of the headless app over its idle self during a long ch3 run."""
    done = subprocess.run(
        [sys.executable, "-c", f"from tui.bench.memory_child import main; main({iterations})"],
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory run failed: {done.stderr.strip()[-400:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    growth = (data["peak_kib"] - data["idle_kib"]) / 1024
    return Figure(
        "B5",
        f"peak RSS growth, {iterations:,}-iteration ch3 run",
        growth,
        "MB",
        "≤ 64",
        growth <= 64,
        f"idle {data['idle_kib'] / 1024:.0f} MB, peak {data['peak_kib'] / 1024:.0f} MB, "
        f"{data['rows']:,} rows kept, {data['seconds']:.0f} s",
    )


def b10_classroom(together: int = 30) -> Figure:
    """A class on one `gdlab serve`: first frames of tabs opened together, memory per tab."""
    import os

    from tui.bench.classroom import measure_class

    load = os.getloadavg()[0]
    # the server has been up a while when the class arrives: its spares are forked
    forked = measure_class(together, fork=True, settle=15.0)
    # today's textual-serve way, a process per tab, with a few tabs only (it is slow)
    spawned = measure_class(3, fork=False)
    frames = forked.first_frames
    last = frames[-1] if len(frames) == together else float("inf")

    def rank(n: int) -> str:
        return f"{frames[n - 1]:.2f} s" if len(frames) >= n else "none"

    met = last <= 3.0 and forked.per_extra_mib <= 100
    return Figure(
        "B10",
        f"serve: {together} tabs opened together, last first frame",
        last,
        "s",
        "≤ 3, ≤ 100 MB",
        met,
        f"first frames: 1st {rank(1)}, 20th {rank(20)}, {together}th {rank(together)}"
        f"{f' ({forked.missing} never drew)' if forked.missing else ''}; "
        f"{forked.per_extra_mib:.0f} MiB PSS per extra tab ({forked.one_session_mib:.0f} MiB "
        f"with one tab, {forked.total_mib:.0f} MiB with {together + 1}); a process per tab "
        f"(GDLAB_SERVE_FORK=0): {spawned.per_extra_mib:.0f} MiB per tab, 3 tabs' last first "
        f"frame {spawned.first_frames[-1] if spawned.first_frames else float('nan'):.2f} s; "
        f"load average {load:.1f} before",
        frames,
    )


def _b8_etas() -> dict[str, float]:
    from solvers.optim.registry import OPTIMIZER_SPECS

    return {
        name: 1e-2 if spec.adaptive else 1e-4
        for name, spec in OPTIMIZER_SPECS.items()
        if spec.torch_class is not None or name == "plain"
    }


B8_ETAS = _b8_etas()
"""η of each optimizer in B8 (every one its registry gives a torch.optim class, and
plain): 1e-2 for one that adapts its step, else 1e-4, each stable on chapter 3 for
30,000 iterations. plain is the book's update against torch.optim.SGD without
momentum; armijo has no torch.optim twin."""


def torch_optim_loop(name: str, iterations: int = CH3_ITERATIONS) -> float:
    """A bare torch.optim loop on chapter 3 (zero_grad, forward, backward, step), no
    recording; seconds."""
    import torch

    from solvers.optim.choices import OptimizerChoice
    from solvers.optim.registry import OPTIMIZER_SPECS

    choice = OptimizerChoice(name)
    cls = getattr(torch.optim, OPTIMIZER_SPECS[name].torch_class or "SGD")  # plain: SGD
    x = torch.tensor([[1.1, 4.6, 8.9], [2.3, 5.7, 10.1]], dtype=torch.float32)
    y_target = torch.tensor([13.5700, 38.7000, 70.5100], dtype=torch.float32)
    w = torch.tensor([[0.001, 0.003]], dtype=torch.float32, requires_grad=True)
    b = torch.tensor([0.005], dtype=torch.float32, requires_grad=True)
    optimizer = cls([w, b], lr=B8_ETAS[name], **choice.torch_kwargs)
    started = time.perf_counter()
    for _ in range(iterations):
        optimizer.zero_grad()
        y = torch.mm(w, x) + b
        loss = torch.sum((y - y_target) ** 2 / 2)
        loss.backward()  # type: ignore[no-untyped-call]
        optimizer.step()
    return time.perf_counter() - started


def optimizer_run(name: str, iterations: int = CH3_ITERATIONS) -> float:
    """gdlab's solver on chapter 3 under optimizer ``name``, every row recorded; seconds."""
    from solvers.chapters.registry import make_problem
    from solvers.optim.choices import OptimizerChoice
    from solvers.run.descent import Descent
    from solvers.run.settings import RunSettings

    global _CH3
    if _CH3 is None:
        _CH3 = make_problem("3")
    settings = RunSettings(B8_ETAS[name], iterations, "cpu", optimizer=OptimizerChoice(name))
    return timed(Descent(_CH3, settings))


def b8_optimizers(pairs: int = 3, names: tuple[str, ...] = tuple(B8_ETAS)) -> list[Figure]:
    """Each optimizer on ch3, 30,000 iterations recorded, against a bare torch.optim loop
    with the same optimizer (alternating, median ratio): one figure per optimizer."""
    figures = []
    for name in names:
        optimizer_run(name, 2000)  # compile once, as any long run has
        ratio, theirs, ours = paired_ratio(
            partial(optimizer_run, name), pairs, partial(torch_optim_loop, name)
        )
        figures.append(
            Figure(
                "B8",
                f"{name}: solver vs bare torch.optim loop (ch3, 30k)",
                ratio,
                "x",
                "≤ 0.5",
                ratio <= 0.5,
                f"torch.optim {statistics.median(theirs) / CH3_ITERATIONS * 1e6:.0f} µs/it, "
                f"gdlab {statistics.median(ours) / CH3_ITERATIONS * 1e6:.0f} µs/it",
                [o / t for o, t in zip(ours, theirs, strict=True)],
            )
        )
    return figures
