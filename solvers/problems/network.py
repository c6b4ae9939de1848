"""Chapter 4's problem: a network's loss, its start from torch.nn's own initialisation,
and no facts (none is known of a network's loss: no optimum, no bound on η).

The start is what ``torch.manual_seed(seed)`` and building the same
``torch.nn.Sequential`` give (each ``nn.Linear``'s default init, drawn on the CPU):
the script's ``torch.manual_seed(seed)`` + ``nn.Sequential(…)`` starts from the same
numbers. Only the CPU generator is seeded, in a forked state, so no generator of the
process (the CPU's or an accelerator's) is left changed.
No Hessian is computed (a network may have a million parameters).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import torch
from torch import Tensor

from solvers.core.facts import BoundReason, Facts
from solvers.core.specs import ProblemSpec
from solvers.problems.fit_points import FitPoints
from solvers.problems.objectives.network import ACTIVATIONS, Network
from solvers.problems.problem import Problem

FIT_ROWS = 2000
"""Most rows a fit plot is computed on (evenly spaced over the data)."""
UNKNOWN = Facts(None, None, BoundReason.UNKNOWN)
"""What is known of a network's loss: neither its minimum nor a stable η."""


def sequential(sizes: tuple[int, ...], activation: str) -> torch.nn.Sequential:
    """``nn.Sequential(Linear(s0, s1), Act(), …, Linear(s_{k-1}, s_k))``, built as the
    script builds it (the order of construction is the order of the random draws)."""
    layers: list[torch.nn.Module] = []
    act = getattr(torch.nn, ACTIVATIONS[activation])
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act())
    return torch.nn.Sequential(*layers)


class NetworkProblem(Problem):
    """A perceptron of layer ``sizes`` on its data: facts unknown, start from torch.nn."""

    objective: Network
    threads = 1
    """Its runs use one intra-op thread, as its script does: the thread count splits a
    reduction, and so rounds its last bits, its own way; the same count as the script's
    gives the same bits."""

    def __init__(
        self, spec: ProblemSpec, objective: Network, sizes: tuple[int, ...], x_name: str = "x"
    ) -> None:
        super().__init__(spec, objective)
        self.sizes = sizes
        self.x_name = x_name  # a one-input fit's x axis: the column, or "COL (z-score)"
        self.activation = objective.activation

    def start_values(self, start: tuple[float, ...] | None, seed: int) -> tuple[float, ...]:
        """The given start, else torch.nn's default init after ``torch.manual_seed(seed)``."""
        if start is not None:
            return super().start_values(start, seed)
        return tuple(float(v) for v in self.initial(seed).tolist())

    def initial(self, seed: int) -> Tensor:
        """The Sequential's parameters after ``torch.manual_seed(seed)``, flat, float32.

        The draw is on the CPU, so seeding the CPU generator alone gives the same numbers;
        ``torch.manual_seed`` would also seed every accelerator's generator (at once, or
        queued until CUDA starts), which a fork of the CPU's state leaves seeded.
        """
        with torch.random.fork_rng(devices=[]):
            torch.default_generator.manual_seed(seed)
            model = sequential(self.sizes, self.objective.activation)
        with torch.no_grad():
            return torch.cat([p.reshape(-1) for p in model.parameters()])

    def facts_at(self, start: tuple[float, ...]) -> Facts:
        return UNKNOWN

    @cached_property
    def facts(self) -> Facts:
        return UNKNOWN

    def fit_points(self, params: list[Tensor], iteration: int) -> FitPoints:
        """The network's outputs on (at most FIT_ROWS evenly spaced of) its rows, from
        a float64 copy of ``params`` on the CPU (no graph): the curve over x where there
        is one input, else predicted against actual."""
        x, y = self.objective.x, self.objective.y
        rows = torch.linspace(0, x.shape[0] - 1, min(FIT_ROWS, x.shape[0])).round().long()
        with torch.no_grad():
            copies = [p.detach().to("cpu", torch.float64) for p in params]
            inputs = x.index_select(0, rows).to(torch.float64)
            predicted = self.objective.predict(copies, inputs).reshape(-1).numpy()
        target = y.index_select(0, rows).reshape(-1).to(torch.float64).numpy()
        one = inputs.shape[1] == 1
        order = np.argsort(inputs[:, 0].numpy(), kind="stable") if one else np.arange(len(rows))
        return FitPoints(
            target[order],
            predicted[order],
            inputs[:, 0].numpy()[order] if one else None,
            self.x_name,
            self.spec.input("target") or "sin(x)",
            iteration,
        )
