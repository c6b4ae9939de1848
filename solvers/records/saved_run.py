"""A run as JSON can carry it: what it needs to be repeated, without torch.

``gdlab run --format json`` writes these settings first, so ``gdlab run --from
FILE`` can read them back from the head of the file, however many rows follow,
and repeat the run: the start values are written as they were used (drawn from
the seed or given), as exact JSON floats, so the repeat is bit for bit on the CPU.
A network's drawn start (torch.nn's init after the seed; its rows list no
parameters, ``spec.norms_only``) is written as null: the seed draws it again, and
the settings stay small however many parameters the network has.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from solvers.chapters.registry import chapter_for, chapter_of
from solvers.core.specs import ProblemSpec
from solvers.core.validation import SettingError
from solvers.optim.choices import CONSTANT, PLAIN, OptimizerChoice, ScheduleChoice
from solvers.run.settings import RunSettings

HEAD_BYTES = 1 << 20
"""The settings sit at the head of the file: no more than this is read to find them."""
FORMAT = 1


@dataclass(frozen=True)
class SavedRun:
    """A run's problem and settings, as a JSON file records them."""

    spec: ProblemSpec
    settings: RunSettings


def record(
    spec: ProblemSpec, settings: RunSettings, seed: int, start: tuple[float, ...]
) -> dict[str, Any]:
    """The JSON object that repeats a run: the chapter and its input values, η,
    iterations, device, seed, and the start values as they were used (null for a
    network's start drawn from the seed, which the seed reproduces)."""
    return {
        "format": FORMAT,
        "problem": spec.id,
        **chapter_for(spec).values(spec),
        "eta": settings.eta,
        "iterations": settings.iterations,
        "device": settings.device,
        "seed": seed,
        "start": None if _seed_draws_it(spec, settings) else list(start),
        "optimizer": {"name": settings.optimizer.name, "knobs": settings.optimizer.values},
        "schedule": {"name": settings.schedule.name, "knobs": settings.schedule.values},
        "dtype": settings.dtype,
        "batch_size": settings.batch_size,
    }


def _seed_draws_it(spec: ProblemSpec, settings: RunSettings) -> bool:
    """Whether the record leaves the start to the seed: a network's drawn start
    (thousands of values; a given start is written as given)."""
    return spec.norms_only and settings.start is None


def _refuse(path: str, why: str) -> SettingError:
    shown = path if len(path) <= 60 else "…" + path[-60:]
    return SettingError(
        "from", f"{shown!r} {why}; expected a file written by gdlab run --format json"
    )


def read(path: str) -> SavedRun:
    """The run recorded in ``path``; a SettingError (field "from") says what is wrong."""
    try:
        with open(path, encoding="utf-8") as stream:
            head = stream.read(HEAD_BYTES)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "is not UTF-8 text"
        raise _refuse(path, f"cannot be read ({reason})") from None
    key = head.find('"settings"')
    colon = head.find(":", key)
    if key < 0 or colon < 0:
        raise _refuse(path, "has no settings")
    index = colon + 1
    while index < len(head) and head[index] in " \t\r\n":
        index += 1
    try:
        data, _ = json.JSONDecoder().raw_decode(head, index)
    except ValueError:
        raise _refuse(path, "has unreadable settings") from None
    return from_record(data, path)


def _choice(kind: Any, saved: Any, default: Any) -> Any:
    """An optimizer or schedule choice from its JSON form (lists back to tuples)."""
    if saved is None:
        return default
    knobs = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in dict(saved.get("knobs", {})).items()
    }
    return kind(str(saved["name"]), knobs)


def from_record(data: Any, path: str = "settings") -> SavedRun:
    """Check a settings object field by field, with the CLI's own rules."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _refuse(path, "has settings of an unknown format")
    try:
        saved_start = data["start"]
        seed = data["seed"]
        if saved_start is None and not isinstance(seed, int):
            raise ValueError  # nothing would draw the same start
        start = None if saved_start is None else tuple(float(v) for v in saved_start)
        if start is not None and not all(math.isfinite(v) for v in start):
            raise ValueError
        settings = RunSettings(
            eta=float(data["eta"]),
            iterations=data["iterations"],
            device=str(data["device"]),
            seed=seed if isinstance(seed, int) else None,
            start=start,
            optimizer=_choice(OptimizerChoice, data.get("optimizer"), PLAIN),
            schedule=_choice(ScheduleChoice, data.get("schedule"), CONSTANT),
            dtype=str(data.get("dtype", "float32")),
            batch_size=data.get("batch_size"),
        )
        chapter = chapter_of(str(data["problem"]))
        values: dict[str, str] = {}
        for given in chapter.inputs:
            value = data.get(given.name)
            if value is None:
                continue  # an input added since the run was saved: its default
            if not isinstance(value, str):
                raise ValueError
            values[given.name] = value
        spec = chapter.spec(values, start, settings.eta, settings.iterations)
    except SettingError as error:
        raise _refuse(path, f"has a bad {error}") from None
    except (KeyError, TypeError, ValueError):
        raise _refuse(path, "has incomplete settings") from None
    return SavedRun(spec, settings)
