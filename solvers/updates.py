"""Update rules: what a step does with the gradient, state kept explicit.

An update rule is a small TorchScript-compatible module that the chunk loop
(:mod:`solvers.engine`) calls once per iteration, after the gradient and the
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

A compare's batch (:mod:`solvers.compare`) runs M members through the same
rule: every parameter, gradient and buffer has a leading member dimension
(M, …) (a compare's are flat, (M, k)), and ``eta`` holds one η per member, shape
(M,) or (M, 1, …) (a compare's: (M, 1)), in the run's dtype and on its device.
A rule views it per parameter as (M, 1, …) (:func:`member_eta`); the 0-d
tensors of the state (factors, counters) are shared, since every member has the
same hyperparameters and is at the same iteration. Each formula is written
once, for both (:func:`_descend` …), and a member follows its own run alone
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

from typing import Any, ClassVar

import torch
from torch import Tensor

from solvers.optimizers import PLATEAU_EPS, PLATEAU_THRESHOLD, OptimizerChoice, ScheduleChoice
from solvers.validation import MAX_ETA

ARMIJO_C = 1e-4
"""Sufficient decrease: accept η when f(θ − η·g) ≤ f(θ) − c·η·‖g‖²."""
ARMIJO_MAX_HALVINGS = 60
"""After this many halvings the line search takes the η it has reached."""


def _scalar(value: float) -> Tensor:
    """A counter or a line search's η as state: a 0-d float64 CPU tensor (exact doubles)."""
    return torch.tensor(value, dtype=torch.float64)


def _factors(params: list[Tensor], values: tuple[float, ...]) -> list[Tensor]:
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


def _member_double(eta: Tensor, param: Tensor) -> Tensor:
    """A batch's η as (M, 1, …), in float64 where the device has it: a run computes
    η / (1 − β₁ᵗ) and 1 − η·λ in Python floats and rounds once into the dtype."""
    lr = member_eta(eta, param)
    if lr.device.type == "mps":
        return lr
    return lr.to(torch.float64)


def _descend(param: Tensor, direction: Tensor, eta: Tensor) -> None:
    """θ ← θ − η·direction, in place.

    A run's 0-d η: torch.optim's ``param.add_(d, alpha=-lr)``, so it rounds as
    torch.optim does (one rounding: the CPU kernel fuses the multiply and add). A
    batch's η: ``addcmul_`` with each member's η, which rounds the same way.
    """
    if eta.dim() == 0:
        param.add_(direction, alpha=-float(eta))
    else:
        param.addcmul_(direction, member_eta(eta, param), value=-1)


