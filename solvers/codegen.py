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
write a script without loading torch. The expression of a custom objective is
emitted from its parsed tree (:mod:`solvers.expression`) with the same torch
ops in the same order as :mod:`solvers.objectives.expression` evaluates it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

from solvers import rounding
from solvers.expression import (
    TORCH_FUNCTIONS_1,
    TORCH_FUNCTIONS_2,
    Binary,
    Call,
    Expression,
    Negate,
    Node,
    Variable,
    parse,
    postorder,
)
from solvers.optim.registry import OPTIMIZER_SPECS, SCHEDULE_SPECS
from solvers.optimizers import DTYPES
from solvers.runs import RunSettings
from solvers.specs import ProblemSpec, spec_of
from solvers.validation import SettingError

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
NESTED_HEIGHT = 24
"""An expression whose tree is at most this deep is written as one line; deeper ones
as straight-line steps (``t0 = …``), which any depth fits."""

_TORCH_1 = TORCH_FUNCTIONS_1
_TORCH_2 = TORCH_FUNCTIONS_2


@dataclass(frozen=True)
class CodeRequest:
    """Everything the script of a run depends on."""

    problem_id: str
    eta: float
    iterations: int
    device: str = "cpu"
    seed: int | None = None
    start: tuple[float, ...] | None = None
    expression: str | None = None
    """The user's objective, for a problem that is an expression (custom)."""
    param_names: tuple[str, ...] | None = None
    """Scalar names of an expression's parameters (default x, or x0 … x(dim-1))."""
    optimizer: str = PLAIN
    knobs: Mapping[str, Knob] = field(default_factory=dict)
    schedule: str | None = None
    schedule_knobs: Mapping[str, Knob] = field(default_factory=dict)
    dtype: str = "float32"
    """The tensors' dtype: float32 (the book's) or float64."""

    @classmethod
    def of(cls, problem_id: str, settings: RunSettings, **extra: object) -> CodeRequest:
        """The request for ``settings`` (a run's), plus expression/optimizer/schedule."""
        return cls(
            problem_id,
            settings.eta,
            settings.iterations,
            settings.device,
            settings.seed,
            settings.start,
            dtype=settings.dtype,
            **extra,  # type: ignore[arg-type]
        )

    @classmethod
    def for_run(cls, spec: ProblemSpec, settings: RunSettings) -> CodeRequest:
        """The request for a run of ``spec`` with ``settings``: its optimizer and schedule
        as torch.optim names them, its expression where it is your function. What has no
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
        if spec.expr is not None:
            extra.update(expression=spec.expr, param_names=spec.param_names)
        return cls.of(spec.id, settings, **extra)


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


@dataclass(frozen=True)
class _Param:
    name: str
    """The tensor's name in the script."""
    shape: tuple[int, ...]
    book_start: str | None = None
    """The book's own line for the tensor's start, where it has one (``{dtype}``: the
    run's torch dtype)."""


@dataclass(frozen=True)
class _Problem:
    """How the script sets up and evaluates one problem."""

    heading: str
    columns: tuple[str, ...]
    """The parameters' and predictions' scalar names, as the CSV header has them."""
    prediction_names: tuple[str, ...]
    params: tuple[_Param, ...]
    forward: tuple[str, ...]
    """Lines computing the objective (``objective`` names it) from the parameters."""
    objective: str
    predictions: str | None
    data: tuple[str, ...] = ()
    """Lines creating the problem's data, in float32 as gdlab holds it (``{to_dtype}``:
    ``, dtype=torch.float64`` where the run is float64, else nothing)."""
    book_draw: bool = True
    """Without a start or a seed, the start is the book's unseeded normal(0, 0.01) draw."""


def _chapter(spec: ProblemSpec) -> _Problem:
    heading = f"{spec.heading}: {spec.title}\n{spec.formula}"
    if spec.id == "1":
        return _Problem(
            heading,
            spec.param_names,
            (),
            (_Param("x", (1, 1)),),
            ("y = (x-2)**2/2",),
            "y",
            None,
        )
    if spec.id == "2":
        return _Problem(
            heading,
            spec.param_names,
            (),
            (_Param("x", (1, 2)),),
            ("y = torch.mm(x, x.t())+4*x[0,0]+5*x[0,1]+3",),
            "y",
            None,
        )
    if spec.id == "3":
        # gdlab holds the book's samples as float32 values (a float64 run widens them):
        # the script does too, so that its rows are the run's
        data = (
            "x = torch.tensor([[1.1, 4.6, 8.9], [2.3, 5.7, 10.1]], dtype=torch.float32)"
            ".to(device{to_dtype})",
            "y_target = torch.tensor([13.5700, 38.7000, 70.5100], dtype=torch.float32)"
            ".to(device{to_dtype})",
        )
        params = (
            _Param("w", (1, 2), "torch.tensor([0.001, 0.003], dtype={dtype}).unsqueeze(dim=0)"),
            _Param("b", (1,), "torch.tensor([0.005], dtype={dtype})"),
        )
        forward = (
            "y = torch.mm(w, x) + b",
            "loss = (y - y_target) ** 2 / 2",
            "sum_err = torch.sum(loss)",
        )
        return _Problem(
            heading,
            spec.param_names,
            spec.prediction_names,
            params,
            forward,
            "sum_err",
            "y",
            data,
        )
    raise ValueError(f"no script for problem {spec.id!r}")


