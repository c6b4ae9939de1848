"""The explained step (the app's ``n``) shows the update its formula gives, exactly.

The run's parameters are float32: θ after a step is rounded, so θ_new − θ_old may
differ from −η·g (chapter 3 at the book's η: by 1 % and more late in the run). The
explanation must show the update itself (−η·g, or the optimizer's own formula,
checked here against torch.optim run in float64 from the state the row shows) and,
where the parameters moved by another amount in the digits shown, that amount too,
with the reason, on the same line.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
import torch
from optim_reference import TORCH_OPTIMIZERS, gdlab_run

from solvers.chapters.registry import make_problem, spec_of
from solvers.optim.choices import OptimizerChoice
from solvers.pictures.explain import explain_step
from tui.app.widgets.step_detail import explain

BOOK_ETA = spec_of("3").eta
NAMES = ("w0", "w1", "b")
UPDATE = re.compile(r"update  −η∇f  = \[([^\]]*)\](?:; θ moved \[([^\]]*)\] \(([^)]*)\))?")
STEP = re.compile(r"step = ([^;\s]+)(?:; θ moved (\S+) \(([^)]*)\))? → θ = (\S+)")


def number(value: float) -> str:
    """A number to the six significant digits the explanation shows."""
    return f"{value:.6g}"


def half_unit(shown: str) -> float:
    """Half a unit in the last digit of a number as shown: how far rounding can move it."""
    exponent = Decimal(shown).as_tuple().exponent
    assert isinstance(exponent, int)
    return 0.5 * 10.0**exponent


def field(text: str, label: str) -> str:
    """What follows ``label`` on its line of the explanation."""
    match = re.search(rf"{re.escape(label)}\s*=\s*(.+)", text)
    assert match, f"no {label!r} line in:\n{text}"
    return match.group(1).strip()


def numbers(listed: str) -> list[str]:
    return [part.strip() for part in listed.strip("[]").split(",")]


@pytest.mark.parametrize("iterations", [1, 101, 1001])
def test_plain_steps_update_is_minus_eta_g_and_the_rounded_move_is_said(iterations):
    """Chapter 3 at the book's settings, the step of iteration ``iterations`` − 1."""
    descent = gdlab_run(make_problem("3"), None, BOOK_ETA, OptimizerChoice("plain"), iterations)
    view, after = descent.view, descent.current_values()
    row = view.rows[-1].astype(float)
    before, grads = row[view.layout.params], row[view.layout.grads]
    text = explain(view, after)
    match = UPDATE.search(text)
    assert match, text
    shown, moved, reason = match.groups()
    # −η·g exactly (float64 from the recorded g and the run's η), to the digits shown ...
    assert numbers(shown) == [number(-BOOK_ETA * g) for g in grads]
    # ... and from the values the explanation shows, within their rounding
    eta_shown = float(field(text, "η"))
    for update, g in zip(numbers(shown), numbers(field(text, "backward ∇f")), strict=True):
        slack = half_unit(update) + eta_shown * half_unit(g)
        assert abs(float(update) - (-eta_shown * float(g))) <= slack, (update, g)
    # where float32 moved θ by another amount in the digits shown: both, and why
    actual = [number(a - b) for a, b in zip(after, before, strict=True)]
    if actual != numbers(shown):
        assert moved is not None and numbers(moved) == actual, text
        assert reason == "float32 rounding"
    else:
        assert moved is None, text
    if iterations == 1001:  # late in the run float32 moves θ by 1 % off −η·g
        assert moved is not None


