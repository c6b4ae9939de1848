"""One run: a problem, its settings, an update rule, its history and its control.

:meth:`Descent.run` drives chunks of iterations (:mod:`solvers.run.engine`) and
yields a :class:`StepBatch` after each, so the CLI can print as the run goes
and the app can draw. Design for speed:

* Chunks run compiled with TorchScript for runs of at least SCRIPT_FROM
  iterations (without the GIL; see :mod:`solvers.run.engine`); shorter ones run the
  same module eagerly.
* On CPU the rows are written straight into the history's numpy memory. On
  CUDA they go to a device buffer and come back once per chunk: no host sync
  per iteration, and the cancel flag is a CPU tensor, so polling it never syncs.
* Chunk sizes adapt so a chunk takes about ``batch_seconds``: consumers see a
  few batches a second however cheap an iteration is.
* Stop, pause and single steps come from a :class:`~solvers.core.control.RunControl`
  (torch-free, made by the caller on any thread); cancelling it sets the flag
  tensor the compiled loop polls before every iteration, so a stop takes effect
  at the next iteration.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from solvers.core.control import RunControl
from solvers.core.facts import Facts
from solvers.core.validation import MAX_SEED
from solvers.optim.schedule_steps import EtaSchedule
from solvers.optim.updates import UpdateRule, make_rule
from solvers.problems.problem import Problem
from solvers.run.batch_columns import COLUMNS
from solvers.run.batches import Batches
from solvers.run.devices import intra_op_threads, resolve_device
from solvers.run.divergence import DivergenceCheck
from solvers.run.engine import Chunk, RowsChunk, StepChunk, compiled_chunk
from solvers.run.epochs import refusal, sample_count, uses_batches
from solvers.run.history import History, Layout
from solvers.run.settings import Divergence, Outcome, RunReport, RunSettings
from solvers.run.stationary import stationary_end
from solvers.run.view import RunView

SCRIPT_FROM = 2000
"""Runs of at least this many iterations are compiled with TorchScript."""
MAX_CHUNK = 1 << 16
_NUMPY = {"float32": np.float32, "float64": np.float64}


@dataclass(frozen=True)
class StepBatch:
    """Rows ``start`` to ``stop`` (exclusive) of the history were just written."""

    start: int
    stop: int


class Descent:
    """One run of a problem: its parameters, its history, its control.

    ``run(n)`` advances ``n`` iterations and can be called again.
    """

    def __init__(
        self,
        problem: Problem,
        settings: RunSettings,
        rule: UpdateRule | None = None,
        control: RunControl | None = None,
    ) -> None:
        self.problem = problem
        self.settings = settings
        self.device = resolve_device(settings.device)
        self.dtype = torch.float64 if settings.dtype == "float64" else torch.float32
        """The run's dtype; its history rows are recorded in it too, so a float64
        run keeps the digits float32 would lose."""
        self.objective = problem.objective_on(self.device, self.dtype)
        """The chunk's objective (armijo's rule evaluates it at its trial points)."""
        self.rule = (
            rule
            if rule is not None
            else make_rule(
                settings.optimizer,
                problem.spec.param_names,
                schedule=settings.schedule,
                eta=settings.eta,
                objective=self.objective,
            )
        )
        self.schedule = EtaSchedule(settings.schedule, settings.eta, settings.iterations)
        self.seed = settings.seed if settings.seed is not None else secrets.randbelow(MAX_SEED + 1)
        """The seed of the start draw, reported so that a run can be repeated."""
        self.start = problem.start_values(settings.start, self.seed)
        self.facts: Facts = problem.facts_at(self.start)
        self.params = problem.make_params(self.start, self.device, self.dtype)
        self.state = self.rule.initial_state(self.params)
        rows = sample_count(self.objective)
        refused = refusal(settings.batch_size, rows)
        if refused is not None:
            raise refused
        self.batches = (
            Batches(rows, settings.batch_size, self.seed)
            if settings.batch_size is not None and uses_batches(settings.batch_size, rows)
            else None
        )
        """Which rows each iteration sees (solvers.run.batches); None: every row."""
        # a network's rows record no rule state: its names (per parameter) are not made
        extras = () if problem.spec.norms_only else self.rule.extra_names
        extras += COLUMNS if self.batches is not None else ()
        self.layout = Layout.of(problem.spec, extras)
        self.history = History(self.layout, settings.iterations, _NUMPY[settings.dtype])
        self.control = control if control is not None else RunControl()
        self._cancel_flag = torch.zeros(1, dtype=torch.bool)
        self.control.on_cancel(self._raise_cancel_flag)
        self._divergence = DivergenceCheck(self.layout, self.facts)
        self.diverged: Divergence | None = None
        self.report: RunReport | None = None
        self.view = RunView(
            problem.spec, self.layout, self.history, self.facts, settings, self.seed, self.start
        )
        """What a display may read: rows, columns, facts (never the tensors)."""

    def _raise_cancel_flag(self) -> None:
        """The compiled loop polls this tensor before every iteration."""
        self._cancel_flag.fill_(True)

    def _make_chunk(self) -> StepChunk:
        kind = StepChunk if self.batches is None else RowsChunk
        return kind(
            self.objective,
            self.rule,
            self.layout.base_width,
            bool(self.layout.prediction_names),
            self.layout.norms,
        )

    def _chunk(self, total: int) -> Chunk:
        if total < SCRIPT_FROM:
            return Chunk(self._make_chunk(), compiled=False, why_eager="a short run")
        key = f"{self.rule.cache_key}@{self.settings.dtype}"
        if self.batches is not None:
            key += "@rows"
        return compiled_chunk(self.problem, self._make_chunk, key, self.device)

    def compile(self) -> Chunk:
        """The chunk a full run of these settings uses, compiled now if it will be."""
        return self._chunk(self.settings.iterations)

    def etas(self, first: int, count: int) -> Tensor:
        """η for iterations ``first`` … ``first + count - 1``, float64 on the CPU (the
        rules read it as a Python float, as torch.optim's ``lr``; see
        solvers.optim.schedule_steps)."""
        if self.settings.schedule.name == "constant":
            return torch.full((count,), self.settings.eta, dtype=torch.float64)
        return torch.tensor(self.schedule.etas(first, count), dtype=torch.float64)

    def ending(self) -> dict[str, object]:
        """The run's end as JSON carries it: ``final`` (parameters after the last update
        and the objective there, float64 from the float32 values) and ``outcome``."""
        values = self.current_values()
        params = self.problem.make_params(values, torch.device("cpu"), torch.float64)
        with torch.no_grad():
            objective = self.problem.objective_on(torch.device("cpu"), torch.float64)
            value = float(objective(params)[0].sum())
        report = self.report
        count = self.history.count
        if report is None:
            outcome, reason = "not run", ""
        elif report.divergence is not None:
            outcome, reason = report.outcome.value, report.divergence.message
        elif report.stationary is not None:
            outcome, reason = report.outcome.value, report.stationary.message
        elif report.outcome is Outcome.STOPPED:
            outcome, reason = report.outcome.value, f"stopped after {count:,} iterations"
        else:
            outcome, reason = report.outcome.value, f"ran all {count:,} iterations"
        return {
            "final": {"params": list(values), "objective": value},
            "outcome": {"outcome": outcome, "reason": reason},
        }

    def current_values(self) -> tuple[float, ...]:
        """The parameters now (after the last update), flat, as Python floats."""
        return tuple(float(v) for p in self.params for v in p.detach().reshape(-1).tolist())

    def run(
        self,
        iterations: int | None = None,
        *,
        batch_seconds: float = 0.05,
        on_hold: Callable[[], None] | None = None,
    ) -> Iterator[StepBatch]:
        """Advance up to ``iterations`` (default: what the settings have left) steps,
        yielding each batch; ``on_hold`` is called whenever the run is about to wait
        while paused. The call's report is in :attr:`report` once the generator ends.
        Runs on the problem's intra-op threads (:attr:`Problem.threads`), restored after.
        """
        with intra_op_threads(self.problem.threads):
            yield from self._advance(iterations, batch_seconds, on_hold)

    def _advance(
        self,
        iterations: int | None,
        batch_seconds: float,
        on_hold: Callable[[], None] | None,
    ) -> Iterator[StepBatch]:
        left = self.settings.iterations - self.history.count
        total = left if iterations is None else iterations
        if self.diverged is not None:
            total = 0
        chunk_of = self._chunk(total)
        module = chunk_of.module
        on_cpu = self.device.type == "cpu"
        started = time.perf_counter()
        done = 0
        chunk = 16
        outcome = Outcome.FINISHED
        self.report = None
        while done < total:
            allowance = self.control.wait_turn(on_hold)
            if self.control.cancelled:
                outcome = Outcome.STOPPED
                break
            size = min(chunk, total - done, allowance or total)
            first = self.history.count
            block = self.history.reserve(size)
            out = (
                torch.from_numpy(block)
                if on_cpu
                else torch.empty(block.shape, dtype=self.dtype, device=self.device)
            )
            etas = self.etas(first, size)
            rows = None if self.batches is None else self.batches.chunk_rows(first, size, out)
            tick = time.perf_counter()
            ran = int(module(self.params, self.state, etas, out, self._cancel_flag, rows))
            if not on_cpu:
                block[:ran] = out[:ran].cpu().numpy()
            took = time.perf_counter() - tick
            good, self.diverged = self._divergence.check(block[:ran], first)
            self.history.commit(good)
            done += good
            if good:
                yield StepBatch(first, first + good)
            if self.diverged is not None:
                outcome = self.diverged.outcome  # DIVERGED, or UNBOUNDED where f fell
                break
            if ran < size:
                outcome = Outcome.STOPPED
                break
            if took < batch_seconds / 2 and chunk < MAX_CHUNK:
                chunk *= 2
            elif took > batch_seconds and chunk > 1:
                chunk //= 2
        seconds = time.perf_counter() - started
        stationary = None
        if outcome is Outcome.FINISHED:
            stationary = stationary_end(self.problem, self.history.rows, self.layout)
            outcome = Outcome.NOT_MINIMUM if stationary is not None else outcome
        self.report = RunReport(
            outcome,
            done,
            seconds,
            self.diverged,
            chunk_of.compiled,
            chunk_of.why_eager,
            stationary,
        )
