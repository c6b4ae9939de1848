"""B12: one epoch of minibatch descent on 100,000 × 50 standardized rows, batch 256,
against a bare torch loop of the same model, optimizer and seed."""

from __future__ import annotations

import statistics
import time
from typing import Any

from tui.bench.measures import Figure, paired_ratio, timed

B12_ROWS = 100_000
B12_FEATURES = 50
B12_BATCH = 256
B12_SEED = 12
B12_ETA = 1e-6
"""Under the bound 2/λmax of the standardized rows' summed loss (λmax ≈ N)."""
_PROBLEM: Any = None


def b12_data() -> tuple[Any, Any]:
    """The rows, seeded: standardized features (N, F) and targets (N,), float64."""
    import numpy as np

    generator = np.random.default_rng(B12_SEED)
    raw = generator.normal(size=(B12_ROWS, B12_FEATURES)) * generator.uniform(
        0.5, 20.0, B12_FEATURES
    )
    x = (raw - raw.mean(axis=0)) / raw.std(axis=0)
    truth = generator.normal(size=B12_FEATURES)
    y = x @ truth + 3.0 + generator.normal(scale=0.5, size=B12_ROWS)
    return x, y


def b12_problem() -> Any:
    """Chapter 3's problem on the rows, built in memory as the chapter builds a file's
    (float32 rows for the run, float64 for the facts; no predictions recorded)."""
    import torch

    from solvers.chapters.registry import chapter_of
    from solvers.core.specs import ProblemSpec
    from solvers.problems.objectives.book import LinearRegression
    from solvers.problems.problem import LeastSquaresProblem

    global _PROBLEM
    if _PROBLEM is None:
        x, y = b12_data()
        xt = torch.from_numpy(x.T.copy())
        yt = torch.from_numpy(y)
        spec = ProblemSpec(
            id="3",
            title="B12's rows",
            formula=f"loss = Σ (w·x + b - y)² / 2 over {B12_ROWS:,} rows",
            param_names=(*(f"w{i}" for i in range(B12_FEATURES)), "b"),
            param_shapes=((1, B12_FEATURES), (1,)),
            prediction_names=(),
            eta=B12_ETA,
            iterations=B12_ROWS // B12_BATCH,
            book_start=(0.0,) * (B12_FEATURES + 1),
            heading=chapter_of("3").default.heading,
        )
        run = LinearRegression(xt.to(torch.float32), yt.to(torch.float32), False)
        _PROBLEM = LeastSquaresProblem(spec, run, LinearRegression(xt, yt, False))
    return _PROBLEM


def gdlab_epoch() -> float:
    """gdlab's run of one epoch (every row recorded); seconds."""
    return gdlab_run()[0]


def gdlab_run() -> tuple[float, Any]:
    """gdlab's run of one epoch: seconds (the run, not the problem's facts, which a run
    computes before it starts) and the Descent."""
    from solvers.run.descent import Descent
    from solvers.run.settings import RunSettings

    iterations = B12_ROWS // B12_BATCH
    settings = RunSettings(B12_ETA, iterations, "cpu", seed=B12_SEED, batch_size=B12_BATCH)
    descent = Descent(b12_problem(), settings)
    return timed(descent), descent


def bare_epoch() -> float:
    """The bare loop's epoch; seconds."""
    return bare_run()[0]


def bare_run() -> tuple[float, Any]:
    """A bare torch loop of the same epoch: torch.randperm from the same seed, each
    batch's rows, forward, backward, a torch.optim.SGD step; no recording. Seconds, and
    w and b at the end (flat)."""
    import torch

    x, y = b12_data()
    rows = torch.from_numpy(x).to(torch.float32)  # (N, F), as a torch user holds them
    targets = torch.from_numpy(y).to(torch.float32)
    w = torch.zeros(1, B12_FEATURES, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=B12_ETA)
    scale = B12_ROWS / B12_BATCH
    started = time.perf_counter()
    generator = torch.Generator().manual_seed(B12_SEED)
    order = torch.randperm(B12_ROWS, generator=generator)
    for k in range(B12_ROWS // B12_BATCH):
        batch = order[k * B12_BATCH : (k + 1) * B12_BATCH]
        optimizer.zero_grad()
        predicted = rows[batch] @ w.t() + b
        loss = torch.sum((predicted.squeeze(1) - targets[batch]) ** 2 / 2) * scale
        loss.backward()  # type: ignore[no-untyped-call]
        optimizer.step()
    elapsed = time.perf_counter() - started
    return elapsed, torch.cat([w.detach().reshape(-1), b.detach()])


def b12_minibatch(pairs: int = 5) -> Figure:
    """Alternating the bare loop and gdlab's epoch; the median of their ratios."""
    gdlab_epoch()  # the problem's facts and the chunk, once, as any later run has them
    bare_epoch()
    ratio, bares, ours = paired_ratio(gdlab_epoch, pairs, bare_epoch)
    ratios = [o / t for o, t in zip(ours, bares, strict=True)]
    iterations = B12_ROWS // B12_BATCH
    return Figure(
        "B12",
        f"one epoch, batch {B12_BATCH}, {B12_ROWS:,}x{B12_FEATURES} vs bare torch loop",
        ratio,
        "x",
        "≤ 1.0",
        ratio <= 1.0,
        f"bare torch {statistics.median(bares) / iterations * 1e6:.0f} µs/it, "
        f"gdlab {statistics.median(ours) / iterations * 1e6:.0f} µs/it",
        ratios,
    )
