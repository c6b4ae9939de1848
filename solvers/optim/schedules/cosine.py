"""cosine: torch.optim.lr_scheduler.CosineAnnealingLR with eta_min 0, T_max = t-max
(default: the run's iterations): η_t = η₀·(1 + cos(π·t/T))/2 by torch's recursion;
past T it rises again, as torch's does."""

from __future__ import annotations

import math
from collections.abc import Mapping

from solvers.core.validation import MAX_ITERATIONS
from solvers.optim.knobs import Knob
from solvers.optim.spec import Knobs, ScheduleSpec, kwarg_number


def next_eta(epoch: int, lr: float, base: float, t_max: int, knobs: Knobs) -> float:
    """CosineAnnealingLR's recursive ``get_lr`` (eta_min 0)."""
    eta_min = 0.0
    if (epoch - 1 - t_max) % (2 * t_max) == 0:
        return lr + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
    return (1 + math.cos(math.pi * epoch / t_max)) / (
        1 + math.cos(math.pi * (epoch - 1) / t_max)
    ) * (lr - eta_min) + eta_min


def script_eta(kwargs: Mapping[str, object]) -> str:
    """CosineAnnealingLR's closed form."""
    t_max, eta_min = int(kwarg_number(kwargs, "T_max")), kwarg_number(kwargs, "eta_min", 0.0)
    return f"{eta_min!r} + (eta - {eta_min!r}) * (1 + math.cos(math.pi * i / {t_max})) / 2"


SPEC = ScheduleSpec(
    name="cosine",
    summary="η to 0 along half a cosine",
    knobs=(
        Knob(
            "t-max",
            "T_max",
            None,
            1,
            MAX_ITERATIONS,
            whole=True,
            meaning="iterations from η to 0 along half a cosine (default: the run's)",
        ),
    ),
    torch_class="CosineAnnealingLR",
    next_eta=next_eta,
    script_eta=script_eta,
)
