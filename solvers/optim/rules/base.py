"""The update rules' contract, and the helpers every rule shares (torch).

An update rule is a small TorchScript-compatible module that the chunk loop
(:mod:`solvers.run.engine`) calls once per iteration, after the gradient and the
row are recorded::

    extras = rule(params, grads, state, eta, value)   # updates params in place, no_grad

``value`` is this iteration's objective f(θ) before the update (the line search
and the plateau schedule need it); ``eta`` is this iteration's learning rate as
a 0-d float64 CPU tensor, so a schedule is just a different tensor of η per
chunk. ``state`` is the rule's own tensors, made by :meth:`UpdateRule.initial_state`
and carried from chunk to chunk: 0-d tensors first (factors such as μ or β₂ in
the parameters' dtype and device, counters as float64 on the CPU), then its
buffers shaped like the parameters (a velocity, running averages). Rules change
their state in place only. ``extras`` are the 1-d tensors a rule computes for
its last columns (armijo's η and halvings, a schedule's η). The chunk records
the other columns of :attr:`UpdateRule.extra_names` itself, after each update:
``step_θ`` for a rule whose quantities start with "step" (θ after − θ before,
from its rows, once per chunk), then the state tensors :meth:`UpdateRule.recorded`
names (a velocity, running averages), through flat views it makes once per
chunk. The loop never changes when a rule is added.

Hyperparameters (μ, β, ε, λ…) are constants of a rule's compiled code, so its
:attr:`~UpdateRule.cache_key` carries their values: one compiled chunk per set
of values. A rule scales by a hyperparameter through its 0-d tensor in the
state, not the Python float: the same rounding (the kernel reads the float in
the tensor's dtype either way), and a third of the cost in the compiled loop.

A compare's batch (:mod:`solvers.run.compare`) runs M members through the same
rule: every parameter, gradient and buffer has a leading member dimension
(M, …) (a compare's are flat, (M, k)), and ``eta`` holds one η per member, shape
(M,) or (M, 1, …) (a compare's: (M, 1)), in the run's dtype and on its device.
A rule views it per parameter as (M, 1, …) (:func:`member_eta`); the 0-d
tensors of the state (factors, counters) are shared, since every member has the
same hyperparameters and is at the same iteration. Each formula is written
once, for both (:func:`descend` …), and a member follows its own run alone
(tests/test_updates.py). Extras are the same tensors with the member dimension,
(M·k,) flattened member by member.

Each optimizer is written in torch.optim's own operations, in its order and with
its Python-float scalars (``torch/optim/sgd.py``, ``adam.py``, ``adagrad.py``,
``rmsprop.py``: ``_single_tensor_*``, which is what torch.optim runs on the
CPU), so its trajectory is torch.optim's bit for bit (tests/test_updates.py).

Recorded columns, one per scalar parameter θ (e.g. ``step_w0``, ``step_w1``,
``step_b``), quantity by quantity:

* ``step_θ``: the step actually taken, θ after − θ before (recorded by the chunk);
* ``v_θ``: the velocity (momentum buffer) of momentum, nesterov and rmsprop
  with momentum;
* ``m_θ``: Adam's running average of g (exp_avg);
* ``v2_θ``: the running average of g² (Adam's exp_avg_sq, RMSprop's square_avg);
* ``sum_θ``: Adagrad's sum of every g² so far;
* ``eta``: one column, the η used (armijo: the η the line search took; a
  schedule: the scheduled η); armijo also records ``halvings``.
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import Tensor


def scalar(value: float) -> Tensor:
    """A counter or a line search's η as state: a 0-d float64 CPU tensor (exact doubles)."""
    return torch.tensor(value, dtype=torch.float64)


def factors(params: list[Tensor], values: tuple[float, ...]) -> list[Tensor]:
    """Hyperparameters a rule multiplies or adds tensors by, as 0-d tensors of the
    parameters' dtype and device. Scaling by one rounds exactly as by the Python float
    torch.optim passes (its kernel reads the float in the tensor's dtype), and costs
    a third of it in the compiled loop (no scalar to wrap and convert per call)."""
    like = params[0]
    return [torch.tensor(v, dtype=like.dtype, device=like.device) for v in values]


def member_eta(eta: Tensor, param: Tensor) -> Tensor:
    """η shaped to scale ``param``: a run's 0-d η as it is; a compare's η, one per
    member (shape (M,) or (M, 1, …)), as (M, 1, …) with ``param``'s number of
    dimensions, against a parameter with a leading member dimension. An η that has
    them already, as a compare's (M, 1) against its flat (M, k) parameters, is taken
    as it is: no reshape per parameter per iteration."""
    if eta.dim() == 0 or eta.dim() == param.dim():
        return eta
    shape = [eta.size(0)] + [1] * (param.dim() - 1)
    return eta.reshape(shape)


