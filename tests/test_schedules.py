"""Schedules: η of each iteration is torch.optim.lr_scheduler's, bit for bit, and a
scheduled run's trajectory is torch's loop with that scheduler."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from optim_reference import PROBLEMS, eta_for, gdlab_run, torch_loop, torch_scheduler
from quick import grid

import solvers.run.descent as descent_module
from solvers.optim.choices import OptimizerChoice, ScheduleChoice
from solvers.optim.schedule_steps import EtaSchedule

ITERATIONS = 1000

SCHEDULES = [
    ScheduleChoice("step", {"step-size": 100, "gamma": 0.5}),
    ScheduleChoice("step"),
    ScheduleChoice("exponential", {"gamma": 0.99}),
    ScheduleChoice("cosine"),
    ScheduleChoice("cosine", {"t-max": 300}),  # past T_max η rises again, as torch's does
    ScheduleChoice("plateau", {"patience": 5, "factor": 0.5}),
    ScheduleChoice("plateau"),
]
WITH_KNOBS = [s for s in SCHEDULES if s != ScheduleChoice(s.name)]
"""One of each schedule, with knobs other than its defaults."""


def torch_etas(schedule: ScheduleChoice, eta: float, iterations: int) -> list[float]:
    param = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=eta)
    scheduler = torch_scheduler(optimizer, schedule, iterations)
    etas = []
    for _ in range(iterations):
        etas.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return etas


@pytest.mark.parametrize(
    "schedule", [s for s in SCHEDULES if s.name != "plateau"], ids=lambda s: s.describe()
)
@pytest.mark.parametrize("eta", [0.1, 1e-4, 0.37])
def test_each_eta_is_the_schedulers_bit_for_bit(schedule, eta):
    iterations = 2500
    theirs = torch_etas(schedule, eta, iterations)
    ours = EtaSchedule(schedule, eta, iterations)
    chunked: list[float] = []
    size = 16
    while len(chunked) < iterations:  # as Descent asks: chunk after chunk
        count = min(size, iterations - len(chunked))
        chunked += ours.etas(len(chunked), count)
        size *= 2
    assert chunked == theirs
    assert ours.etas(5, 3) == theirs[5:8]  # the past asked again
    assert ours.etas(2000, 2) == theirs[2000:2002]


@pytest.fixture(scope="module")
def problems():
    return {key: make() for key, (make, *_rest) in PROBLEMS.items()}


@pytest.mark.parametrize(
    ("schedule", "problem_key", "name"),
    # the quick run: each schedule with its knobs set, on one problem each
    grid(
        SCHEDULES,
        [("2", "momentum"), ("3", "adam"), ("rosenbrock", "rmsprop")],
        row_id=lambda s: s.describe(),
        quick_rows=lambda s: s in WITH_KNOBS,
    ),
)
def test_scheduled_runs_are_torch_loops_with_the_scheduler(problems, problem_key, schedule, name):
    """float32, 1,000 iterations: parameters and the η column equal torch's loop with
    the scheduler stepped after every optimizer step (ReduceLROnPlateau with the
    iteration's objective)."""
    problem = problems[problem_key]
    start = PROBLEMS[problem_key][1]
    choice = OptimizerChoice(name)
    eta = eta_for(problem_key, name)
    descent = gdlab_run(problem, start, eta, choice, ITERATIONS, schedule)
    theirs, _, etas = torch_loop(problem, descent.start, eta, choice, ITERATIONS, schedule)
    rows = descent.history.rows
    assert np.array_equal(rows[:, descent.layout.params], theirs)
    eta_column = rows[:, descent.layout.columns.index("eta")]
    assert np.array_equal(eta_column, np.array(etas, dtype=np.float32))


def test_plateau_cuts_eta_when_f_stops_falling(problems):
    schedule = ScheduleChoice("plateau", {"patience": 5, "factor": 0.5})
    descent = gdlab_run(
        problems["2"], (-0.004, 0.0005), 0.05, OptimizerChoice("momentum"), 1000, schedule
    )
    eta = descent.history.rows[:, descent.layout.columns.index("eta")]
    assert eta[0] == np.float32(0.05)
    assert float(eta[-1]) < 0.05 / 4
    assert np.all(np.diff(eta.astype(np.float64)) <= 0)


@pytest.mark.parametrize("schedule", ["plateau", "cosine"])
def test_compiled_scheduled_runs_equal_torchs(monkeypatch, problems, schedule):
    monkeypatch.setattr(descent_module, "SCRIPT_FROM", 1)
    choice = OptimizerChoice("adam")
    sched = ScheduleChoice(schedule, {"patience": 3} if schedule == "plateau" else {})
    descent = gdlab_run(problems["3"], None, 0.01, choice, ITERATIONS, sched)
    assert descent.report is not None and descent.report.compiled
    theirs, _, etas = torch_loop(problems["3"], descent.start, 0.01, choice, ITERATIONS, sched)
    assert np.array_equal(descent.history.rows[:, descent.layout.params], theirs)
    column = descent.history.rows[:, descent.layout.columns.index("eta")]
    assert np.array_equal(column, np.array(etas, dtype=np.float32))


def test_a_constant_schedule_records_no_eta_column(problems):
    descent = gdlab_run(problems["3"], None, 1e-4, OptimizerChoice("adam"), 5)
    assert "eta" not in descent.layout.columns
