"""armijo: backtracking line search, η halved until f falls enough (gdlab's own; no
torch.optim class). c = 1e-4, halving, the next iteration starting from 2η."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from solvers.optim.plain import step as plain_step
from solvers.optim.spec import Knobs, OptimizerSpec


def halvings(
    knobs: Knobs,
    t: int,
    eta: float,
    column: Callable[[str], float | None],
    number: Callable[[float], str],
) -> tuple[str, ...]:
    """How often η was halved this step, and what the next step tries."""
    halved = column("halvings") or 0.0
    return (
        f"η halved {int(halved)} time(s) until f fell by c·η·‖g‖² (c = 1e-4); "
        f"the next step tries 2η = {number(2 * eta)}",
    )


def step(
    knobs: Knobs, t: int, eta: float, theta: float, grad: float, state: Mapping[str, float]
) -> float:
    """−η·g with the η the search took."""
    return plain_step(knobs, t, eta, theta, grad, state)


SPEC = OptimizerSpec(
    name="armijo",
    summary="backtracking line search: halve η until f falls enough",
    knobs=(),
    rule="solvers.optim.rules.armijo",
    formula=(
        ("try η; while f(θ − η·g) > f(θ) − c·η·‖g‖²: η ← η/2   (c = 1e-4)   [eta, halvings]", None),
        ("θ ← θ − η·g   [step]; the next iteration starts from 2η", None),
    ),
    step=step,
    no_script="gdlab's own line search, with no torch.optim loop to write",
    adaptive=True,
    chooses_eta=True,
    along_gradient=True,
    notes=halvings,
    instead=(
        "the line search halves η until f falls enough",
        "Armijo: from the η typed, then from twice the last one taken; the step is not η·g "
        "for the η typed",
    ),
)
