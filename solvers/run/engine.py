"""The chunk: many iterations of forward, backward, record and update in one call.

:class:`StepChunk` runs up to ``out.size(0)`` iterations of an objective under
an update rule and writes one row per iteration into ``out``. For long runs it
is compiled with TorchScript (:func:`compiled_chunk`): the interpreter then runs
the whole chunk without Python's per-op overhead and without holding the GIL,
which is what makes gdlab faster than the book's own loop and leaves the UI
thread free. Short runs use the same module eagerly; on the CPU both give
bit-identical rows. Where TorchScript cannot compile a chunk, it runs eagerly
and says so (:attr:`Chunk.compiled` is False) rather than failing.

``torch.autograd.grad`` is used instead of ``backward()``: no ``.grad`` to
accumulate and zero; the gradient is the tensor the book's ``x.grad`` would hold.
"""

from __future__ import annotations

import threading
import warnings
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import Tensor

from solvers.optim.updates import UpdateRule


class StepChunk(torch.nn.Module):
    """Iterations of ``objective`` under ``rule``, one recorded row each.

    Algorithm, per iteration i::

        value, pred = objective(params)                 # forward
        grads = d value / d params                      # backward (autograd)
        out[i, :base] = [params, value, grads, pred]    # record, before the update
                                                        # (pred: where the layout has it)
        extras = rule(params, grads, state, etas[i], value)  # update, in place, no_grad
        out[i, base + steps:] = [rule.recorded(state), extras]  # what the rule did

    and, once the iterations have run, the step each took (when the rule records
    ``step_θ``: its quantities start with "step")::

        out[i, base:base + steps] = θ after − θ before  # θ of row i + 1 (or now) − row i's

    one subtraction for the whole chunk instead of a copy and a subtraction per
    parameter per iteration; the rows hold θ in the run's dtype exactly, so it is
    the same difference, bit for bit. Views (of the parameters, of the recorded
    state, of each row) are made once per chunk: a view costs about as much as a
    small op in the loop.

    One run: ``out`` is (n, width), ``etas`` (n,). A compare's batch of M members
    (:mod:`solvers.run.compare`): every parameter has a leading member dimension (a
    compare's are flat, (M, k): :func:`member_params`), ``out`` is (n, M, width),
    ``etas`` (n, M) or, as a compare passes them, (n, M, 1), so that each
    iteration's η scales flat parameters as it is; the objective returns one value per
    member and the gradient is that of their sum, which is each member's own
    (members share nothing). The same loop serves both; only the row's shape differs.
    The sum itself is never computed: autograd is seeded with ones shaped like the
    values (made once per chunk), exactly the gradient a sum passes back, without a
    sum and its backward every iteration (most of a batch's extra cost on chapter 3).

    Returns how many iterations ran (fewer when ``cancel[0]`` was set).

    A network's rows (``record_norms``, a constant of the compiled loop) hold the
    objective and norms instead of the parameters: ``[value, ‖∇f‖, ‖∂f/∂t‖…, ‖t‖…]``
    (t before the update, ‖∇f‖ = √Σ‖∂f/∂t‖²), still one ``torch.cat`` a row, and no
    step or rule state (solvers/run/history.py).
    """

    __constants__: ClassVar[list[str]] = ["record_predictions", "record_norms"]

    def __init__(
        self,
        objective: torch.nn.Module,
        rule: UpdateRule,
        base: int,
        record_predictions: bool = True,
        record_norms: bool = False,
    ) -> None:
        super().__init__()
        self.objective = objective
        self.rule = rule
        self.base = base
        """Columns recorded before the update (the rest are the rule's extras)."""
        self.record_predictions = record_predictions
        """Whether the rows hold the predictions (solvers.run.history.records_predictions);
        a constant of the compiled loop, so the test is not made per iteration."""
        self.record_norms = record_norms
        """Whether the rows hold norms, not parameters (solvers.run.history.Layout.norms)."""
        recorded_steps = rule.quantities[:1] == ("step",) and not record_norms
        self.steps = len(rule.param_names) if recorded_steps else 0
        """step_θ columns (one per scalar parameter), which the chunk records itself."""
        self.tail = self.TAIL

    TAIL: ClassVar[int] = 0
    """Columns at the row's end the loop leaves to :meth:`_value` (a minibatch run's)."""

    def _value(
        self, params: list[Tensor], i: int, rows: list[Tensor] | None, out: Tensor
    ) -> tuple[Tensor, Tensor]:
        """Iteration ``i``'s objective and predictions (a full-batch run: every row)."""
        value, pred = self.objective(params)
        return value, pred

    def forward(
        self,
        params: list[Tensor],
        state: list[Tensor],
        etas: Tensor,
        out: Tensor,
        cancel: Tensor,
        rows: list[Tensor] | None = None,
    ) -> int:
        batched = out.dim() == 3
        shape: list[int] = [out.size(1), -1] if batched else [-1]
        width = out.size(-1) - self.tail
        own = self.base + self.steps  # where the recorded state starts
        with torch.no_grad():
            # views made once (view, never a copy): they see every in-place update
            flat: list[Tensor] = [p.view(shape) for p in params]
            recorded: list[Tensor] = [s.view(shape) for s in self.rule.recorded(state)]
        base_rows = out.narrow(-1, 0, self.base).unbind(0)
        own_rows = out.narrow(-1, own, width - own).unbind(0)
        step_etas = etas.unbind(0)
        seed: Tensor | None = None
        if batched:
            with torch.no_grad():  # ones shaped like the members' values, once per chunk
                probe, _ = self.objective(params)
                seed = torch.ones_like(probe)
        seeds: list[Tensor | None] = [seed]
        ran = out.size(0)
        for i in range(out.size(0)):
            if bool(cancel):
                ran = i
                break
            value, pred = self._value(params, i, rows, out)
            if batched:
                grads = torch.autograd.grad([value], params, seeds)
            else:
                grads = torch.autograd.grad([value], params)
            with torch.no_grad():
                found: list[Tensor] = []
                for g in grads:
                    assert g is not None
                    found.append(g)
                if self.record_norms:
                    parts = _norms(value, found, params)
                else:
                    parts = flat.copy()
                    parts.append(value.reshape(shape))
                    parts.extend([g.reshape(shape) for g in found])
                    if self.record_predictions:
                        parts.append(pred.reshape(shape))
                torch.cat(parts, -1, out=base_rows[i])
                extras = self.rule(params, found, state, step_etas[i], value)
                if own < width:
                    if batched:
                        extras = [e.reshape(shape) for e in extras]
                    torch.cat(recorded + extras, -1, out=own_rows[i])
        if self.steps > 0 and ran > 0:
            self._record_steps(flat, out.narrow(0, 0, ran))
        return ran

    def _record_steps(self, flat: list[Tensor], rows: Tensor) -> None:
        """step_θ of every row: the next row's θ (the last row: θ now) − the row's θ."""
        with torch.no_grad():
            n = rows.size(0)
            before = rows.narrow(-1, 0, self.steps)
            taken = rows.narrow(-1, self.base, self.steps)
            if n > 1:
                after = before.narrow(0, 1, n - 1)
                torch.sub(after, before.narrow(0, 0, n - 1), out=taken.narrow(0, 0, n - 1))
            last = taken[n - 1]
            torch.cat(flat, -1, out=last)
            last.sub_(before[n - 1])


