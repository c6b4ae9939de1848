"""Shared check of the compat tests: a compatibility module's private names resolve."""

from __future__ import annotations

import importlib
import inspect
from typing import Any


def resolve(dotted: str) -> Any:
    """The module, or the attribute of the longest importable module prefix."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            found = getattr(found, part)
        return found
    raise ImportError(dotted)


def sets_in_init(cls: type, name: str) -> bool:
    """``name`` is assigned on ``self`` in the ``__init__`` of ``cls`` or a base."""
    for base in cls.__mro__:
        init = vars(base).get("__init__")
        if init is None or not inspect.isfunction(init):
            continue
        try:
            source = inspect.getsource(init)
        except (OSError, TypeError):
            continue
        if f"self.{name} =" in source or f"self.{name}:" in source:
            return True
    return False


def missing_names(private_names: dict[str, tuple[str, ...]]) -> list[str]:
    """Each ``owner.name`` of ``private_names`` that the installed library lacks."""
    missing = []
    for owner_name, names in private_names.items():
        try:
            owner = resolve(owner_name)
        except (ImportError, AttributeError):
            missing.append(owner_name)
            continue
        for name in names:
            present = hasattr(owner, name) or (inspect.isclass(owner) and sets_in_init(owner, name))
            if not present:
                missing.append(f"{owner_name}.{name}")
    return missing


def parameters(function: Any) -> list[str]:
    """The parameter names of ``function``, as ``inspect.signature`` gives them."""
    return list(inspect.signature(function).parameters)
