"""torch.optim's own loops, the reference the update rules and schedules are held to."""

from __future__ import annotations

import numpy as np
import torch

from solvers.chapters.registry import make_problem
from solvers.core.expression import parse
from solvers.core.specs import ProblemSpec
from solvers.optim.choices import OptimizerChoice, ScheduleChoice
from solvers.optim.registry import OPTIMIZER_SPECS, SCHEDULE_SPECS
from solvers.problems.objectives.expression import make_expression_objective
from solvers.problems.problem import Problem
from solvers.run.descent import Descent
from solvers.run.settings import RunSettings

ROSENBROCK = "(1-x0)**2 + 100*(x1-x0**2)**2"
ROSENBROCK_SPEC = ProblemSpec(
    id="rosenbrock",
    title="Rosenbrock",
    formula=ROSENBROCK,
    param_names=("x0", "x1"),
    param_shapes=((2,),),
    prediction_names=(),
    eta=1e-3,
    iterations=1000,
    book_start=(-1.5, 2.0),
)

TORCH_OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {
    name: getattr(torch.optim, spec.torch_class)
    for name, spec in OPTIMIZER_SPECS.items()
    if spec.torch_class is not None
}
"""Every optimizer with a torch.optim class, as its module names it: the reference its
rule is held to (a new optimizer's module adds itself here)."""


def rosenbrock() -> Problem:
    """A custom function, wrapped as solvers.problems.problem.Problem wraps an objective."""
    return Problem(ROSENBROCK_SPEC, make_expression_objective(parse(ROSENBROCK), 2))


PROBLEMS = {
    # problem: (maker, start, η for plain-like optimizers, η for adaptive ones)
    "2": (lambda: make_problem("2"), (-0.004, 0.0005), 0.05, 0.05),
    "3": (lambda: make_problem("3"), None, 1e-4, 1e-2),
    "rosenbrock": (rosenbrock, None, 1e-3, 1e-2),
}


def eta_for(problem_key: str, optimizer: str) -> float:
    _, _, plain_eta, adaptive_eta = PROBLEMS[problem_key]
    return adaptive_eta if OPTIMIZER_SPECS[optimizer].adaptive else plain_eta


def torch_scheduler(
    optimizer: torch.optim.Optimizer, schedule: ScheduleChoice, iterations: int
) -> torch.optim.lr_scheduler.LRScheduler | torch.optim.lr_scheduler.ReduceLROnPlateau | None:
    """The schedule's torch.optim.lr_scheduler class as its module names it, with its knobs
    in torch's names (a knob without a value: the run's iterations, as t-max's)."""
    spec = SCHEDULE_SPECS[schedule.name]
    if spec.torch_class is None:
        return None
    values = schedule.values
    kwargs = {k.torch_name: values.get(k.name, iterations) for k in spec.knobs}
    return getattr(torch.optim.lr_scheduler, spec.torch_class)(optimizer, **kwargs)


def torch_loop(
    problem: Problem,
    start: tuple[float, ...],
    eta: float,
    choice: OptimizerChoice,
    iterations: int,
    schedule: ScheduleChoice | None = None,
    dtype: torch.dtype = torch.float32,
) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """torch.optim's loop: zero_grad, forward, backward, step, scheduler.step.

    Returns the parameters before each step (one row each), the objective of
    each iteration, and the η each step used.
    """
    params = problem.make_params(start, torch.device("cpu"), dtype)
    objective = problem.objective_on(torch.device("cpu"), dtype)
    cls = TORCH_OPTIMIZERS[choice.name]
    optimizer = cls(params, lr=eta, **choice.torch_kwargs)  # type: ignore[call-arg]
    scheduler = torch_scheduler(optimizer, schedule, iterations) if schedule else None
    rows, values, etas = [], [], []
    for _ in range(iterations):
        optimizer.zero_grad()
        value, _ = objective(params)
        value.sum().backward()
        rows.append(torch.cat([p.detach().reshape(-1) for p in params]).numpy().copy())
        values.append(float(value.detach().sum()))
        etas.append(float(optimizer.param_groups[0]["lr"]))
        optimizer.step()
        if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
            scheduler.step(float(value.detach().sum()))
        elif scheduler is not None:
            scheduler.step()
    return np.array(rows), np.array(values), etas


def gdlab_run(
    problem: Problem,
    start: tuple[float, ...] | None,
    eta: float,
    choice: OptimizerChoice,
    iterations: int,
    schedule: ScheduleChoice | None = None,
    dtype: str = "float32",
) -> Descent:
    settings = RunSettings(
        eta,
        iterations,
        "cpu",
        seed=0,
        start=start,
        optimizer=choice,
        schedule=schedule or ScheduleChoice(),
        dtype=dtype,
    )
    descent = Descent(problem, settings)
    for _ in descent.run():
        pass
    return descent


def max_relative_difference(ours: np.ndarray, theirs: np.ndarray) -> float:
    """max |ours − theirs| / |theirs| over every element (0/0 counts as 0)."""
    ours64 = ours.astype(np.float64)
    theirs64 = theirs.astype(np.float64)
    difference = np.abs(ours64 - theirs64)
    scale = np.abs(theirs64)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(difference == 0, 0.0, difference / scale)
    return float(np.max(relative)) if relative.size else 0.0