class RowsChunk(StepChunk):
    """A minibatch run's chunk (:mod:`solvers.run.batches`): iteration i's objective is
    ``objective.on_rows(params, indices[i])``; where ``starts[i]`` (an epoch's first
    iteration) the objective on every row, at the same parameters, is written to
    ``out[i, -1]`` (:meth:`solvers.run.batches.Batches.chunk_rows` fills that column
    with NaN and the one before it with the epoch). ``rows`` is [indices, starts]:
    (n, B) int64 on the run's device, and (n,) bool on the CPU, so that reading a
    mark never waits for the device."""

    TAIL: ClassVar[int] = 2
    """The epoch column (written before the chunk) and the full objective's."""

    def _value(
        self, params: list[Tensor], i: int, rows: list[Tensor] | None, out: Tensor
    ) -> tuple[Tensor, Tensor]:
        assert rows is not None
        if bool(rows[1][i]):
            with torch.no_grad():
                full, _ = self.objective(params)
                cell = out[i].narrow(-1, out.size(-1) - 1, 1)  # (1,), or (M, 1) in a batch
                cell.copy_(full.reshape(cell.shape))
        value, pred = self.objective.on_rows(params, rows[0][i])  # type: ignore[operator]
        return value, pred


def _norms(value: Tensor, grads: list[Tensor], params: list[Tensor]) -> list[Tensor]:
    """A row of norms' parts: the value, ‖∇f‖, each gradient's norm, each tensor's norm."""
    per_grad = torch.stack([torch.linalg.vector_norm(g) for g in grads])
    per_param = torch.stack([torch.linalg.vector_norm(p) for p in params])
    return [value.reshape(1), torch.linalg.vector_norm(per_grad).reshape(1), per_grad, per_param]


