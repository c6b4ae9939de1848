"""The standalone PyTorch script of a run, written in the book's style: just text.

:func:`script` writes a script that does exactly what a gdlab run does (the
problem or the user's expression, η, iterations, device, seed or start values,
the update rule and its knobs, a schedule) with nothing but torch and numpy,
as the book writes its loops: ``requires_grad_``, ``backward()``, the update
on ``.data``, the gradient zeroed; or the ``torch.optim`` loop where an
optimizer is chosen. Run with plain ``python``, it prints the rows ``gdlab run
--format csv`` prints for the same run, character for character on the CPU:
parameters before the update, objective, gradient, predictions, each number as
``repr(float)`` of the value in the run's dtype (float32, the book's, or float64:
every tensor the script creates is created in it).

This module imports neither torch nor numpy: the CLI and the app's code screen
write a script without loading torch. Each chapter writes the script's setup and
objective (its ``script`` method, solvers/chapters/); this module writes the rest.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

from solvers.chapters.base import ModelScript, ScriptTemplate
from solvers.chapters.registry import chapter_for
from solvers.core.specs import ProblemSpec, records_predictions
from solvers.core.validation import SettingError
from solvers.optim.choices import DTYPES
from solvers.optim.registry import OPTIMIZER_SPECS, SCHEDULE_SPECS
from solvers.records.batch_script import (
    HEADER_TAIL,
    ROW_END,
    batch_of,
    forward_lines,
    model_batch,
    setup_lines,
)
from solvers.records.model_script import (
    ModelParts,
    device_line,
    imports,
    kwargs,
    update_lines,
    write,
)
from solvers.run.settings import RunSettings

Knob = float | int | bool | tuple[float, ...]
"""A value of an optimizer's or a schedule's keyword argument."""

PLAIN = "plain"
OPTIMIZERS: dict[str, tuple[str, dict[str, Knob]]] = {
    name: (spec.torch_class, dict(spec.script_defaults))
    for name, spec in OPTIMIZER_SPECS.items()
    if spec.torch_class is not None
}
"""Update rules other than the book's: torch.optim class, and knobs it needs by default
(torch.optim's own names; what a request gives replaces them)."""
SCHEDULES: dict[str, str] = {
    name: spec.torch_class
    for name, spec in SCHEDULE_SPECS.items()
    if spec.torch_class is not None and spec.script_eta is not None
}
"""Schedules of η: the torch.optim.lr_scheduler class each name stands for."""


@dataclass(frozen=True)
class CodeRequest:
    """Everything the script of a run depends on."""

    spec: ProblemSpec
    """The problem: its chapter writes the script's setup and objective."""
    eta: float
    iterations: int
    device: str = "cpu"
    seed: int | None = None
    start: tuple[float, ...] | None = None
    optimizer: str = PLAIN
    knobs: Mapping[str, Knob] = field(default_factory=dict)
    schedule: str | None = None
    schedule_knobs: Mapping[str, Knob] = field(default_factory=dict)
    dtype: str = "float32"
    """The tensors' dtype: float32 (the book's) or float64."""
    batch_size: int | None = None
    """Data rows per iteration (solvers/run/batches.py); None: every row."""

    @classmethod
    def of(cls, spec: ProblemSpec, settings: RunSettings, **extra: object) -> CodeRequest:
        """The request for ``settings`` (a run's), plus optimizer/schedule."""
        return cls(
            spec,
            settings.eta,
            settings.iterations,
            settings.device,
            settings.seed,
            settings.start,
            dtype=settings.dtype,
            batch_size=settings.batch_size,
            **extra,  # type: ignore[arg-type]
        )

    @classmethod
    def for_run(cls, spec: ProblemSpec, settings: RunSettings) -> CodeRequest:
        """The request for a run of ``spec`` with ``settings``: its optimizer and schedule
        as torch.optim names them. What has no
        torch.optim loop to write (armijo, plateau) is refused with a SettingError, as
        ``gdlab code`` refuses it."""
        optimizer = settings.optimizer.name
        if optimizer != PLAIN and optimizer not in OPTIMIZERS:
            why = OPTIMIZER_SPECS[optimizer].no_script or "not a torch.optim class"
            raise SettingError(
                "optimizer",
                f"{optimizer} is {why}; gdlab code writes {', '.join((PLAIN, *OPTIMIZERS))}",
            )
        knobs = {} if optimizer == PLAIN else dict(settings.optimizer.torch_kwargs)
        schedule, schedule_knobs = _torch_schedule(settings)
        extra: dict[str, object] = {
            "optimizer": optimizer,
            "knobs": knobs,
            "schedule": schedule,
            "schedule_knobs": schedule_knobs,
        }
        return cls.of(spec, settings, **extra)


def _torch_schedule(settings: RunSettings) -> tuple[str | None, dict[str, Knob]]:
    """The schedule as torch.optim.lr_scheduler names it, for the script."""
    schedule = settings.schedule
    if schedule.name == "constant":
        return None, {}
    if schedule.name not in SCHEDULES:
        raise SettingError(
            "schedule",
            f"{schedule.name} has no closed form the script could write; "
            f"gdlab code writes {', '.join(SCHEDULES)} or constant",
        )
    names = {"step-size": "step_size", "gamma": "gamma", "t-max": "T_max"}
    knobs: dict[str, Knob] = {names[k]: v for k, v in schedule.values.items() if v is not None}
    if schedule.name == "cosine" and "T_max" not in knobs:
        knobs["T_max"] = settings.iterations  # the run's own default
    return schedule.name, knobs


def _shape_text(shape: tuple[int, ...]) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"


def _nested(values: list[float], shape: tuple[int, ...]) -> str:
    """``values`` as a nested list literal of ``shape``."""
    if len(shape) <= 1:
        return "[" + ", ".join(repr(float(v)) for v in values) + "]"
    step = len(values) // shape[0]
    inner = [_nested(values[k * step : (k + 1) * step], shape[1:]) for k in range(shape[0])]
    return "[" + ", ".join(inner) + "]"


def _torch_dtype(request: CodeRequest) -> str:
    """The request's dtype as the script names it: ``torch.float32`` or ``torch.float64``."""
    if request.dtype not in DTYPES:
        raise ValueError(f"{request.dtype!r} is not a dtype; expected {', '.join(DTYPES)}")
    return f"torch.{request.dtype}"


def _start_lines(request: CodeRequest, problem: ScriptTemplate) -> list[str]:
    dtype = _torch_dtype(request)
    lines: list[str] = []
    params = problem.params
    book_start = request.spec.book_start
    book_lines = all(p.book_start is not None for p in params)
    start = request.start if request.start is not None or book_lines else book_start
    if start is not None:
        values = [float(v) for v in start]
        if len(values) != sum(math.prod(p.shape) for p in params):
            raise ValueError(f"the start needs {len(problem.columns)} values, got {len(values)}")
        offset = 0
        for p in params:
            part = values[offset : offset + math.prod(p.shape)]
            offset += math.prod(p.shape)
            lines.append(
                f"{p.name} = torch.tensor({_nested(part, p.shape)}, dtype={dtype}).to(device)"
            )
    elif book_start is not None:
        lines.extend(
            f"{p.name} = {(p.book_start or '').format(dtype=dtype)}.to(device)" for p in params
        )
    else:
        if request.seed is not None:
            lines.append(f"np.random.seed({int(request.seed)})  # the start is reproducible")
        for p in params:
            lines.append(
                f"{p.name} = torch.tensor(np.random.normal(0, 0.01, {_shape_text(p.shape)}), "
                f"dtype={dtype}).to(device)"
            )
    for p in params:
        lines.append(f"{p.name}.requires_grad_(requires_grad=True)")
    return lines


def _schedule_lr(request: CodeRequest) -> str | None:
    """η at iteration ``i`` under the schedule, in Python (for the book's loop), as
    torch.optim.lr_scheduler's closed forms write it."""
    if request.schedule is None:
        return None
    spec = SCHEDULE_SPECS.get(request.schedule)
    script_eta = spec.script_eta if spec is not None else None
    if script_eta is None:
        raise ValueError(f"{request.schedule!r} is not a schedule; expected {', '.join(SCHEDULES)}")
    return script_eta(request.schedule_knobs)


def script(request: CodeRequest) -> str:
    """The standalone script of ``request``'s run (see the module docstring)."""
    if request.optimizer != PLAIN and request.optimizer not in OPTIMIZERS:
        raise ValueError(
            f"{request.optimizer!r} is not an optimizer; expected "
            + ", ".join((PLAIN, *OPTIMIZERS))
        )
    if request.schedule is not None and request.schedule not in SCHEDULES:
        raise ValueError(f"{request.schedule!r} is not a schedule; expected {', '.join(SCHEDULES)}")
    model = chapter_for(request.spec).model_script(request.spec)
    if model is not None:
        return _model_script(request, model, model_batch(request.batch_size, model.rows))
    problem = chapter_for(request.spec).script(request.spec)
    dtype = _torch_dtype(request)
    params = [p.name for p in problem.params]
    grads = [f"grad_{n}" for n in problem.columns]
    # the rows hold predictions as a run's do: only for a few samples
    predicted = problem.predictions is not None and records_predictions(
        len(problem.prediction_names)
    )
    shown = problem.prediction_names if predicted else ()
    batch = batch_of(request.batch_size, problem)
    header = ",".join(("iteration", *problem.columns, "objective", *grads, *shown))
    if batch is not None:
        header += HEADER_TAIL
    draws = request.start is None and request.spec.book_start is None
    objective = problem.objective if batch is None else problem.batch_objective
    row_parts = [*params, objective, *(f"{n}.grad" for n in params)]
    if predicted and problem.predictions is not None:
        row_parts.append(problem.predictions)

    out: list[str] = []
    add = out.append
    add('"""' + problem.heading.replace("\n", "\n    ").replace('"""', "'''"))
    add("")
    add(_summary(request))
    add("")
    add("Written by gdlab (`gdlab code`). Run it with python: it prints one CSV line per")
    add(
        "iteration: the parameters before the update, the objective, the gradient"
        + (", the predictions" if predicted else "")
        + (", the epoch, the objective on every row." if batch is not None else ".")
    )
    out.extend(textwrap.wrap(agreement(request), 84))
    add('"""')
    add("")
    out.extend(imports(numpy=draws))
    add("")
    add(device_line(request.device))
    add("")
    if problem.data:
        widen = request.dtype != "float32"
        if widen:
            add(f"# the book's samples as gdlab holds them: float32 values, in {request.dtype}")
        to_dtype = f", dtype={dtype}" if widen else ""
        out.extend(line.format(to_dtype=to_dtype) for line in problem.data)
        add("")
    out.extend(_start_lines(request, problem))
    add("")
    add(f"eta = {float(request.eta)!r}")
    if request.optimizer != PLAIN:
        cls, defaults = OPTIMIZERS[request.optimizer]
        knobs = {**defaults, **request.knobs}
        add(f"optimizer = torch.optim.{cls}([{', '.join(params)}], lr=eta{kwargs(knobs)})")
        if request.schedule is not None:
            add(
                f"scheduler = torch.optim.lr_scheduler.{SCHEDULES[request.schedule]}"
                f"(optimizer{kwargs(request.schedule_knobs)})"
            )
    add("")
    add("")
    add("def row(i, *tensors, end=''):")
    add(f'    """One CSV line: the iteration, then each number of the tensors, {request.dtype}."""')
    add("    values = [v for t in tensors for v in t.detach().reshape(-1).tolist()]")
    add("    if not all(map(math.isfinite, values)):")
    add("        raise SystemExit(f'diverged at iteration {i}')")
    add("    print(f'{i},' + ','.join(repr(v) for v in values) + end)")
    add("")
    add("")
    if batch is not None:
        scaled = "each batch's summed loss is scaled by N / B"
        out.extend(setup_lines(request.seed, problem.sample_count, batch, scaled))
    add(f"print({header!r})")
    add(f"for i in range({int(request.iterations)}):")
    body = out.append
    if batch is None:
        for line in problem.forward:
            body("    " + line)
        end = ""
    else:
        out.extend(forward_lines(problem))
        end = ROW_END
    body(f"    {objective}.backward()")
    body(f"    row(i, {', '.join(row_parts)}{end})  # before the update, as the book prints")
    book = None
    if request.optimizer == PLAIN:
        book = tuple(f"{name}.data -= {{lr}}*{name}.grad" for name in params) + tuple(
            f"{name}.grad.data.zero_()" for name in params
        )
    plain_lr = _schedule_lr(request) if book is not None else None
    out.extend(update_lines(book, plain_lr, request.schedule is not None))
    return "\n".join(out) + "\n"


def _model_script(request: CodeRequest, model: ModelScript, batch: int | None) -> str:
    """A network's script (solvers/records/model_script.py), with this run's parts."""
    from solvers.run.blocks import norm_blocks

    optimizer = scheduler = None
    if request.optimizer != PLAIN:
        cls, defaults = OPTIMIZERS[request.optimizer]
        optimizer = f"torch.optim.{cls}(params, lr=eta{kwargs({**defaults, **request.knobs})})"
        if request.schedule is not None:
            kind, knobs = SCHEDULES[request.schedule], kwargs(request.schedule_knobs)
            scheduler = f"torch.optim.lr_scheduler.{kind}(optimizer{knobs})"
    parts = ModelParts(
        _summary(request),
        tuple(textwrap.wrap(agreement(request), 84)),
        device_line(request.device),
        _torch_dtype(request).removeprefix("torch."),
        request.seed,
        request.start,
        request.eta,
        request.iterations,
        optimizer,
        scheduler,
        _schedule_lr(request) if request.optimizer == PLAIN else None,
        batch,
    )
    header = tuple(b.name for b in norm_blocks(request.spec.param_tensors))
    return write(model, parts, header)


COMPILED_FROM = 2000
"""A run of at least this many iterations is compiled (solvers.run.descent.SCRIPT_FROM, which
imports torch; tests/test_codegen.py checks they agree)."""


def agreement(request: CodeRequest) -> str:
    """How the script's rows compare with ``gdlab run --format csv``'s for the same run,
    said so that it holds for every run the request can describe: the same columns
    where the run records no more, else its columns of the same names (a minibatch
    run's epoch columns come after the state's); the run's rows up to its divergence."""
    extra = []  # a network's rows hold norms only: no step, state or η columns
    if request.optimizer != PLAIN and not request.spec.norms_only:
        extra.append(f"{request.optimizer}'s step and state columns")
    if request.schedule is not None and not request.spec.norms_only:
        extra.append("the eta column")
    columns, also = ("the rows", "")
    if extra:
        columns = "the columns of the same names in the rows"
        also = f" (which also has {' and '.join(extra)})"
    compiled = ""
    exact = chapter_for(request.spec).script_exact_when_compiled
    if not exact and request.iterations >= COMPILED_FROM:
        compiled = (
            f" (a run of {COMPILED_FROM:,} iterations or more is compiled,"
            " and may differ in the last digit)"
        )
    return (
        f"These are {columns} that `gdlab run --format csv` prints for the same run{also},"
        f" on the CPU to the last digit{compiled}, as long as the run does not diverge. A run"
        " ends before the first row where gdlab finds it diverging; the script ends only"
        " at a number that is not finite, so it prints the run's rows and may print more."
    )


def _summary(request: CodeRequest) -> str:
    parts = [f"η = {float(request.eta)!r}", f"{request.iterations:,} iterations"]
    parts.append(f"device {request.device}")
    if request.dtype != "float32":
        parts.append(request.dtype)
    if request.start is not None:
        parts.append("start " + ", ".join(repr(float(v)) for v in request.start))
    elif request.seed is not None:
        parts.append(f"seed {request.seed}")
    if request.optimizer != PLAIN:
        knobs = {**OPTIMIZERS[request.optimizer][1], **request.knobs}
        shown = ", ".join(f"{k}={v!r}" for k, v in knobs.items())
        parts.append(f"optimizer {request.optimizer}" + (f" ({shown})" if shown else ""))
    else:
        parts.append("plain gradient descent (the book's update)")
    if request.schedule is not None:
        shown = ", ".join(f"{k}={v!r}" for k, v in request.schedule_knobs.items())
        parts.append(f"schedule {request.schedule} ({shown})")
    return "; ".join(parts) + "."
