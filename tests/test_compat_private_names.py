"""No private name of Textual, textual-plot, textual-hires-canvas, textual-serve or torch
outside the compatibility modules (tui/compat/, solvers/compat/).

An AST walk of tui/ and solvers/: an import from a private module or of a private
name of those libraries; an attribute starting with one underscore that gdlab itself
never defines (so it is another library's, on an object of theirs); and a method or
class attribute starting with one underscore that overrides one of those libraries'
classes. Python's own modules' private names (``os._exit``) are allowed by name.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
LIBRARIES = ("textual", "textual_plot", "textual_hires_canvas", "textual_serve", "torch")
COMPAT = (ROOT / "tui" / "compat", ROOT / "solvers" / "compat")
STANDARD_PRIVATE = {
    "_exit", "_getframe", "_asdict", "_replace", "_fields", "_make",
    "_SubParsersAction", "_option_string_actions",
}  # fmt: skip
"""Private names of Python's own modules (os, sys, argparse) and namedtuples: out of
this test's reach, which is the libraries above."""


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _sources() -> list[Path]:
    files = sorted([*ROOT.joinpath("tui").rglob("*.py"), *ROOT.joinpath("solvers").rglob("*.py")])
    return [path for path in files if not any(path.is_relative_to(c) for c in COMPAT)]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _defined_by_gdlab() -> set[str]:
    """Every name tui/ and solvers/ (compat modules included) define: functions,
    classes, assigned or annotated names and attributes, parameters."""
    names: set[str] = set()
    files = [*ROOT.joinpath("tui").rglob("*.py"), *ROOT.joinpath("solvers").rglob("*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return names


def _from_library(module: str) -> bool:
    return module.split(".")[0] in LIBRARIES


def _faults(path: Path, ours: set[str]) -> Iterator[str]:
    tree = ast.parse(path.read_text())
    where = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and _from_library(node.module):
            if any(_private(part) for part in node.module.split(".")):
                yield f"{where}:{node.lineno}: imports from private module {node.module}"
            for alias in node.names:
                if _private(alias.name):
                    yield f"{where}:{node.lineno}: imports private {node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if _from_library(alias.name) and any(map(_private, alias.name.split("."))):
                    yield f"{where}:{node.lineno}: imports private module {alias.name}"
        elif isinstance(node, ast.Attribute) and _private(node.attr):
            if node.attr not in ours and node.attr not in STANDARD_PRIVATE:
                yield f"{where}:{node.lineno}: uses another library's private .{node.attr}"
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _from_library(node.value)
            and any(map(_private, node.value.split(".")))
        ):
            yield f"{where}:{node.lineno}: names private module {node.value!r}"


def _overrides(path: Path) -> Iterator[str]:
    """Methods and class attributes with a private name that a library class of the
    class's bases already has."""
    module = importlib.import_module(_module_name(path))
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(module, node.name, None)
        if not inspect.isclass(cls):
            continue
        theirs: set[str] = set()
        for base in cls.__mro__:
            if _from_library(base.__module__):
                theirs.update(vars(base))
        for item in node.body:
            names: list[str] = []
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [item.name]
            elif isinstance(item, ast.Assign):
                names = [t.id for t in item.targets if isinstance(t, ast.Name)]
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                names = [item.target.id]
            for name in names:
                if _private(name) and name in theirs:
                    yield f"{path.relative_to(ROOT)}:{item.lineno}: {node.name} overrides {name}"


def test_no_private_name_of_a_library_outside_the_compat_modules() -> None:
    ours = _defined_by_gdlab()
    faults = [fault for path in _sources() for fault in _faults(path, ours)]
    assert not faults, "\n".join(faults)


NOT_IMPORTABLE_HERE = {"tui.__main__", "tui.serve.static.make_font"}
"""``python -m tui`` runs the app when imported; the font maker needs fontTools."""


@pytest.mark.slow
def test_no_override_of_a_library_private_name_outside_the_compat_modules() -> None:
    paths = [path for path in _sources() if _module_name(path) not in NOT_IMPORTABLE_HERE]
    faults = [fault for path in paths for fault in _overrides(path)]
    assert not faults, "\n".join(faults)