def member_params(one: list[Tensor], members: int) -> list[Tensor]:
    """A run's parameters as a batch of ``members``: each flat, one row per member,
    (M, k), leaves requiring grad. Flat so that the batched objective and each
    member's η, (M, 1), broadcast against them as they are: no reshape, and no
    reshape's backward, in every iteration of the chunk."""
    return [p.detach().reshape(1, -1).repeat(members, 1).requires_grad_(True) for p in one]


class MembersOf(torch.nn.Module):
    """An objective's batched form as a module: ``forward`` is its ``members``.

    A compare's chunk (and armijo's trial points) call the objective as a module;
    wrapped in this, they get one value per member of the batch.
    """

    def __init__(self, objective: torch.nn.Module) -> None:
        super().__init__()
        self.objective = objective

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        value, pred = self.objective.members(params)  # type: ignore[operator]
        return value, pred


class MembersOnRows(MembersOf):
    """:class:`MembersOf` for a compare's minibatch group: ``on_rows`` is the
    objective's ``members_on_rows``. A separate class because TorchScript compiles
    every exported method: on :class:`MembersOf` it would need ``members_on_rows``
    of every objective, and chapters without rows would run eager."""

    @torch.jit.export
    def on_rows(self, params: list[Tensor], rows: Tensor) -> tuple[Tensor, Tensor]:
        """Each member's objective on the rows ``rows`` (the members of a minibatch
        group share a batch size and the seed, so their rows)."""
        value, pred = self.objective.members_on_rows(params, rows)  # type: ignore[operator]
        return value, pred


@dataclass(frozen=True)
class Chunk:
    """A chunk module ready to call, and whether TorchScript compiled it."""

    module: torch.nn.Module
    compiled: bool
    why_eager: str = ""


_COMPILED: weakref.WeakKeyDictionary[object, dict[tuple[str, torch.device], Chunk]] = (
    weakref.WeakKeyDictionary()
)
_COMPILING = threading.Lock()


def compile_chunk(chunk: StepChunk) -> Chunk:
    """Script ``chunk`` with TorchScript; where that fails, the same module, eager."""
    with warnings.catch_warnings():
        # torch.jit.script is deprecated in favour of torch.compile, which needs
        # seconds to compile and holds the GIL; TorchScript still runs and is what
        # frees the UI thread here.
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return Chunk(torch.jit.script(chunk), True)
        except Exception as error:  # an objective TorchScript cannot read, or no TorchScript
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            return Chunk(chunk, False, f"{type(error).__name__}: {first}"[:200])


def compiled_chunk(
    owner: object, make: Callable[[], StepChunk], rule_name: str, device: torch.device
) -> Chunk:
    """The chunk ``make()`` builds, compiled once per (owner, rule, device) and reused.

    Compiling takes a few hundred milliseconds; the app's later runs, and the
    bench's timed runs, reuse the first one's. ``owner`` is the problem the
    chunk belongs to: the cache lets go of it with the problem.
    """
    with _COMPILING:
        per_owner = _COMPILED.setdefault(owner, {})
        key = (rule_name, device)
        if key not in per_owner:
            per_owner[key] = compile_chunk(make())
        return per_owner[key]
