"""torch's private names that gdlab uses: written for torch 2.13.

``TorchDispatchMode`` has no public home: it lives in ``torch.utils._python_dispatch``.
This module imports no torch itself (the start-up check runs before the app's first frame, and
torch loads later): the mixin below is mixed into a ``TorchDispatchMode`` where torch
is already imported (solvers/pictures/graph.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from solvers.compat import LibraryCheck

if TYPE_CHECKING:
    from torch.utils._python_dispatch import TorchDispatchMode

__all__ = [
    "PRIVATE_NAMES",
    "TORCH",
    "NoDynamoSkip",
    "TorchDispatchMode",
    "check",
    "saved_for_backward",
]

TORCH = LibraryCheck(
    "torch",
    "2.13",
    "the first computational graph (g) can take seconds longer, while dynamo loads",
)
"""Whether the overrides below are in use."""

PRIVATE_NAMES = {
    "torch.utils._python_dispatch": ("TorchDispatchMode",),
    "torch.utils._python_dispatch.TorchDispatchMode": ("_should_skip_dynamo",),
}
"""Every private module and attribute this module relies on (tests/test_compat_torch.py
checks they are still there)."""


def __getattr__(name: str) -> object:
    """``TorchDispatchMode``, from its private module, imported when first asked for
    (by a torch module: this one stays torch-free)."""
    if name == "TorchDispatchMode":
        from torch.utils._python_dispatch import TorchDispatchMode

        return TorchDispatchMode
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check() -> str | None:
    """Called once at start-up: None, or the one line saying the overrides are off."""
    return TORCH.check()


class NoDynamoSkip:
    """Mixed into a ``TorchDispatchMode`` (before it) whose ``__torch_dispatch__``
    compiles nothing.

    ``TorchDispatchMode._should_skip_dynamo`` (private, True by default) makes torch
    wrap ``__torch_dispatch__`` in dynamo's disable, which imports ``torch._dynamo``
    at the first op: 3-10 s the first time g is pressed. With nothing compiled there
    is nothing for dynamo to skip, so this answers False."""

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        if TORCH.active():
            return False
        answer: bool = super()._should_skip_dynamo()  # type: ignore[misc]
        return answer


SAVED_PREFIX = "_saved_"
"""Where an autograd node keeps what it saved for backward (``grad_fn._saved_self``…;
named in torch's autograd notes, "Saved tensors")."""
_SIZES = re.compile(r"(sym_sizes|sym_strides|_sizes|_strides|_options)$")


def saved_for_backward(node: object) -> Iterator[tuple[str, object]]:
    """(name, value) of each value autograd ``node`` saved for its backward, shapes
    and options left out; a value torch cannot hand to Python is skipped. On another
    torch this may find fewer or none: the graph then shows fewer details."""
    for attr in dir(node):
        if not attr.startswith(SAVED_PREFIX) or _SIZES.search(attr):
            continue
        try:
            saved = getattr(node, attr)
        except Exception:  # freed, or a type torch cannot hand to Python
            continue
        yield attr[len(SAVED_PREFIX) :], saved