def _literal(value: float) -> str:
    """A finite float as source text, parenthesised when negative."""
    if not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written as a literal")
    text = repr(float(value))
    return f"({text})" if text.startswith("-") else text


def _expression_lines(tree: Expression) -> tuple[str, ...]:
    """``y = …`` from the tree: the ops :class:`ExpressionObjective` runs, in its order."""
    if tree.root.constant is not None:
        raise ValueError("a constant expression has no gradient")
    nodes = postorder(tree.root)
    height: dict[int, int] = {}
    for node in nodes:
        height[id(node)] = 1 + max((height[id(c)] for c in node.children), default=0)
    nested = height[id(tree.root)] <= NESTED_HEIGHT
    text: dict[int, str] = {}
    lines: list[str] = []
    atomic: set[int] = set()

    def ref(node: Node) -> str:
        if node.constant is not None:
            return _literal(node.constant)
        shown = text[id(node)]
        return shown if id(node) in atomic or not nested else f"({shown})"

    def full_like(node: Node, like: Node) -> str:
        if node.constant is not None:
            return f"torch.full_like({ref(like)}, {_literal(node.constant)})"
        return ref(node)

    for node in nodes:
        if node.constant is not None:
            continue
        call = False
        if isinstance(node, Variable):
            expr, call = f"x[{node.position}]", True
        elif isinstance(node, Negate):
            expr = f"-{ref(node.operand)}"
        elif isinstance(node, Binary):
            left, right = node.left, node.right
            if node.op == "**" and right.constant is None:
                expr, call = f"torch.pow({ref(left)}, {ref(right)})", True
            else:
                expr = f"{ref(left)} {node.op} {ref(right)}"
        elif isinstance(node, Call) and node.name in _TORCH_1:
            expr, call = f"{_TORCH_1[node.name]}({ref(node.args[0])})", True
        elif isinstance(node, Call) and node.name in _TORCH_2:
            a, b = node.args
            expr, call = f"{_TORCH_2[node.name]}({full_like(a, b)}, {full_like(b, a)})", True
        else:  # pragma: no cover - the parser accepts nothing else
            raise ValueError(f"cannot write {node!r}")
        if nested:
            text[id(node)] = expr
            if call:
                atomic.add(id(node))
        else:
            name = f"t{len(lines)}"
            lines.append(f"{name} = {expr}")
            text[id(node)] = name
    if nested:
        return (f"y = {text[id(tree.root)]}",)
    lines.append(f"y = {text[id(tree.root)]}")
    return tuple(lines)


def _custom(request: CodeRequest) -> _Problem:
    if request.expression is None:
        raise ValueError(f"problem {request.problem_id!r} needs its expression")
    tree = parse(request.expression)
    if request.param_names is not None:
        names = request.param_names
    else:
        dim = len(request.start) if request.start is not None else tree.dimension
        names = tuple(f"x{k}" for k in range(dim)) if tree.is_vector else ("x",)
    tree.check_dimension(len(names))
    heading = f"Your function: y = {request.expression}"
    return _Problem(
        heading,
        names,
        (),
        (_Param("x", (len(names),)),),
        _expression_lines(tree),
        "y",
        None,
    )


def _shape_text(shape: tuple[int, ...]) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"


def _nested(values: list[float], shape: tuple[int, ...]) -> str:
    """``values`` as a nested list literal of ``shape``."""
    if len(shape) <= 1:
        return "[" + ", ".join(repr(float(v)) for v in values) + "]"
    step = len(values) // shape[0]
    inner = [_nested(values[k * step : (k + 1) * step], shape[1:]) for k in range(shape[0])]
    return "[" + ", ".join(inner) + "]"


def _size(shape: tuple[int, ...]) -> int:
    return math.prod(shape)


def _torch_dtype(request: CodeRequest) -> str:
    """The request's dtype as the script names it: ``torch.float32`` or ``torch.float64``."""
    if request.dtype not in DTYPES:
        raise ValueError(f"{request.dtype!r} is not a dtype; expected {', '.join(DTYPES)}")
    return f"torch.{request.dtype}"


def _start_lines(request: CodeRequest, problem: _Problem, spec: ProblemSpec | None) -> list[str]:
    dtype = _torch_dtype(request)
    lines: list[str] = []
    params = problem.params
    book_start = spec.book_start if spec is not None else None
    if request.start is not None:
        values = [float(v) for v in request.start]
        if len(values) != sum(_size(p.shape) for p in params):
            raise ValueError(f"the start needs {len(problem.columns)} values, got {len(values)}")
        offset = 0
        for p in params:
            part = values[offset : offset + _size(p.shape)]
            offset += _size(p.shape)
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


def _device_line(device: str) -> str:
    text = device.strip().lower()
    if text == "auto":
        return (
            "device = torch.device('cuda' if torch.cuda.is_available() else "
            "'mps' if torch.backends.mps.is_available() else 'cpu')"
        )
    return f"device = torch.device({text!r})"


