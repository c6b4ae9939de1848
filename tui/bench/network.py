"""B11: chapter 4's default network in gdlab's solver, every iteration recorded (the
loss and per-layer norms), against a bare torch.nn + torch.optim loop of the same
model, optimizer, η and seed, both on one intra-op thread (as gdlab runs a network).

The run is B11_ITERATIONS long, so that it is compiled as any long run is (a run of
fewer than 2,000 iterations runs eagerly).
"""

from __future__ import annotations

import statistics
import time

from tui.bench.measures import Figure, paired_ratio, timed

B11_ITERATIONS = 3000


def torch_nn_loop(iterations: int = B11_ITERATIONS, seed: int = 0) -> float:
    """The bare loop (zero_grad, forward, MSELoss, backward, step), no recording; seconds."""
    import torch

    from solvers.chapters.registry import chapter_of, problem_for
    from solvers.problems.network import NetworkProblem, sequential
    from solvers.run.devices import intra_op_threads

    problem = problem_for(chapter_of("4").default)
    assert isinstance(problem, NetworkProblem)
    spec = problem.spec
    torch.manual_seed(seed)
    model = sequential(problem.sizes, spec.input("activation") or "tanh")
    x, y = problem.objective.x, problem.objective.y
    cls = {"adam": torch.optim.Adam}[spec.optimizer]
    optimizer = cls(model.parameters(), lr=spec.eta)
    loss_fn = torch.nn.MSELoss()
    with intra_op_threads(problem.threads):  # as gdlab runs it, and as later figures not
        started = time.perf_counter()
        for _ in range(iterations):
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
        return time.perf_counter() - started


def network_run(iterations: int = B11_ITERATIONS, seed: int = 0) -> float:
    """gdlab's solver on chapter 4's default network, every row recorded; seconds."""
    from solvers.chapters.registry import chapter_of, problem_for
    from solvers.optim.choices import parse_optimizer
    from solvers.run.descent import Descent
    from solvers.run.settings import RunSettings

    problem = problem_for(chapter_of("4").default)
    spec = problem.spec
    optimizer = parse_optimizer(spec.optimizer, {})
    return timed(
        Descent(problem, RunSettings(spec.eta, iterations, "cpu", seed, optimizer=optimizer))
    )


def b11_network(pairs: int = 3) -> Figure:
    """Alternating pairs (torch first), the median of the ratios gdlab / torch."""
    network_run()  # compile once, as any long run has
    ratio, theirs, ours = paired_ratio(network_run, pairs, torch_nn_loop)
    ratios = [o / t for o, t in zip(ours, theirs, strict=True)]
    return Figure(
        "B11",
        "ch4 network (1-32-32-1 tanh, Adam) vs bare torch.nn + torch.optim loop, 3k",
        ratio,
        "x",
        "≤ 0.6",
        ratio <= 0.6,
        f"torch {statistics.median(theirs) / B11_ITERATIONS * 1e6:.0f} µs/it, "
        f"gdlab {statistics.median(ours) / B11_ITERATIONS * 1e6:.0f} µs/it",
        ratios,
    )
