"""The book's loop: forward, backward, p -= η·grad, over and over, recorded.

Design for speed (see the performance issue):

* The loop body is :class:`PlainStepChunk`, a module that runs a *chunk* of
  iterations and writes each iteration's row with one ``torch.cat(..., out=)``.
  For runs long enough to pay for it, the module is compiled with TorchScript:
  the interpreter then runs the whole chunk without the GIL and without Python
  per-op overhead, which is what makes gdlab faster than the book's own loop and
  leaves the UI thread free. Short runs use the same module eagerly; on the CPU
  both give bit-identical rows (CPU fusion is off in TorchScript by default).
* ``torch.autograd.grad`` instead of ``backward()``: no ``.grad`` to accumulate
  and zero; the gradient is the same tensor the book's ``x.grad`` would hold.
* On CPU the rows are written straight into the history's numpy memory. On CUDA
  they go to a device buffer and come back once per chunk: no host sync per
  iteration, and the cancel flag is a CPU tensor so polling it never syncs.
* Chunk sizes adapt so a chunk takes about ``batch_seconds``: consumers see a
  few batches a second however cheap an iteration is.
* Cancellation is a one-element tensor polled before every iteration, inside the
  compiled loop too, so Stop takes effect at the next iteration.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
import warnings
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

import numpy as np
import torch
from torch import Tensor

from solvers.devices import resolve_device
from solvers.history import History, Layout
from solvers.problems import Objective, Problem
from solvers.validation import MAX_SEED, RunSettings

SCRIPT_FROM = 2000
"""Runs of at least this many iterations are compiled with TorchScript."""
EXPLODE_FACTOR = 1e6
"""A run has diverged once its gap to the optimum exceeds this times the start gap."""
MAX_CHUNK = 1 << 16


class PlainStepChunk(torch.nn.Module):
    """Runs up to ``out.size(0)`` plain gradient-descent steps, one row each.

    Algorithm, per iteration i::

        value, pred = objective(params)        # forward
        grads = d value / d params             # backward (autograd)
        out[i] = [params, value, grads, pred]  # record, before the update
        p -= eta * g  for each (p, g)          # update, in place, no_grad

    Returns how many iterations ran (fewer when ``cancel[0]`` was set).
    """

    def __init__(self, objective: Objective) -> None:
        super().__init__()
        self.objective = objective

    def forward(self, params: list[Tensor], eta: float, out: Tensor, cancel: Tensor) -> int:
        for i in range(out.size(0)):
            if bool(cancel[0]):
                return i
            value, pred = self.objective(params)
            grads = torch.autograd.grad([value], params)
            with torch.no_grad():
                parts: list[Tensor] = [p.reshape(-1) for p in params]
                parts.append(value.reshape(-1))
                for g in grads:
                    assert g is not None
                    parts.append(g.reshape(-1))
                parts.append(pred.reshape(-1))
                torch.cat(parts, out=out[i])
                for j in range(len(params)):
                    g = grads[j]
                    assert g is not None
                    params[j].sub_(g * eta)
        return out.size(0)


_COMPILED: weakref.WeakKeyDictionary[Problem, dict[torch.device, torch.nn.Module]] = (
    weakref.WeakKeyDictionary()
)
_COMPILING = threading.Lock()


def compiled_chunk(problem: Problem, device: torch.device) -> torch.nn.Module:
    """The problem's PlainStepChunk compiled with TorchScript, once per problem and device.

    Compiling takes a few hundred milliseconds; the app's later runs, and the
    bench's timed runs, reuse the first one's. Where TorchScript cannot compile it
    (an objective it cannot read, or a torch without torch.jit.script), the same
    module runs eagerly: slower, same results.
    """
    with _COMPILING:
        per_device = _COMPILED.setdefault(problem, {})
        if device not in per_device:
            with warnings.catch_warnings():
                # torch.jit.script is deprecated in favour of torch.compile, which
                # needs seconds to compile and holds the GIL; TorchScript still
                # runs and is what frees the UI thread here.
                warnings.simplefilter("ignore", DeprecationWarning)
                module = PlainStepChunk(problem.objective_on(device))
                try:
                    per_device[device] = torch.jit.script(module)
                except Exception:
                    per_device[device] = module
        return per_device[device]


class Control:
    """Stop and pause for a run, safe to use from any thread."""

    def __init__(self) -> None:
        self.cancel_flag = torch.zeros(1, dtype=torch.bool)
        self._running = threading.Event()
        self._running.set()

    def cancel(self) -> None:
        """Ask the run to stop before its next iteration."""
        self.cancel_flag.fill_(True)
        self._running.set()

    @property
    def cancelled(self) -> bool:
        return bool(self.cancel_flag[0])

    def pause(self) -> None:
        """Hold the run after its current chunk (a cancelled run is not held)."""
        if not self.cancelled:
            self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self) -> None:
        """Block the run's thread while paused; a cancel always releases it."""
        while not self._running.wait(0.05):
            if self.cancelled:
                return