def member_double(eta: Tensor, param: Tensor) -> Tensor:
    """A batch's η as (M, 1, …), in float64 where the device has it: a run computes
    η / (1 − β₁ᵗ) and 1 − η·λ in Python floats and rounds once into the dtype."""
    lr = member_eta(eta, param)
    if lr.device.type == "mps":
        return lr
    return lr.to(torch.float64)


def descend(param: Tensor, direction: Tensor, eta: Tensor) -> None:
    """θ ← θ − η·direction, in place.

    A run's 0-d η: torch.optim's ``param.add_(d, alpha=-lr)``, so it rounds as
    torch.optim does (one rounding: the CPU kernel fuses the multiply and add). A
    batch's η: ``addcmul_`` with each member's η, which rounds the same way.
    """
    if eta.dim() == 0:
        param.add_(direction, alpha=-float(eta))
    else:
        param.addcmul_(direction, member_eta(eta, param), value=-1)


def descend_ratio(
    param: Tensor, numerator: Tensor, denominator: Tensor, eta: Tensor, divisor: float
) -> None:
    """θ ← θ − (η / divisor)·numerator / denominator, in place.

    A run's 0-d η: torch.optim's ``param.addcdiv_(n, d, value=-(lr / divisor))``
    with that Python float. A batch's: each member's η / divisor (in float64, then
    the dtype) multiplies the numerator first, which is what addcdiv's kernel does
    with its value, so a member rounds as its run does.
    """
    if eta.dim() == 0:
        param.addcdiv_(numerator, denominator, value=-(float(eta) / divisor))
    else:
        scale = member_eta(eta, param)
        if divisor != 1.0:
            scale = (member_double(eta, param) / divisor).to(param.dtype)
        param.addcdiv_(numerator * scale, denominator, value=-1)


def decay_factor(eta: Tensor, param: Tensor, weight_decay: float, scratch: Tensor) -> Tensor:
    """1 − η·λ, AdamW's decoupled decay, as a tensor ``param`` is multiplied by: a run's
    in ``scratch`` (a 0-d tensor of the run's dtype: the double torch.optim computes,
    read in that dtype), a batch's one per member."""
    if eta.dim() == 0:
        return scratch.fill_(1 - float(eta) * weight_decay)
    return (1 - member_double(eta, param) * weight_decay).to(param.dtype)


def each_member_sum(values: Tensor, eta: Tensor) -> Tensor:
    """Sum per member: a run's whole tensor (0-d), a batch's over all but the first dim."""
    if eta.dim() == 0:
        return values.sum()
    return values.reshape(eta.size(0), -1).sum(1)


class UpdateRule(torch.nn.Module):
    """Base for update rules (see the module docstring for the contract)."""

    __jit_unused_properties__: ClassVar[list[str]] = ["extra_names", "cache_key"]
    __jit_ignored_attributes__: ClassVar[list[str]] = [
        "quantities",
        "singles",
        "param_names",
        "hyper",
        "start_eta",
    ]

    name = "rule"
    """Registry name, as ``--optimizer`` takes it."""
    quantities: tuple[str, ...] = ()
    """Per-parameter quantities recorded after the update, e.g. ("step", "v")."""
    singles: tuple[str, ...] = ()
    """Single columns recorded after them, e.g. ("eta",)."""
    hyper: tuple[float, ...] = ()
    """The hyperparameters' values: compiled into the rule as constants."""

    def __init__(self, param_names: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.param_names = tuple(param_names)

    @property
    def extra_names(self) -> tuple[str, ...]:
        """Names of the columns each iteration records after the update."""
        per = tuple(f"{q}_{n}" for q in self.quantities for n in self.param_names)
        return per + self.singles

    @property
    def cache_key(self) -> str:
        """What tells compiled chunks apart: the rule, the columns it records and its
        hyperparameters (constants of the compiled code)."""
        values = ",".join(repr(float(h)) for h in self.hyper)
        return f"{self.name}:{','.join(self.quantities + self.singles)}:{values}"

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        """The rule's state before the first iteration (none by default)."""
        return []

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        """The state tensors recorded after every update, in column order (the
        quantities after ``step``, each per parameter). The chunk views them flat
        once per chunk and copies them into every row (none by default)."""
        return []

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        raise NotImplementedError


def zeros(params: list[Tensor]) -> list[Tensor]:
    return [torch.zeros_like(p, memory_format=torch.preserve_format).detach() for p in params]


def descend_ratio_scaled(
    param: Tensor,
    numerator: Tensor,
    denominator: Tensor,
    eta: Tensor,
    factor: float,
    divisor: float,
) -> None:
    """θ ← θ − (η·factor / divisor)·numerator / denominator, in place, the scale a
    Python float (float64) as torch.optim's ``value=(-lr * factor) / divisor``; a
    batch's one per member, multiplying the numerator first as addcdiv's kernel does."""
    if eta.dim() == 0:
        param.addcdiv_(numerator, denominator, value=(-float(eta) * factor) / divisor)
    else:
        scale = (member_double(eta, param) * factor / divisor).to(param.dtype)
        param.addcdiv_(numerator * scale, denominator, value=-1)
