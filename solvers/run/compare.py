"""Runs side by side: every member of a compare advanced together, batched.

Members that share an optimizer and a batch size form a group, and a group is one
computation,
not a loop of runs: every parameter is flat with a leading member dimension,
(M, k), η is a tensor with one value per member, (M, 1), and one chunk
(:class:`solvers.run.engine.StepChunk`, compiled like a run's) steps them all.
Autograd differentiates the sum of the members' objectives, which is each
member's own gradient, since members share nothing. Groups with different
optimizers take turns chunk by chunk (each optimizer's update is its own code).

The rows of a chunk come back (n, M, width) and are split into each member's
own :class:`~solvers.run.history.History`, so a member is read, checked for
divergence and exported exactly as a run is (:attr:`MemberRun.view`). A member
whose rows diverge stops there alone: it leaves its group's batch, the others
go on. Stop and pause come from one :class:`~solvers.core.control.RunControl`.

A minibatch group's members share the seed and the batch size, so each iteration's
rows are the same for all of them: the rows a run of its own would see
(:mod:`solvers.run.batches`); a batch size of every row or more is a full-batch member.
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
from solvers.core.validation import MAX_SEED, SettingError
from solvers.optim.choices import OptimizerChoice
from solvers.optim.updates import UpdateRule, make_rule
from solvers.problems.problem import Problem
from solvers.run.batch_columns import COLUMNS
from solvers.run.batches import Batches
from solvers.run.descent import MAX_CHUNK, SCRIPT_FROM, StepBatch
from solvers.run.devices import resolve_device
from solvers.run.divergence import DivergenceCheck, check_members
from solvers.run.engine import (
    Chunk,
    MembersOf,
    MembersOnRows,
    RowsChunk,
    StepChunk,
    compiled_chunk,
    member_params,
)
from solvers.run.epochs import judged_column, refusal, sample_count, uses_batches
from solvers.run.history import History, Layout
from solvers.run.measures import distance, gap, grad_norm
from solvers.run.members import CONVERGED, CompareSettings, Member, Standing
from solvers.run.settings import Divergence, Stationary
from solvers.run.stationary import stationary_end
from solvers.run.view import RunView

_NUMPY = {"float32": np.float32, "float64": np.float64}


class MemberRun:
    """One member's rows and fate: what a run of its own would have recorded."""

    def __init__(
        self, index: int, member: Member, view: RunView, history: History, facts: Facts
    ) -> None:
        self.index = index
        self.member = member
        self.history = history
        self.view = view
        """What a display reads (the same RunView a single run offers)."""
        self.check = DivergenceCheck(history.layout, facts)
        self.diverged: Divergence | None = None

    def keep(self, rows: np.ndarray, good: int, diverged: Divergence | None) -> None:
        """Keep the sound leading ``good`` of ``rows``, as :attr:`check` found them
        (all members' at once: :func:`~solvers.run.divergence.check_members`); note a
        divergence."""
        self.diverged = diverged
        self.history.reserve(good)[:] = rows[:good]
        self.history.commit(good)


@dataclass(frozen=True)
class MemberResult:
    """One row of the compare's table."""

    label: str
    iterations: int
    objective: float | None
    """The objective on all rows: at the last row, or a minibatch member's at its last
    epoch's start (its rows hold the batch's loss between)."""
    distance: float | None
    """Distance to the optimum, or None where it is unknown (then ``grad_norm``)."""
    grad_norm: float | None
    to_converge: int | None
    """The first iteration with |f − f*| ≤ CONVERGED, None if none (or f* unknown)."""
    within: int | None
    """The first iteration within the asked distance of the optimum, None if none."""
    standing: Standing
    divergence: Divergence | None

    stationary: Stationary | None = None
    """Where the standing is NOT_MINIMUM: the point it ended on."""

    @property
    def outcome(self) -> str:
        """converged, ∇f ≈ 0, not converged, still going, stopped, diverged at k,
        unbounded below at k, or on a local maximum / saddle."""
        if self.divergence is not None:
            return f"{self.standing.value} at {self.divergence.iteration}"
        if self.stationary is not None:
            return f"on a {self.stationary.kind}"
        return self.standing.value


