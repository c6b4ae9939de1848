"""Update rules: what a step does with the gradient, state kept explicit.

An update rule is a small TorchScript-compatible module that the chunk loop
(:mod:`solvers.engine`) calls once per iteration, after the gradient and the
row are recorded::

    extras = rule(params, grads, state, eta, value)   # updates params in place, no_grad

``value`` is this iteration's objective f(θ) before the update (the line search
and the plateau schedule need it); ``eta`` is this iteration's learning rate as
a 0-d float64 CPU tensor, so a schedule is just a different tensor of η per
chunk. ``state`` is the rule's own tensors, made by :meth:`UpdateRule.initial_state`
and carried from chunk to chunk: first its hyperparameters (0-d float64 CPU
tensors, so one compiled chunk serves every value of them), then its counters
and buffers (a velocity, running averages). Rules change their state in place
only. ``extras`` are 1-d tensors recorded in the row after the update, under
:attr:`UpdateRule.extra_names`. The loop never changes when a rule is added.

Each optimizer is written in torch.optim's own operations, in its order and with
its Python-float scalars (``torch/optim/sgd.py``, ``adam.py``, ``adagrad.py``,
``rmsprop.py``: ``_single_tensor_*``, which is what torch.optim runs on the
CPU), so its trajectory is torch.optim's bit for bit (tests/test_updates.py).

Recorded columns, one per scalar parameter θ (e.g. ``step_w0``, ``step_w1``,
``step_b``), quantity by quantity:

* ``step_θ``: the step actually taken, θ after − θ before;
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
    """A hyperparameter as state: a 0-d float64 CPU tensor holding the exact double."""
    return torch.tensor(value, dtype=torch.float64)


def member_eta(eta: Tensor, param: Tensor) -> Tensor:
    """η shaped to scale ``param``: a run's 0-d η as it is; a compare's (M,) η, one
    per member, as (M, 1, …) against a parameter with a leading member dimension."""
    if eta.dim() == 0:
        return eta
    shape = [eta.size(0)] + [1] * (param.dim() - 1)
    return eta.reshape(shape)


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
        """What tells compiled chunks apart: the rule and the columns it records."""
        return f"{self.name}:{','.join(self.quantities + self.singles)}"

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        """The rule's state before the first iteration (none by default)."""
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
    State: [μ, d, λ, steps, v per parameter].
    """

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
        self.hyper = (momentum, dampening, weight_decay)
        self.nesterov = nesterov
        if nesterov:
            self.name = "nesterov"

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        return [*(_scalar(h) for h in self.hyper), _scalar(0.0), *_zeros(params)]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        momentum = float(state[0])
        dampening = float(state[1])
        weight_decay = float(state[2])
        first = float(state[3]) == 0.0
        lr = float(eta)
        n = len(params)
        steps: list[Tensor] = []
        velocities: list[Tensor] = []
        for j in range(n):
            param = params[j]
            before = param.clone()
            grad = grads[j]
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            buf = state[4 + j]
            if momentum != 0:
                if first:
                    buf.copy_(grad)
                else:
                    buf.mul_(momentum).add_(grad, alpha=1 - dampening)
                grad = grad.add(buf, alpha=momentum) if self.nesterov else buf
            param.add_(grad, alpha=-lr)
            steps.append((param - before).reshape(-1))
            velocities.append(buf.reshape(-1))
        state[3].add_(1)
        return steps + velocities


class AdagradUpdate(UpdateRule):
    """torch.optim.Adagrad(lr=η, eps=ε, weight_decay=λ), lr_decay 0, initial sum 0::

        g ← g + λθ                          (λ ≠ 0)
        G ← G + g²
        θ ← θ − η·g / (√G + ε)

    Records step_θ and sum_θ (G). State: [ε, λ, steps, G per parameter].
    """

    name = "adagrad"
    quantities: tuple[str, ...] = ("step", "sum")

    def __init__(
        self, param_names: tuple[str, ...] = (), eps: float = 1e-10, weight_decay: float = 0.0
    ) -> None:
        super().__init__(param_names)
        self.hyper = (eps, weight_decay)

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        return [*(_scalar(h) for h in self.hyper), _scalar(0.0), *_zeros(params)]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        eps = float(state[0])
        weight_decay = float(state[1])
        state[2].add_(1)
        step = float(state[2])
        lr = float(eta)
        lr_decay = 0.0
        clr = lr / (1 + (step - 1) * lr_decay)
        steps: list[Tensor] = []
        sums: list[Tensor] = []
        for j in range(len(params)):
            param = params[j]
            before = param.clone()
            grad = grads[j]
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            state_sum = state[3 + j]
            state_sum.addcmul_(grad, grad, value=1)
            std = state_sum.sqrt().add_(eps)
            param.addcdiv_(grad, std, value=-clr)
            steps.append((param - before).reshape(-1))
            sums.append(state_sum.reshape(-1))
        return steps + sums


class RMSpropUpdate(UpdateRule):
    """torch.optim.RMSprop(lr=η, alpha=α, eps=ε, weight_decay=λ, momentum=μ), not centered::

        g ← g + λθ                          (λ ≠ 0)
        v2 ← α·v2 + (1 − α)·g²
        v ← μ·v + g / (√v2 + ε);  θ ← θ − η·v          (μ > 0)
        θ ← θ − η·g / (√v2 + ε)                          (μ = 0)

    Records step_θ, v2_θ, and v_θ when μ > 0. State: [α, ε, λ, μ, v2…, v…].
    """

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
        self.hyper = (alpha, eps, weight_decay, momentum)
        self.with_momentum = momentum > 0
        if self.with_momentum:
            self.quantities = ("step", "v2", "v")

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        return [*(_scalar(h) for h in self.hyper), *_zeros(params), *_zeros(params)]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        alpha = float(state[0])
        eps = float(state[1])
        weight_decay = float(state[2])
        momentum = float(state[3])
        lr = float(eta)
        n = len(params)
        steps: list[Tensor] = []
        squares: list[Tensor] = []
        velocities: list[Tensor] = []
        for j in range(n):
            param = params[j]
            before = param.clone()
            grad = grads[j]
            if weight_decay != 0:
                grad = grad.add(param, alpha=weight_decay)
            square_avg = state[4 + j]
            square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
            avg = square_avg.sqrt()
            avg = avg.add_(eps)
            if momentum > 0:
                buf = state[4 + n + j]
                buf.mul_(momentum).addcdiv_(grad, avg)
                param.add_(buf, alpha=-lr)
                velocities.append(buf.reshape(-1))
            else:
                param.addcdiv_(grad, avg, value=-lr)
            steps.append((param - before).reshape(-1))
            squares.append(square_avg.reshape(-1))
        return steps + squares + velocities


class AdamUpdate(UpdateRule):
    """torch.optim.Adam (decoupled=False) and torch.optim.AdamW (decoupled=True)::

        t ← t + 1
        θ ← θ·(1 − η·λ)                     (AdamW, λ ≠ 0)
        g ← g + λθ                          (Adam, λ ≠ 0)
        m ← m + (1 − β₁)·(g − m)            (lerp: β₁·m + (1 − β₁)·g)
        v2 ← β₂·v2 + (1 − β₂)·g²
        θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v2 / √(1 − β₂ᵗ) + ε)

    The bias corrections are Python floats (float64), as in torch.optim.
    Records step_θ, m_θ, v2_θ. State: [β₁, β₂, ε, λ, t, m…, v2…].
    """

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
        self.hyper = (betas[0], betas[1], eps, weight_decay)
        self.decoupled = decoupled
        if decoupled:
            self.name = "adamw"

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        return [*(_scalar(h) for h in self.hyper), _scalar(0.0), *_zeros(params), *_zeros(params)]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        beta1 = float(state[0])
        beta2 = float(state[1])
        eps = float(state[2])
        weight_decay = float(state[3])
        state[4].add_(1)
        step = float(state[4])
        lr = float(eta)
        n = len(params)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2**0.5
        steps: list[Tensor] = []
        firsts: list[Tensor] = []
        seconds: list[Tensor] = []
        for j in range(n):
            param = params[j]
            before = param.clone()
            grad = grads[j]
            exp_avg = state[5 + j]
            exp_avg_sq = state[5 + n + j]
            if weight_decay != 0:
                if self.decoupled:
                    param.mul_(1 - lr * weight_decay)
                else:
                    grad = grad.add(param, alpha=weight_decay)
            exp_avg.lerp_(grad, 1 - beta1)
            exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
            param.addcdiv_(exp_avg, denom, value=-step_size)
            steps.append((param - before).reshape(-1))
            firsts.append(exp_avg.reshape(-1))
            seconds.append(exp_avg_sq.reshape(-1))
        return steps + firsts + seconds


class ArmijoUpdate(UpdateRule):
    """Backtracking line search (Armijo): try η, halve it until

        f(θ − η·g) ≤ f(θ) − c·η·‖g‖²,   c = 1e-4,

    step to θ − η·g with the η that worked, and start the next iteration from
    2η (at most MAX_ETA). After ARMIJO_MAX_HALVINGS halvings it takes the η
    reached. The objective is evaluated at each trial point (the rule holds the
    chunk's objective module); f and ‖g‖² are compared as Python floats.
    The first trial η is the run's η.

    Records step_θ, then ``eta`` (the η taken) and ``halvings``.
    State: [c, next trial η].
    """

    name = "armijo"
    quantities: tuple[str, ...] = ("step",)
    singles: tuple[str, ...] = ("eta", "halvings")

    def __init__(self, param_names: tuple[str, ...], objective: torch.nn.Module) -> None:
        super().__init__(param_names)
        self.objective = objective
        self.start_eta = -1.0
        self.max_halvings = ARMIJO_MAX_HALVINGS
        self.max_eta = MAX_ETA

    def initial_state(self, params: list[Tensor]) -> list[Tensor]:
        return [_scalar(ARMIJO_C), _scalar(self.start_eta)]

    def forward(
        self,
        params: list[Tensor],
        grads: list[Tensor],
        state: list[Tensor],
        eta: Tensor,
        value: Tensor,
    ) -> list[Tensor]:
        c = float(state[0])
        lr = float(state[1])
        if lr <= 0:
            lr = float(eta)
        f0 = float(value.sum())
        norm2 = 0.0
        before: list[Tensor] = []
        for j in range(len(params)):
            norm2 += float((grads[j].double() * grads[j].double()).sum())
            before.append(params[j].clone())
        halvings = 0
        while True:
            for j in range(len(params)):
                torch.sub(before[j], grads[j], alpha=lr, out=params[j])
            trial, _ = self.objective(params)
            f1 = float(trial.sum())
            if f1 <= f0 - c * lr * norm2 or halvings >= self.max_halvings:
                break
            lr = lr / 2
            halvings += 1
        state[1].fill_(min(2 * lr, self.max_eta))
        steps: list[Tensor] = []
        for j in range(len(params)):
            steps.append((params[j] - before[j]).reshape(-1))
        like = params[0]
        steps.append(torch.tensor([lr, float(halvings)], dtype=like.dtype, device=like.device))
        return steps


class ScheduledUpdate(UpdateRule):
    """An optimizer whose η follows a schedule, recording the η used (``eta``).

    For every schedule but plateau, η comes from the chunk (Descent.etas,
    computed by :mod:`solvers.schedules`). Plateau is torch's ReduceLROnPlateau
    stepped with f after every iteration, inside the chunk, so it reacts at the
    very next iteration as ``scheduler.step(loss)`` in torch's loop does::

        if f < best·(1 − 1e-4): best ← f, bad ← 0   else bad ← bad + 1
        if bad > patience: η ← η·factor (when that lowers η by more than 1e-8), bad ← 0

    State: [the inner rule's state…, then (plateau) η, best, bad, factor, patience].
    """

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
        lr = eta if not self.plateau else state[k]
        used = float(lr)
        extras: list[Tensor] = self.inner(params, grads, inner_state, lr, value)
        if self.plateau:
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
        like = params[0]
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
    ``eta`` is the run's first η (armijo's first trial; plateau's start);
    ``objective`` the chunk's objective module (armijo evaluates it)."""
    rule = _optimizer_rule(choice, param_names, objective)
    if isinstance(rule, ArmijoUpdate):
        rule.start_eta = eta
    if schedule is None or schedule.name == "constant":
        return rule
    wrapped = ScheduledUpdate(rule, schedule.name == "plateau")
    if wrapped.plateau:
        wrapped.patience = int(schedule["patience"])  # type: ignore[arg-type]
        wrapped.factor = float(schedule["factor"])  # type: ignore[arg-type]
    wrapped.start_eta = eta
    return wrapped