class Outcome(Enum):
    """How a call of :meth:`Descent.run` ended."""

    FINISHED = "finished"
    CANCELLED = "stopped"
    DIVERGED = "diverged"


@dataclass(frozen=True)
class StepBatch:
    """Rows ``start`` to ``stop`` (exclusive) of the history were just written."""

    start: int
    stop: int


@dataclass(frozen=True)
class Divergence:
    """Where and why a run diverged."""

    iteration: int
    reason: str
    stable_eta: float

    @property
    def message(self) -> str:
        return (
            f"diverged at iteration {self.iteration}; plain gradient descent is stable "
            f"here for η < {self.stable_eta:.6g} ({self.reason})"
        )


@dataclass(frozen=True)
class RunReport:
    """The end of one :meth:`Descent.run` call."""

    outcome: Outcome
    iterations: int
    seconds: float
    divergence: Divergence | None = None


class Descent:
    """One run of a problem: its parameters, its history, its control.

    ``run(n)`` advances ``n`` iterations and can be called again (the app's
    single-step key does so with ``n=1``).
    """

    def __init__(self, problem: Problem, settings: RunSettings) -> None:
        self.problem = problem
        self.settings = settings
        self.device = resolve_device(settings.device)
        self.seed = settings.seed if settings.seed is not None else secrets.randbelow(MAX_SEED + 1)
        """The seed of the start draw, reported so that a run can be repeated."""
        self.start = problem.start_values(settings.start, self.seed)
        self.params = problem.make_params(self.start, self.device)
        self.objective = problem.objective_on(self.device)
        self.layout = Layout.of(problem.spec)
        self.history = History(self.layout, settings.iterations)
        self.control = Control()
        self._eager = PlainStepChunk(self.objective)
        self._scripted: torch.nn.Module | None = None
        self._start_gap: float | None = None
        self.diverged: Divergence | None = None
        self.report: RunReport | None = None

    def _chunk_module(self, total: int) -> torch.nn.Module:
        if total < SCRIPT_FROM:
            return self._eager
        if self._scripted is None:
            self._scripted = compiled_chunk(self.problem, self.device)
        return self._scripted

    def run(
        self, iterations: int | None = None, *, batch_seconds: float = 0.05
    ) -> Iterator[StepBatch]:
        """Advance up to ``iterations`` (default: the settings') steps, yielding each batch.

        The report of the call is in :attr:`report` once the generator is exhausted.
        """
        total = self.settings.iterations if iterations is None else iterations
        if self.diverged is not None:
            total = 0
        module = self._chunk_module(total)
        on_cpu = self.device.type == "cpu"
        started = time.perf_counter()
        done = 0
        chunk = 16
        outcome = Outcome.FINISHED
        self.report = None
        while done < total:
            self.control.wait_while_paused()
            if self.control.cancelled:
                outcome = Outcome.CANCELLED
                break
            size = min(chunk, total - done)
            block = self.history.reserve(size)
            out = (
                torch.from_numpy(block)
                if on_cpu
                else torch.empty(block.shape, dtype=torch.float32, device=self.device)
            )
            tick = time.perf_counter()
            ran = int(module(self.params, self.settings.eta, out, self.control.cancel_flag))
            if not on_cpu:
                block[:ran] = out[:ran].cpu().numpy()
            took = time.perf_counter() - tick
            good = self._check(block[:ran], self.history.count)
            first = self.history.count
            self.history.commit(good)
            done += good
            if good:
                yield StepBatch(first, first + good)
            if self.diverged is not None:
                outcome = Outcome.DIVERGED
                break
            if ran < size:
                outcome = Outcome.CANCELLED
                break
            if took < batch_seconds / 2 and chunk < MAX_CHUNK:
                chunk *= 2
            elif took > batch_seconds and chunk > 1:
                chunk //= 2
        self.report = RunReport(outcome, done, time.perf_counter() - started, self.diverged)

    def _check(self, rows: np.ndarray, first: int) -> int:
        """Number of leading rows that are sound; records a divergence at the first bad one."""
        if len(rows) == 0:
            return 0
        value = rows[:, self.layout.objective]
        gap = self.problem.gap(value)
        if self._start_gap is None:
            self._start_gap = float(gap[0]) if math.isfinite(gap[0]) else 1.0
        limit = EXPLODE_FACTOR * max(1.0, self._start_gap)
        finite = np.isfinite(rows).all(axis=1)
        bad = ~finite | (gap > limit)
        if not bad.any():
            return len(rows)
        k = int(np.argmax(bad))
        if not finite[k]:
            reason = "the objective or its gradient became non-finite (inf or NaN)"
        else:
            reason = f"the objective reached {value[k]:.4g}, a million times its starting gap"
        self.diverged = Divergence(first + k, reason, self.problem.stable_eta)
        return k
