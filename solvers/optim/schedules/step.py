"""step: torch.optim.lr_scheduler.StepLR, η·γ every step-size iterations.

StepLR's step_size has no default in torch; gdlab's is 1000.
"""

from __future__ import annotations

from collections.abc import Mapping

from solvers.core.validation import MAX_ITERATIONS
from solvers.optim.knobs import Knob
from solvers.optim.spec import Knobs, ScheduleSpec, kwarg_number


def next_eta(epoch: int, lr: float, base: float, t_max: int, knobs: Knobs) -> float:
    """StepLR's ``get_lr``."""
    step_size = int(knobs["step-size"])  # type: ignore[arg-type]
    gamma = float(knobs["gamma"])  # type: ignore[arg-type]
    if epoch == 0 or epoch % step_size != 0:
        return lr
    return lr * gamma


def script_eta(kwargs: Mapping[str, object]) -> str:
    """StepLR's closed form."""
    step_size = int(kwarg_number(kwargs, "step_size"))
    return f"eta * {kwarg_number(kwargs, 'gamma', 0.1)!r} ** (i // {step_size})"


SPEC = ScheduleSpec(
    name="step",
    summary="η·γ every step-size iterations",
    knobs=(
        Knob(
            "step-size",
            "step_size",
            1000,
            1,
            MAX_ITERATIONS,
            whole=True,
            meaning="every this many iterations η is multiplied by γ",
        ),
        Knob("gamma", "gamma", 0.1, 0.0, 1.0, lo_open=True, meaning="γ: η's factor per step"),
    ),
    torch_class="StepLR",
    next_eta=next_eta,
    script_eta=script_eta,
)
