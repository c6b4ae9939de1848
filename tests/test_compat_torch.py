"""solvers/compat/torch.py: the torch it was written for, and every private name it
uses; on another torch, torch's own ``_should_skip_dynamo`` answers."""

from __future__ import annotations

import pytest
import torch
from compat_names import missing_names, parameters

from solvers.compat import torch as compat
from solvers.pictures.graph import _KeepOutputs


def test_the_installed_torch_is_the_one_written_for() -> None:
    assert compat.TORCH.active(), compat.check()
    assert compat.TORCH.matches("2.13.0+cpu") and compat.TORCH.matches("2.13.1")
    assert not compat.TORCH.matches("2.14.0") and not compat.TORCH.matches("2.1.3")


def test_every_private_name_used_is_still_there() -> None:
    assert missing_names(compat.PRIVATE_NAMES) == []
    assert parameters(compat.TorchDispatchMode._should_skip_dynamo) == []  # a classmethod


def test_autograd_nodes_still_keep_what_they_saved_under_the_prefix() -> None:
    x = torch.tensor(3.0, requires_grad=True)
    saved = dict(compat.saved_for_backward((x**2).grad_fn))
    assert saved.get("exponent") == 2


def test_dispatch_mode_skips_no_dynamo_here_and_torch_decides_on_another_torch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _KeepOutputs._should_skip_dynamo() is False
    monkeypatch.setattr(compat.TORCH, "_active", False)
    assert _KeepOutputs._should_skip_dynamo() is compat.TorchDispatchMode._should_skip_dynamo()
    note = compat.check()
    assert note is not None and "\n" not in note and "torch" in note