def _kwargs(knobs: Mapping[str, Knob]) -> str:
    for name in knobs:
        if not name.isidentifier():
            raise ValueError(f"{name!r} is not a keyword argument")
    return "".join(f", {name}={value!r}" for name, value in knobs.items())


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
    spec: ProblemSpec | None = None
    if request.expression is not None:
        problem = _custom(request)
    else:
        spec = spec_of(request.problem_id)
        problem = _chapter(spec)
    if request.optimizer != PLAIN and request.optimizer not in OPTIMIZERS:
        raise ValueError(
            f"{request.optimizer!r} is not an optimizer; expected "
            + ", ".join((PLAIN, *OPTIMIZERS))
        )
    if request.schedule is not None and request.schedule not in SCHEDULES:
        raise ValueError(f"{request.schedule!r} is not a schedule; expected {', '.join(SCHEDULES)}")
    dtype = _torch_dtype(request)
    params = [p.name for p in problem.params]
    grads = [f"grad_{n}" for n in problem.columns]
    header = ",".join(
        ("iteration", *problem.columns, "objective", *grads, *problem.prediction_names)
    )
    draws = request.start is None and (spec is None or spec.book_start is None)
    row_parts = [*params, problem.objective, *(f"{n}.grad" for n in params)]
    if problem.predictions is not None:
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
        + (", the predictions." if problem.predictions is not None else ".")
    )
    out.extend(textwrap.wrap(agreement(request), 84))
    add('"""')
    add("")
    add("import math")
    add("import os")
    add("")
    add(
        f'os.environ.setdefault("{rounding.VARIABLE}", "{rounding.VALUE}")'
        "  # MKL rounds alike on every x86 CPU, as in gdlab"
    )
    add("")
    if draws:
        add("import numpy as np")
    add("import torch")
    add("")
    add(_device_line(request.device))
    add("")
    if problem.data:
        widen = request.dtype != "float32"
        if widen:
            add(f"# the book's samples as gdlab holds them: float32 values, in {request.dtype}")
        to_dtype = f", dtype={dtype}" if widen else ""
        out.extend(line.format(to_dtype=to_dtype) for line in problem.data)
        add("")
    out.extend(_start_lines(request, problem, spec))
    add("")
    add(f"eta = {float(request.eta)!r}")
    if request.optimizer != PLAIN:
        cls, defaults = OPTIMIZERS[request.optimizer]
        knobs = {**defaults, **request.knobs}
        add(f"optimizer = torch.optim.{cls}([{', '.join(params)}], lr=eta{_kwargs(knobs)})")
        if request.schedule is not None:
            add(
                f"scheduler = torch.optim.lr_scheduler.{SCHEDULES[request.schedule]}"
                f"(optimizer{_kwargs(request.schedule_knobs)})"
            )
    add("")
    add("")
    add("def row(i, *tensors):")
    add(f'    """One CSV line: the iteration, then each number of the tensors, {request.dtype}."""')
    add("    values = [v for t in tensors for v in t.detach().reshape(-1).tolist()]")
    add("    if not all(map(math.isfinite, values)):")
    add("        raise SystemExit(f'diverged at iteration {i}')")
    add("    print(f'{i},' + ','.join(repr(v) for v in values))")
    add("")
    add("")
    add(f"print({header!r})")
    add(f"for i in range({int(request.iterations)}):")
    body = out.append
    for line in problem.forward:
        body("    " + line)
    body(f"    {problem.objective}.backward()")
    body(f"    row(i, {', '.join(row_parts)})  # before the update, as the book prints")
    if request.optimizer == PLAIN:
        scheduled = _schedule_lr(request)
        lr = "eta" if scheduled is None else "lr"
        if scheduled is not None:
            body(f"    lr = {scheduled}")
        for name in params:
            body(f"    {name}.data -= {lr}*{name}.grad")
        for name in params:
            body(f"    {name}.grad.data.zero_()")
    else:
        body("    optimizer.step()")
        if request.schedule is not None:
            body("    scheduler.step()")
        body("    optimizer.zero_grad()")
    return "\n".join(out) + "\n"


COMPILED_FROM = 2000
"""A run of at least this many iterations is compiled (solvers.descent.SCRIPT_FROM, which
imports torch; tests/test_codegen.py checks they agree)."""


def agreement(request: CodeRequest) -> str:
    """How the script's rows compare with ``gdlab run --format csv``'s for the same run,
    said so that it holds for every run the request can describe: the same columns
    where the run records no more; the run's rows up to its divergence."""
    extra = []
    if request.optimizer != PLAIN:
        extra.append(f"{request.optimizer}'s step and state columns")
    if request.schedule is not None:
        extra.append("the eta column")
    columns, also = ("the rows", "")
    if extra:
        columns, also = "the first columns of the rows", f" (which also has {' and '.join(extra)})"
    compiled = ""
    if request.expression is not None and request.iterations >= COMPILED_FROM:
        compiled = (
            f" (a run of your function of {COMPILED_FROM:,} iterations or more is compiled,"
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
