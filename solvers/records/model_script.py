"""The standalone script of a network's run (chapter 4): ``torch.nn.Sequential``,
``torch.nn.MSELoss`` and ``torch.optim``, just text.

It prints the rows ``gdlab run 4 --format csv`` prints: the loss, ‖∇f‖, each
parameter tensor's gradient norm, then each tensor's norm (before the update),
computed with the ops the run's chunk uses (solvers/run/engine.py), with one
intra-op thread as gdlab runs a network (a thread count splits reductions, and so
their last bits, differently). :mod:`solvers.records.codegen` fills in the parts
every script shares (the optimizer, the device, the summary).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from solvers.chapters.base import ModelScript
from solvers.core import rounding
from solvers.records.batch_script import setup_lines
from solvers.run.batch_columns import COLUMNS as BATCH_COLUMNS


@dataclass(frozen=True)
class ModelParts:
    """What the network's script takes from the run's request (codegen writes them)."""

    summary: str
    agreement: tuple[str, ...]
    device_line: str
    dtype: str
    """The run's dtype: float32 or float64."""
    seed: int | None
    start: tuple[float, ...] | None
    eta: float
    iterations: int
    optimizer: str | None
    """``torch.optim.Adam(params, lr=eta, …)``; None: the book's update on ``.data``."""
    scheduler: str | None
    plain_lr: str | None
    """η at iteration ``i`` for the book's update under a schedule (None: ``eta``)."""
    batch: int | None = None
    """Rows an iteration where it takes minibatches (B < N), else None: every row."""


def write(model: ModelScript, parts: ModelParts, header: tuple[str, ...]) -> str:
    """The script (see the module docstring); ``header``: the CSV's column names."""
    widen = parts.dtype != "float32"
    to_dtype = f", dtype=torch.{parts.dtype}" if widen else ""
    out: list[str] = []
    add = out.append
    add('"""' + model.heading.replace("\n", "\n    ").replace('"""', "'''"))
    add("")
    add(parts.summary)
    add("")
    add("Written by gdlab (`gdlab code`). Run it with python: it prints one CSV line per")
    add("iteration: the loss, ‖∇f‖, each tensor's gradient norm, then each tensor's norm,")
    add("before the update.")
    out.extend(parts.agreement)
    add('"""')
    add("")
    out.extend(imports())
    add("")
    add("torch.set_num_threads(1)  # one intra-op thread, as gdlab runs a network")
    add(parts.device_line)
    add("")
    out.extend(line.format(to_dtype=to_dtype) for line in model.data)
    add("")
    if parts.seed is not None:
        add(f"torch.manual_seed({int(parts.seed)})  # the start: torch.nn's default init")
    add("model = torch.nn.Sequential(")
    out.extend(f"    {layer}," for layer in model.layers)
    add(f").to(device{to_dtype})")
    if parts.start is not None:
        values = ", ".join(repr(float(v)) for v in parts.start)
        add("with torch.no_grad():  # the start given")
        add(
            f"    torch.nn.utils.vector_to_parameters(torch.tensor([{values}]"
            f"{to_dtype}).to(device), model.parameters())"
        )
    add("params = list(model.parameters())")
    add("loss_fn = torch.nn.MSELoss()")
    add("")
    add(f"eta = {float(parts.eta)!r}")
    if parts.optimizer is not None:
        add(f"optimizer = {parts.optimizer}")
        if parts.scheduler is not None:
            add(f"scheduler = {parts.scheduler}")
    row_end = " + f',{float(epoch)!r},{full!r}'" if parts.batch is not None else ""
    if parts.batch is not None:
        add("")
        out.extend(setup_lines(parts.seed, model.rows, parts.batch, "a batch's loss is its mean"))
    add("")
    add("")
    add("def row(i, loss):")
    add('    """One CSV line: the loss, ‖∇f‖, each gradient\'s norm, each tensor\'s norm."""')
    add("    per_grad = torch.stack([torch.linalg.vector_norm(p.grad) for p in params])")
    add("    per_param = torch.stack([torch.linalg.vector_norm(p) for p in params])")
    add("    total = torch.linalg.vector_norm(per_grad).reshape(1)")
    add("    parts = [loss.detach().reshape(1), total, per_grad, per_param]")
    add("    values = torch.cat(parts).tolist()")
    add("    if not all(map(math.isfinite, values)):")
    add("        raise SystemExit(f'diverged at iteration {i}')")
    add(f"    print(f'{{i}},' + ','.join(repr(v) for v in values){row_end})")
    add("")
    add("")
    columns = ("iteration", *header) + (BATCH_COLUMNS if parts.batch is not None else ())
    add(f"print({','.join(columns)!r})")
    add(f"for i in range({int(parts.iterations)}):")
    if parts.batch is None:
        add("    loss = loss_fn(model(x), y)")
    else:
        add("    epoch, at = divmod(i, per_epoch)")
        add("    if at == 0:")
        add(f"        order = torch.randperm({model.rows}, generator=generator)")
        add("        with torch.no_grad():  # the loss on every row, once an epoch")
        add("            full = loss_fn(model(x), y).item()")
        add("    else:")
        add("        full = math.nan")
        add("    rows = order[at * batch:(at + 1) * batch].to(device)")
        add("    loss = loss_fn(model(x[rows]), y[rows])")
    add("    loss.backward()")
    add("    with torch.no_grad():")
    add("        row(i, loss)  # before the update")
    book = ("for p in params:", "    p.data -= {lr}*p.grad", "    p.grad.data.zero_()")
    plain = book if parts.optimizer is None else None
    out.extend(update_lines(plain, parts.plain_lr, parts.scheduler is not None))
    return "\n".join(out) + "\n"


def update_lines(book: tuple[str, ...] | None, plain_lr: str | None, scheduled: bool) -> list[str]:
    """The loop's update, indented into it: the book's ``.data -=`` lines (``book``, with
    ``{lr}`` for η, which ``plain_lr`` computes where a schedule changes it), or, where
    ``book`` is None, torch.optim's step (and the scheduler's)."""
    if book is None:
        return [
            "    optimizer.step()",
            *(["    scheduler.step()"] if scheduled else []),
            "    optimizer.zero_grad()",
        ]
    lr = "eta" if plain_lr is None else "lr"
    head = [f"    lr = {plain_lr}"] if plain_lr is not None else []
    return [*head, *(f"    {line.format(lr=lr)}" for line in book)]


def imports(numpy: bool = False) -> list[str]:
    """Every script's imports, with MKL's rounding fixed as gdlab fixes it before torch
    loads (solvers/core/rounding.py)."""
    return [
        "import math",
        "import os",
        "",
        f'os.environ.setdefault("{rounding.VARIABLE}", "{rounding.VALUE}")'
        "  # MKL rounds alike on every x86 CPU, as in gdlab",
        "",
        *(["import numpy as np"] if numpy else []),
        "import torch",
    ]


def device_line(device: str) -> str:
    """The script's ``device = …`` line for gdlab's device name (auto: the best there is)."""
    text = device.strip().lower()
    if text == "auto":
        return (
            "device = torch.device('cuda' if torch.cuda.is_available() else "
            "'mps' if torch.backends.mps.is_available() else 'cpu')"
        )
    return f"device = torch.device({text!r})"


def kwargs(knobs: Mapping[str, Any]) -> str:
    """``, name=value`` for each keyword argument (an optimizer's or a schedule's knobs)."""
    for name in knobs:
        if not name.isidentifier():
            raise ValueError(f"{name!r} is not a keyword argument")
    return "".join(f", {name}={value!r}" for name, value in knobs.items())
