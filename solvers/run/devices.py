"""Turning a device name the user typed into a torch device, with clear refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import torch

from solvers.core.validation import SettingError

_CUDA = re.compile(r"cuda(?::([0-9]{1,3}))?")  # ASCII digits only: "cuda:١" is no index


def available_devices() -> list[str]:
    """Device names this machine can run on, ``auto`` first."""
    names = ["auto", "cpu"]
    if torch.cuda.is_available():
        names.append("cuda")
        names.extend(f"cuda:{i}" for i in range(torch.cuda.device_count()))
    if _mps_available():
        names.append("mps")
    return names


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(name: str) -> torch.device:
    """Resolve ``auto``/``cpu``/``cuda``/``cuda:N``/``mps``; refuse what is not here."""
    text = name.strip().lower()
    accepted = ", ".join(available_devices())
    if text == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if text == "cpu":
        return torch.device("cpu")
    if text == "mps":
        if not _mps_available():
            raise SettingError("device", f"mps is not available here; available: {accepted}")
        return torch.device("mps")
    match = _CUDA.fullmatch(text)
    if match is None:
        shown = name if len(name) <= 20 else name[:20] + "…"
        raise SettingError("device", f"{shown!r} is not a device; available: {accepted}")
    if not torch.cuda.is_available():
        raise SettingError(
            "device", f"{text} is not available here (no CUDA); available: {accepted}"
        )
    index = int(match.group(1) or 0)
    if index >= torch.cuda.device_count():
        raise SettingError("device", f"{text} does not exist; available: {accepted}")
    return torch.device("cuda", index)


@contextmanager
def intra_op_threads(count: int | None) -> Iterator[None]:
    """torch's intra-op threads set to ``count`` for the block, then as they were (None:
    left alone). Process-wide while it lasts: a run that needs one thread (a network's,
    whose reductions split, and so round, by the thread count) does not leave every
    later run of the process on one."""
    if count is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)