def _descend_ratio(
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
            scale = (_member_double(eta, param) / divisor).to(param.dtype)
        param.addcdiv_(numerator * scale, denominator, value=-1)


def _decay_factor(eta: Tensor, param: Tensor, weight_decay: float, scratch: Tensor) -> Tensor:
    """1 − η·λ, AdamW's decoupled decay, as a tensor ``param`` is multiplied by: a run's
    in ``scratch`` (a 0-d tensor of the run's dtype: the double torch.optim computes,
    read in that dtype), a batch's one per member."""
    if eta.dim() == 0:
        return scratch.fill_(1 - float(eta) * weight_decay)
    return (1 - _member_double(eta, param) * weight_decay).to(param.dtype)


def _each(values: Tensor, eta: Tensor) -> Tensor:
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


class PlainUpdate(UpdateRule):
    """The book's update: ``x.data -= eta * x.grad``, in place, for each parameter.

    Written as ``p.sub_(g * eta)``, which rounds exactly as the book's
    ``w.data -= eta * w.grad`` does (torch.optim.SGD's ``p.add_(g, alpha=-lr)``
    rounds differently from the second iteration on: it is another rule).
    """

    name = "plain"

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        for j in range(len(params)):
            params[j].sub_(grads[j] * member_eta(eta, params[j]))
        return []


def _zeros(params: list[Tensor]) -> list[Tensor]:
    return [torch.zeros_like(p, memory_format=torch.preserve_format).detach() for p in params]


class MomentumUpdate(UpdateRule):
    """torch.optim.SGD(lr=η, momentum=μ, dampening=d, weight_decay=λ, nesterov=…)::

        g ← g + λθ                          (λ ≠ 0)
        v ← g                               (first step)
        v ← μ·v + (1 − d)·g                 (later steps)
        g ← g + μ·v  (nesterov)  or  g ← v  (momentum)
        θ ← θ − η·g

    With μ = 0 it is SGD itself: θ ← θ − η·g (no velocity). Records step_θ and v_θ.
    State: [μ, started (0 before the first step), v per parameter].
    """

    __constants__: ClassVar[list[str]] = ["momentum", "dampening", "weight_decay", "nesterov"]
    name = "momentum"
    quantities: tuple[str, ...] = ("step", "v")

    def __init__(
        self,
        param_names: tuple[str, ...] = (),
        momentum: float = 0.9,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(param_names)
        self.momentum = float(momentum)
        self.dampening = float(dampening)
        self.weight_decay = float(weight_decay)
        self.nesterov = nesterov
        self.hyper = (self.momentum, self.dampening, self.weight_decay)
        if nesterov:
            self.name = "nesterov"

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        return [*_factors(params, (self.momentum,)), _scalar(0.0), *_zeros(params)]

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        return state[2:]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        first = False
        if self.momentum != 0:
            first = float(state[1]) == 0.0
            if first:
                state[1].fill_(1.0)
        for j in range(len(params)):
            param = params[j]
            grad = grads[j]
            if self.weight_decay != 0:
                grad = grad.add(param, alpha=self.weight_decay)
            buf = state[2 + j]
            if self.momentum != 0:
                if first:
                    buf.copy_(grad)
                else:
                    buf.mul_(state[0]).add_(grad, alpha=1 - self.dampening)
                grad = grad.add(buf, alpha=self.momentum) if self.nesterov else buf
            _descend(param, grad, eta)
        return []


class AdagradUpdate(UpdateRule):
    """torch.optim.Adagrad(lr=η, eps=ε, weight_decay=λ), lr_decay 0, initial sum 0::

        g ← g + λθ                          (λ ≠ 0)
        G ← G + g²
        θ ← θ − η·g / (√G + ε)

    (torch's step size η / (1 + (t − 1)·lr_decay) is η itself with lr_decay 0, so no
    step count is kept.) Records step_θ and sum_θ (G). State: [ε, G per parameter].
    """

    __constants__: ClassVar[list[str]] = ["eps", "weight_decay"]
    name = "adagrad"
    quantities: tuple[str, ...] = ("step", "sum")

    def __init__(
        self, param_names: tuple[str, ...] = (), eps: float = 1e-10, weight_decay: float = 0.0
    ) -> None:
        super().__init__(param_names)
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.hyper = (self.eps, self.weight_decay)

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        return [*_factors(params, (self.eps,)), *_zeros(params)]

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        return state[1:]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        for j in range(len(params)):
            param = params[j]
            grad = grads[j]
            if self.weight_decay != 0:
                grad = grad.add(param, alpha=self.weight_decay)
            state_sum = state[1 + j]
            state_sum.addcmul_(grad, grad, value=1)
            std = state_sum.sqrt().add_(state[0])
            _descend_ratio(param, grad, std, eta, 1.0)
        return []


class RMSpropUpdate(UpdateRule):
    """torch.optim.RMSprop(lr=η, alpha=α, eps=ε, weight_decay=λ, momentum=μ), not centered::

        g ← g + λθ                          (λ ≠ 0)
        v2 ← α·v2 + (1 − α)·g²
        v ← μ·v + g / (√v2 + ε);  θ ← θ − η·v          (μ > 0)
        θ ← θ − η·g / (√v2 + ε)                          (μ = 0)

    Records step_θ, v2_θ, and v_θ when μ > 0. State: [α, ε, μ, v2…, (μ > 0) v…].
    """

    __constants__: ClassVar[list[str]] = ["alpha", "weight_decay", "momentum"]
    name = "rmsprop"
    quantities: tuple[str, ...] = ("step", "v2")

    def __init__(
        self,
        param_names: tuple[str, ...] = (),
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
    ) -> None:
        super().__init__(param_names)
        self.alpha = float(alpha)
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.momentum = float(momentum)
        self.hyper = (self.alpha, self.eps, self.weight_decay, self.momentum)
        if self.momentum > 0:
            self.quantities = ("step", "v2", "v")

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        factors = _factors(params, (self.alpha, self.eps, self.momentum))
        velocities = _zeros(params) if self.momentum > 0 else []
        return [*factors, *_zeros(params), *velocities]

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        return state[3:]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        n = len(params)
        for j in range(n):
            param = params[j]
            grad = grads[j]
            if self.weight_decay != 0:
                grad = grad.add(param, alpha=self.weight_decay)
            square_avg = state[3 + j]
            square_avg.mul_(state[0]).addcmul_(grad, grad, value=1 - self.alpha)
            avg = square_avg.sqrt().add_(state[1])
            if self.momentum > 0:
                buf = state[3 + n + j]
                buf.mul_(state[2]).addcdiv_(grad, avg)
                _descend(param, buf, eta)
            else:
                _descend_ratio(param, grad, avg, eta, 1.0)
        return []


class AdamUpdate(UpdateRule):
    """torch.optim.Adam (decoupled=False) and torch.optim.AdamW (decoupled=True)::

        t ← t + 1
        θ ← θ·(1 − η·λ)                     (AdamW, λ ≠ 0)
        g ← g + λθ                          (Adam, λ ≠ 0)
        m ← m + (1 − β₁)·(g − m)            (lerp: β₁·m + (1 − β₁)·g)
        v2 ← β₂·v2 + (1 − β₂)·g²
        θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v2 / √(1 − β₂ᵗ) + ε)

    The bias corrections are Python floats (float64), as in torch.optim; a batch's
    step size η / (1 − β₁ᵗ) is each member's own. Records step_θ, m_θ, v2_θ.
    State: [β₂, ε, √(1 − β₂ᵗ), 1 − η·λ (scratch), t, m…, v2…].
    """

    __constants__: ClassVar[list[str]] = ["beta1", "beta2", "weight_decay", "decoupled"]
    name = "adam"
    quantities: tuple[str, ...] = ("step", "m", "v2")

    def __init__(
        self,
        param_names: tuple[str, ...] = (),
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled: bool = False,
    ) -> None:
        super().__init__(param_names)
        self.beta1 = float(betas[0])
        self.beta2 = float(betas[1])
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.decoupled = decoupled
        self.hyper = (self.beta1, self.beta2, self.eps, self.weight_decay)
        if decoupled:
            self.name = "adamw"

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        factors = _factors(params, (self.beta2, self.eps, 1.0, 1.0))
        return [*factors, _scalar(0.0), *_zeros(params), *_zeros(params)]

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        return state[5:]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        step = float(state[4]) + 1
        state[4].fill_(step)
        n = len(params)
        bias_correction1 = 1 - self.beta1**step
        bias_correction2 = 1 - self.beta2**step
        bias_correction2_sqrt = state[2].fill_(bias_correction2**0.5)
        for j in range(n):
            param = params[j]
            grad = grads[j]
            exp_avg = state[5 + j]
            exp_avg_sq = state[5 + n + j]
            if self.weight_decay != 0:
                if self.decoupled:
                    param.mul_(_decay_factor(eta, param, self.weight_decay, state[3]))
                else:
                    grad = grad.add(param, alpha=self.weight_decay)
            exp_avg.lerp_(grad, 1 - self.beta1)
            exp_avg_sq.mul_(state[0]).addcmul_(grad, grad, value=1 - self.beta2)
            # (√v2 / √(1 − β₂ᵗ)) + ε in one op, rounded as torch.optim's div then add_
            denom = torch.addcdiv(state[1], exp_avg_sq.sqrt(), bias_correction2_sqrt)
            _descend_ratio(param, exp_avg, denom, eta, bias_correction1)
        return []


class ArmijoUpdate(UpdateRule):
    """Backtracking line search (Armijo): try η, halve it until

        f(θ − η·g) ≤ f(θ) − c·η·‖g‖²,   c = 1e-4,

    step to θ − η·g with the η that worked, and start the next iteration from
    2η (at most MAX_ETA). After ARMIJO_MAX_HALVINGS halvings it takes the η
    reached. The objective is evaluated at each trial point (the rule holds the
    chunk's objective module); f, ‖g‖², η and the test are float64 on the CPU,
    the doubles a Python loop would compare. The first trial η is the η of the
    first step (the run's η; a batch's, each member's own).

    A batch searches per member: each member halves its own η until its own
    condition holds (f and ‖g‖² are its own sums), every member's trial point is
    evaluated in one call of the (batched) objective, a member that has accepted
    keeps its η, and the search ends when all have accepted (or reached the
    halvings' limit). A run is the same computation with 0-d quantities.

    Records step_θ, then ``eta`` (the η taken) and ``halvings``.
    State: [next trial η: 0-d; one per member (M,) once a batch has stepped].
    """

    __constants__: ClassVar[list[str]] = ["c", "max_halvings", "max_eta"]
    name = "armijo"
    quantities: tuple[str, ...] = ("step",)
    singles: tuple[str, ...] = ("eta", "halvings")

    def __init__(self, param_names: tuple[str, ...], objective: torch.nn.Module) -> None:
        super().__init__(param_names)
        self.objective = objective
        self.c = ARMIJO_C
        self.max_halvings = float(ARMIJO_MAX_HALVINGS)
        self.max_eta = MAX_ETA

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        return [_scalar(-1.0)]  # no trial yet: the first takes the step's η

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        cpu = torch.device("cpu")
        double = torch.float64
        trial = state[0]
        given = eta.to(device=cpu, dtype=double)
        if given.dim() > 1:  # a batch's (M, 1, …): one η per member, (M,), as f and ‖g‖²
            given = given.reshape(-1)
        lr = torch.where(trial > 0, trial, given)
        f0 = _each(value, eta).to(device=cpu, dtype=double)
        norm2 = torch.zeros_like(f0)
        before: list[Tensor] = []
        for j in range(len(params)):
            g = grads[j].to(device=cpu, dtype=double)
            norm2 = norm2 + _each(g * g, eta)
            before.append(params[j].clone())
        halvings = torch.zeros_like(lr)
        accepted = torch.zeros_like(lr, dtype=torch.bool)
        while True:
            for j in range(len(params)):
                param = params[j]
                scale = member_eta(lr.to(device=param.device, dtype=param.dtype), param)
                torch.sub(before[j], grads[j] * scale, out=param)
            f1 = _each(self.objective(params)[0], eta).to(device=cpu, dtype=double)
            accepted = accepted | (f1 <= f0 - self.c * lr * norm2)
            accepted = accepted | (halvings >= self.max_halvings)
            if bool(accepted.all()):
                break
            lr = torch.where(accepted, lr, lr / 2)
            halvings = torch.where(accepted, halvings, halvings + 1)
        if trial.shape != lr.shape:
            trial.resize_(lr.shape)
        trial.copy_(torch.clamp(2 * lr, max=self.max_eta))
        like = params[0]
        taken = torch.stack([lr, halvings], -1).reshape(-1)
        return [taken.to(device=like.device, dtype=like.dtype)]


class ScheduledUpdate(UpdateRule):
    """An optimizer whose η follows a schedule, recording the η used (``eta``).

    For every schedule but plateau, η comes from the chunk (Descent.etas,
    computed by :mod:`solvers.schedules`), a run's 0-d or a batch's one per member
    alike. Plateau is torch's ReduceLROnPlateau, one run's only (its η, best and
    count are one run's: a batch is refused), stepped with f after every
    iteration, inside the chunk, so it reacts at the very next iteration as
    ``scheduler.step(loss)`` in torch's loop does::

        if f < best·(1 − 1e-4): best ← f, bad ← 0   else bad ← bad + 1
        if bad > patience: η ← η·factor (when that lowers η by more than 1e-8), bad ← 0

    State: [the inner rule's state…, then (plateau) η, best, bad, factor, patience].
    """

    __constants__: ClassVar[list[str]] = ["plateau", "threshold", "eps"]

    def __init__(self, inner: UpdateRule, plateau: bool) -> None:
        super().__init__(inner.param_names)
        self.inner = inner
        self.plateau = plateau
        self.inner_size = 0
        """Length of the inner rule's state, known once :meth:`initial_state` has run."""
        self.name = f"{inner.name}+{'plateau' if plateau else 'schedule'}"
        self.quantities = inner.quantities
        self.singles = (*inner.singles, "eta")
        self.patience = 10
        self.factor = 0.1
        self.start_eta = 0.0
        self.threshold = PLATEAU_THRESHOLD
        self.eps = PLATEAU_EPS

    @property
    def cache_key(self) -> str:
        return f"{self.name}:{self.inner.cache_key}"

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        inner = self.inner.initial_state(params)
        self.inner_size = len(inner)
        if not self.plateau:
            return inner
        plateau = [self.start_eta, float("inf"), 0.0, self.factor, float(self.patience)]
        return inner + [_scalar(v) for v in plateau]

    def recorded(self, state: list[Tensor]) -> list[Tensor]:
        return self.inner.recorded(state[: self.inner_size])

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        k = self.inner_size
        inner_state = state[:k]
        like = params[0]
        if not self.plateau:
            extras: list[Tensor] = self.inner(params, grads, inner_state, eta, value)
            extras.append(eta.reshape(-1).to(device=like.device, dtype=like.dtype))
            return extras
        if eta.dim() != 0:
            raise RuntimeError("the plateau schedule steps one run's η, not a batch's")
        lr = state[k]
        used = float(lr)
        extras = self.inner(params, grads, inner_state, lr, value)
        current = float(value.sum())
        best = float(state[k + 1])
        bad = float(state[k + 2])
        factor = float(state[k + 3])
        patience = float(state[k + 4])
        if current < best * (1.0 - self.threshold):
            state[k + 1].fill_(current)
            bad = 0.0
        else:
            bad += 1
        if bad > patience:
            new_lr = max(used * factor, 0.0)
            if used - new_lr > self.eps:
                lr.fill_(new_lr)
            bad = 0.0
        state[k + 2].fill_(bad)
        extras.append(torch.tensor([used], dtype=like.dtype, device=like.device))
        return extras


def _optimizer_rule(
    choice: OptimizerChoice, param_names: tuple[str, ...], objective: torch.nn.Module | None
) -> UpdateRule:
    knobs: dict[str, Any] = choice.values
    name = choice.name
    if name == "plain":
        return PlainUpdate(param_names)
    if name in ("momentum", "nesterov"):
        return MomentumUpdate(
            param_names,
            knobs["momentum"],
            knobs.get("dampening", 0.0),
            knobs["weight-decay"],
            nesterov=name == "nesterov",
        )
    if name == "adagrad":
        return AdagradUpdate(param_names, knobs["eps"], knobs["weight-decay"])
    if name == "rmsprop":
        return RMSpropUpdate(
            param_names, knobs["alpha"], knobs["eps"], knobs["weight-decay"], knobs["momentum"]
        )
    if name in ("adam", "adamw"):
        return AdamUpdate(
            param_names,
            knobs["betas"],
            knobs["eps"],
            knobs["weight-decay"],
            decoupled=name == "adamw",
        )
    if name == "armijo":
        if objective is None:
            raise ValueError("armijo needs the objective to evaluate trial points")
        return ArmijoUpdate(param_names, objective)
    raise ValueError(f"no update rule for {name!r}")


def make_rule(
    choice: OptimizerChoice,
    param_names: tuple[str, ...] = (),
    *,
    schedule: ScheduleChoice | None = None,
    eta: float = 0.0,
    objective: torch.nn.Module | None = None,
) -> UpdateRule:
    """The update rule of ``choice``, recording one column per scalar parameter
    (named after ``param_names``) per quantity; under a schedule other than
    constant, wrapped to record η (and, for plateau, to schedule it).
    ``eta`` is the run's first η (plateau's start: its η lives in the rule's state);
    ``objective`` the chunk's objective module (armijo evaluates it)."""
    rule = _optimizer_rule(choice, param_names, objective)
    if schedule is None or schedule.name == "constant":
        return rule
    wrapped = ScheduledUpdate(rule, schedule.name == "plateau")
    if wrapped.plateau:
        wrapped.patience = int(schedule["patience"])  # type: ignore[arg-type]
        wrapped.factor = float(schedule["factor"])  # type: ignore[arg-type]
    wrapped.start_eta = eta
    return wrapped
