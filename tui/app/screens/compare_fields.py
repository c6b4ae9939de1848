"""The compare screen's fields read as members: η values, optimizers, iterations and
batch sizes, each checked with the CLI's rules; a SettingError names a bad one."""

from __future__ import annotations

from collections.abc import Sequence

from solvers.core.validation import SettingError, parse_eta, parse_iterations
from solvers.optim.choices import parse_optimizer
from solvers.run.epochs import refusal
from solvers.run.members import CompareSettings
from solvers.run.settings import parse_batch_size


def members_of(
    etas: str, optimizers: Sequence[str], iterations: str, batches: str, data_rows: bool
) -> CompareSettings:
    """Every combination of the typed η values, the chosen optimizers and the typed
    batch sizes (none typed: every row), for ``iterations``; a batch size is refused
    on a chapter without ``data_rows``."""
    texts = etas.split()
    if not texts:
        raise SettingError("eta", "is empty; expected one or more η values")
    parsed_etas = [parse_eta(text) for text in texts]
    if not optimizers:
        raise SettingError("optimizer", "none is chosen; expected at least one")
    chosen = [parse_optimizer(name) for name in optimizers]
    count = parse_iterations(iterations)
    sizes = [parse_batch_size(text) for text in batches.split()] or [None]
    for size in sizes:
        refused = refusal(size, 1 if data_rows else 0)
        if refused is not None:
            raise refused
    return CompareSettings.every(parsed_etas, chosen, count, sizes)
