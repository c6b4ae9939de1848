"""constant: η fixed (no scheduler)."""

from __future__ import annotations

from solvers.optim.spec import ScheduleSpec

SPEC = ScheduleSpec(name="constant", summary="η fixed", knobs=())
