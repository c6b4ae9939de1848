"""The minibatch part of a chapter's script (solvers/records/codegen.py): the
shuffle, each iteration's rows, and the objective on every row once an epoch, drawn
as solvers/run/batches.py draws them, so that the script repeats a minibatch run.

Just text, as codegen: this module imports neither torch nor numpy.
"""

from __future__ import annotations

from solvers.chapters.base import ScriptTemplate
from solvers.run.epochs import refusal

HEADER_TAIL = ",epoch,full_objective"
"""The columns a minibatch row ends with, as a run's rows end (solvers/run/batch_columns.py)."""
ROW_END = ", end=f',{float(epoch)!r},{full!r}'"
"""The ``row(...)`` argument that prints them."""


def model_batch(batch_size: int | None, rows: int) -> int | None:
    """A network script's batch size where it takes minibatches (B < N), else None."""
    return batch_size if batch_size is not None and batch_size < rows else None


def batch_of(batch_size: int | None, problem: ScriptTemplate) -> int | None:
    """The batch size where it takes minibatches (B < N), else None: B ≥ N is the
    full-batch run (solvers/run/batches.py). A chapter without data rows refuses it."""
    if batch_size is None:
        return None
    refused = refusal(batch_size, problem.sample_count if problem.batch_objective else 0)
    if refused is not None:
        raise refused
    return batch_size if batch_size < problem.sample_count else None


def setup_lines(seed: int | None, rows: int, batch: int, scaled: str) -> list[str]:
    """The shuffle's generator and sizes, as solvers/run/batches.py draws them; ``scaled``
    says how a batch's loss estimates every row's."""
    seeding = (
        f"seed = {int(seed)}"
        if seed is not None
        else "seed = torch.Generator().seed()  # no --seed: a new shuffle each run"
    )
    return [
        f"# minibatches: {batch} of the {rows:,} rows per iteration, a new shuffle each epoch",
        f"# (a last partial batch is dropped); {scaled}",
        seeding,
        "generator = torch.Generator().manual_seed(seed)",
        f"batch = {batch}",
        f"per_epoch = {rows} // batch",
        f"scale = {rows} / batch",
        "",
    ]


def forward_lines(problem: ScriptTemplate) -> list[str]:
    """An iteration's rows, the objective on every row at an epoch's start (else NaN),
    and the objective on the batch's rows: the loop body's first lines."""
    lines = [
        "epoch, at = divmod(i, per_epoch)",
        "if at == 0:",
        f"    order = torch.randperm({problem.sample_count}, generator=generator)",
        "    with torch.no_grad():  # the objective on every row, once an epoch",
        *(f"        {line}" for line in problem.forward),
        f"        full = {problem.objective}.item()",
        "else:",
        "    full = math.nan",
        "rows = order[at * batch:(at + 1) * batch].to(device)",
        *problem.on_rows,
    ]
    return [f"    {line}" for line in lines]