def torch_float64_change(choice, eta, t, theta, grad, before):
    """θ's change in one step of torch.optim's own optimizer, in float64, from θ, g and
    the optimizer's state before the step (the previous row's recorded state)."""
    param = torch.tensor([theta], dtype=torch.float64, requires_grad=True)
    optimizer = TORCH_OPTIMIZERS[choice.name]([param], lr=eta, **choice.torch_kwargs)
    param.grad = torch.tensor([grad], dtype=torch.float64)
    if t > 1:
        names = {
            "v": "momentum_buffer",
            "sum": "sum",
            "m": "exp_avg",
            "v2": "square_avg" if choice.name == "rmsprop" else "exp_avg_sq",
        }
        state: dict[str, object] = {names[key]: value for key, value in before.items()}
        if choice.name not in ("momentum", "nesterov"):
            state["step"] = torch.tensor(float(t - 1))
        if choice.name == "nadam":  # μ₁⋯μₜ₋₁, μᵢ = β₁·(1 − ½·0.96^(i·ψ)), torch.optim's docs
            beta1, decay = choice["betas"][0], choice["momentum-decay"]
            product = math.prod(beta1 * (1 - 0.5 * 0.96 ** (i * decay)) for i in range(1, t))
            state["mu_product"] = torch.tensor(product, dtype=torch.float64)
        optimizer.state[param] = {
            k: v if k in ("step", "mu_product") else torch.tensor([v], dtype=torch.float64)
            for k, v in state.items()
        }
    with torch.no_grad():
        optimizer.step()
    return float(param.detach()[0]) - theta


OPTIMIZER_CASES = [
    OptimizerChoice("adam"),
    OptimizerChoice("adamw", {"weight-decay": 0.1}),
    OptimizerChoice("momentum", {"weight-decay": 0.01}),
    OptimizerChoice("nesterov"),
    OptimizerChoice("adagrad"),
    OptimizerChoice("rmsprop", {"momentum": 0.5}),
    OptimizerChoice("nadam", {"weight-decay": 0.01}),
    OptimizerChoice("radam", {"weight-decay": 0.01}),
]


@pytest.mark.parametrize(
    ("choice", "iterations"),
    [(choice, 2001) for choice in OPTIMIZER_CASES]
    # the first step; radam's is not yet adapted there (ρₜ ≤ 5)
    + [(OPTIMIZER_CASES[0], 1), (OPTIMIZER_CASES[-2], 1), (OPTIMIZER_CASES[-1], 1)],
    ids=lambda value: getattr(value, "name", str(value)),
)
def test_an_optimizers_step_is_its_formula_from_the_state_shown(choice, iterations):
    """The step shown is torch.optim's own update in float64 from the state the rows
    record; the float32 change, where it differs, follows it with the reason."""
    descent = gdlab_run(make_problem("3"), None, BOOK_ETA, choice, iterations + 1)
    columns = descent.layout.columns
    rows = descent.history.rows.astype(float)
    t = iterations  # the step of iteration t − 1, whose θ after is the next row's
    text = explain_step(choice, rows[t - 1], rows[t], columns, NAMES, BOOK_ETA, t - 1)
    lines = {line.split(":")[0].strip(): line for line in text.splitlines() if ": θ = " in line}
    beyond = False
    for name in NAMES:
        match = STEP.search(lines[name])
        assert match, lines[name]
        shown, moved, reason, new = match.groups()
        theta = rows[t - 1, columns.index(name)]
        grad = rows[t - 1, columns.index(f"grad_{name}")]
        before = {
            key: rows[t - 2, columns.index(f"{key}_{name}")]
            for key in ("v", "m", "v2", "sum")
            if f"{key}_{name}" in columns and t > 1
        }
        reference = torch_float64_change(choice, BOOK_ETA, t, theta, grad, before)
        # torch's float64 state differs from the rows' float32 by one rounding
        assert abs(float(shown) - reference) <= half_unit(shown) + 3e-7 * abs(reference), (
            name,
            shown,
            reference,
        )
        theta_after = rows[t, columns.index(name)]
        actual = theta_after - theta
        assert new == number(theta_after)
        if number(actual) != shown:
            assert moved == number(actual) and reason == "float32 rounding", lines[name]
        else:
            assert moved is None, lines[name]
        beyond = beyond or abs(actual - reference) > half_unit(number(actual)) + 3e-7 * abs(
            reference
        )
    assert beyond or iterations == 1, "no parameter's float32 change differed from the update"
