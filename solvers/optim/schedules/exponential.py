"""exponential: torch.optim.lr_scheduler.ExponentialLR, η·γ every iteration.

ExponentialLR's gamma has no default in torch; gdlab's is 0.999.
"""

from __future__ import annotations

from collections.abc import Mapping

from solvers.optim.knobs import Knob
from solvers.optim.spec import Knobs, ScheduleSpec, kwarg_number


def next_eta(epoch: int, lr: float, base: float, t_max: int, knobs: Knobs) -> float:
    """ExponentialLR's ``get_lr``."""
    return lr * float(knobs["gamma"])  # type: ignore[arg-type]


def script_eta(kwargs: Mapping[str, object]) -> str:
    """ExponentialLR's closed form."""
    return f"eta * {kwarg_number(kwargs, 'gamma')!r} ** i"


SPEC = ScheduleSpec(
    name="exponential",
    summary="η·γ every iteration",
    knobs=(
        Knob(
            "gamma", "gamma", 0.999, 0.0, 1.0, lo_open=True, meaning="γ: η's factor per iteration"
        ),
    ),
    torch_class="ExponentialLR",
    next_eta=next_eta,
    script_eta=script_eta,
)