class _Group:
    """Members sharing one optimizer: their batched parameters, state and chunk."""

    def __init__(
        self,
        problem: Problem,
        optimizer: OptimizerChoice,
        members: list[tuple[int, Member]],
        make_run: Callable[[int, Member, Layout], MemberRun],
        start: tuple[float, ...],
        device: torch.device,
        dtype: torch.dtype,
        batches: Batches | None = None,
    ) -> None:
        self.problem = problem
        self.device = device
        wrap = MembersOf if batches is None else MembersOnRows
        objective = wrap(problem.objective_on(device, dtype))
        self.objective = objective
        self.batches = batches
        """The rows of each iteration, shared by the group's members; None: every row."""
        etas = [member.eta for _, member in members]
        self.rule: UpdateRule = make_rule(
            optimizer, problem.spec.param_names, eta=etas[0], objective=objective
        )
        # a network's rows record no rule state (solvers.run.descent.Descent's rule)
        extras = () if problem.spec.norms_only else self.rule.extra_names
        extras += COLUMNS if batches is not None else ()
        self.layout = Layout.of(problem.spec, extras)
        self.runs = [make_run(index, member, self.layout) for index, member in members]
        one = problem.make_params(start, device, dtype)
        self.params = member_params(one, len(members))
        self.state = self.rule.initial_state(self.params)
        self.etas = torch.tensor(etas, dtype=dtype, device=device).reshape(-1, 1)
        """One η per member, (M, 1): it scales the flat (M, k) parameters as it is."""
        self.key = f"{self.rule.cache_key}@{dtype}@members" + ("@rows" if batches else "")

    def _make_chunk(self) -> StepChunk:
        kind = StepChunk if self.batches is None else RowsChunk
        return kind(
            self.objective, self.rule, self.layout.base_width, bool(self.layout.prediction_names)
        )

    def chunk(self, total: int) -> Chunk:
        """The group's chunk: compiled (and cached with the problem) for long runs."""
        if total < SCRIPT_FROM:
            return Chunk(self._make_chunk(), compiled=False, why_eager="a short run")
        return compiled_chunk(self.problem, self._make_chunk, self.key, self.device)

    def step(self, module: torch.nn.Module, size: int, first: int, cancel: Tensor) -> int:
        """Run ``size`` iterations of every member; hand each its rows. Returns how many ran."""
        members = len(self.runs)
        out = torch.empty(
            (size, members, self.layout.width), dtype=self.params[0].dtype, device=self.device
        )
        etas = self.etas.unsqueeze(0).expand(size, members, 1)
        rows = None if self.batches is None else self.batches.chunk_rows(first, size, out)
        ran = int(module(self.params, self.state, etas, out, cancel, rows))
        block = out[:ran].cpu().numpy()
        checked = check_members([run.check for run in self.runs], block, first)
        for m, (run, (good, diverged)) in enumerate(zip(self.runs, checked, strict=True)):
            run.keep(block[:, m], good, diverged)
        self._drop_diverged()
        return ran

    def _drop_diverged(self) -> None:
        """A member that diverged leaves the batch; the others go on unchanged."""
        keep = [m for m, run in enumerate(self.runs) if run.diverged is None]
        if len(keep) == len(self.runs):
            return
        index = torch.tensor(keep, dtype=torch.long, device=self.device)
        self.runs = [self.runs[m] for m in keep]
        if not keep:
            return
        self.params = [p.detach().index_select(0, index).requires_grad_(True) for p in self.params]
        self.state = [s.index_select(0, index) if s.dim() > 0 else s for s in self.state]
        self.etas = self.etas.index_select(0, index)


