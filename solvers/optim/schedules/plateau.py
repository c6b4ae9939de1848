"""plateau: torch.optim.lr_scheduler.ReduceLROnPlateau (mode min), η·factor after
patience iterations without a 0.01 % better f. It needs f of every iteration, so the
rule steps it inside the chunk (:mod:`solvers.optim.rules.scheduled`); a script has no
closed form to write."""

from __future__ import annotations

from solvers.core.validation import MAX_ITERATIONS
from solvers.optim.knobs import Knob
from solvers.optim.spec import ScheduleSpec

PLATEAU_THRESHOLD = 1e-4
"""ReduceLROnPlateau's defaults that gdlab keeps: threshold (rel), cooldown 0,
min_lr 0, eps 1e-8."""
PLATEAU_EPS = 1e-8

SPEC = ScheduleSpec(
    name="plateau",
    summary="η·factor when f stops falling",
    knobs=(
        Knob(
            "patience",
            "patience",
            10,
            0,
            MAX_ITERATIONS,
            whole=True,
            meaning="iterations without a 0.01 % better f before η is cut",
        ),
        Knob(
            "factor",
            "factor",
            0.1,
            0.0,
            1.0,
            lo_open=True,
            hi_open=True,
            meaning="η's factor at each cut",
        ),
    ),
    torch_class="ReduceLROnPlateau",
    in_chunk=True,
)