class Comparison:
    """Every member of ``settings`` on ``problem``, from one start, advanced together."""

    def __init__(
        self, problem: Problem, settings: CompareSettings, control: RunControl | None = None
    ) -> None:
        self.problem = problem
        self.settings = settings
        self.device = resolve_device(settings.device)
        dtype = torch.float64 if settings.dtype == "float64" else torch.float32
        self.seed = settings.seed if settings.seed is not None else secrets.randbelow(MAX_SEED + 1)
        self.start = problem.start_values(settings.start, self.seed)
        self.facts: Facts = problem.facts_at(self.start)
        rows = sample_count(problem.objective)
        grouped: dict[tuple[OptimizerChoice, int | None], list[tuple[int, Member]]] = {}
        for index, member in enumerate(settings.members):
            refused = refusal(member.batch_size, rows)
            if refused is not None:
                raise refused
            size = member.batch_size if uses_batches(member.batch_size, rows) else None
            grouped.setdefault((member.optimizer, size), []).append((index, member))
        if any(size is not None for _, size in grouped) and not hasattr(
            problem.objective, "members_on_rows"
        ):
            raise SettingError("batch-size", "this chapter's objective has no members_on_rows")
        self.groups = [
            _Group(
                problem,
                optimizer,
                members,
                self._member_run,
                self.start,
                self.device,
                dtype,
                None if size is None else Batches(rows, size, self.seed),
            )
            for (optimizer, size), members in grouped.items()
        ]
        self.runs: list[MemberRun] = sorted(
            (run for group in self.groups for run in group.runs), key=lambda run: run.index
        )
        self.control = control if control is not None else RunControl()
        self._cancel_flag = torch.zeros(1, dtype=torch.bool)
        self.control.on_cancel(self._raise_cancel_flag)
        self.count = 0
        """Iterations every member still going has recorded."""
        self.seconds = 0.0
        self.stopped = False

    def _raise_cancel_flag(self) -> None:
        """Every group's compiled loop polls this tensor before every iteration."""
        self._cancel_flag.fill_(True)

    def _member_run(self, index: int, member: Member, layout: Layout) -> MemberRun:
        settings = self.settings.member_settings(index)
        history = History(layout, settings.iterations, _NUMPY[settings.dtype])
        view = RunView(
            self.problem.spec, layout, history, self.facts, settings, self.seed, self.start
        )
        return MemberRun(index, member, view, history, self.facts)

    def run(
        self, *, batch_seconds: float = 0.05, on_hold: Callable[[], None] | None = None
    ) -> Iterator[StepBatch]:
        """Advance every member to the settings' iterations, yielding after each chunk."""
        total = self.settings.iterations - self.count
        chunks = [(group, group.chunk(total)) for group in self.groups]
        started = time.perf_counter()
        chunk = 16
        while self.count < self.settings.iterations:
            allowance = self.control.wait_turn(on_hold)
            if self.control.cancelled:
                self.stopped = True
                break
            live = [(g, c) for g, c in chunks if g.runs]
            if not live:
                break
            size = min(chunk, self.settings.iterations - self.count, allowance or total)
            first = self.count
            tick = time.perf_counter()
            ran = min(g.step(c.module, size, first, self._cancel_flag) for g, c in live)
            took = time.perf_counter() - tick
            self.count = first + ran
            yield StepBatch(first, self.count)
            if ran < size:
                self.stopped = True
                break
            if took < batch_seconds / 2 and chunk < MAX_CHUNK:
                chunk *= 2
            elif took > batch_seconds and chunk > 1:
                chunk //= 2
        self.seconds += time.perf_counter() - started

    @property
    def compiled(self) -> bool:
        """Whether every group's chunk ran compiled with TorchScript."""
        return all(g.chunk(self.settings.iterations).compiled for g in self.groups)

    def results(self, within: float | None = None) -> list[MemberResult]:
        """One result per member, in the settings' order; ``within``: a distance to
        the optimum whose first crossing is reported (None: not asked)."""
        return [self._result(run, within) for run in self.runs]

    def _result(self, run: MemberRun, within: float | None) -> MemberResult:
        rows = run.history.rows
        layout = run.history.layout
        if len(rows) == 0:
            return MemberResult(
                run.member.label, 0, None, None, None, None, None, Standing.GOING, run.diverged
            )
        last = rows[-1]
        judged = judged_column(layout)  # a minibatch member: its objective on all rows
        values = rows[:, judged]
        gaps = gap(values, self.facts)
        if judged != layout.objective:  # evaluated at each epoch's start only
            evaluated = np.flatnonzero(~np.isnan(values))
            last_value = float(values[evaluated[-1]]) if len(evaluated) else None
        else:
            last_value = float(last[layout.objective])
        last_gap = gap(np.array([np.nan if last_value is None else last_value]), self.facts)
        norm = float(grad_norm(last[layout.grads]))
        far = distance(last[layout.params], self.facts)
        to_converge = _first(gaps <= CONVERGED) if gaps is not None else None
        reached = None
        if within is not None:
            distances = distance(rows[:, layout.params], self.facts)
            reached = _first(distances <= within) if distances is not None else None
        stationary = None
        if run.diverged is not None:
            standing = Standing.UNBOUNDED if run.diverged.falling else Standing.DIVERGED
        elif (stationary := stationary_end(self.problem, rows, layout)) is not None:
            standing = Standing.NOT_MINIMUM
        elif last_gap is not None and last_gap[-1] <= CONVERGED:
            standing = Standing.CONVERGED
        elif gaps is None and norm <= CONVERGED and judged == layout.objective:
            standing = Standing.STATIONARY  # a minibatch member's ‖∇f‖ is its batch's
        elif self.stopped:
            standing = Standing.STOPPED
        elif len(rows) >= self.settings.iterations:
            standing = Standing.NOT_CONVERGED
        else:
            standing = Standing.GOING
        return MemberResult(
            run.member.label,
            len(rows),
            last_value,
            None if far is None else float(far),
            norm,
            to_converge,
            reached,
            standing,
            run.diverged,
            stationary,
        )


def _first(flags: np.ndarray) -> int | None:
    """The index of the first True, or None."""
    hits = np.flatnonzero(flags)
    return int(hits[0]) if len(hits) else None
