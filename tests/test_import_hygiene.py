"""solvers/ never imports the UI; the app and the CLI load torch only when they need it.

`lint-imports` (pyproject's [tool.importlinter], run by .ci/run) checks the same
rules on the import graph, but it cannot tell an import inside a function from one
at module level: the tests here import in a fresh interpreter and look at what loaded.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def fresh_python(code: str) -> str:
    """What ``code`` prints, run in a new interpreter (so nothing is imported yet)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return done.stdout.strip()


def test_no_solver_module_imports_textual_or_tui():
    files = list((ROOT / "solvers").rglob("*.py"))
    assert files
    for path in files:
        assert not imported_modules(path) & {"textual", "tui", "rich"}, path


@pytest.mark.slow
def test_importing_every_solver_module_loads_no_textual():
    modules = [f"solvers.{p.stem}" for p in (ROOT / "solvers").glob("*.py") if p.stem != "__init__"]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'tui')]\n"
        "print(bad)\n"
    )
    assert fresh_python(code) == "[]"


def test_refusing_bad_cli_input_does_not_import_torch():
    code = (
        "import sys\nfrom tui.cli.command import main\n"
        "code = main(['run', '1', '--eta', 'abc'])\n"
        "print(code, 'torch' in sys.modules)\n"
    )
    assert fresh_python(code) == "2 False"


def test_listing_the_chapters_loads_no_torch_or_numpy():
    code = (
        "import sys\nfrom solvers.chapters.registry import chapters\n"
        "print([c.default.full_title for c in chapters()] and "
        "[m for m in ('torch', 'numpy') if m in sys.modules])\n"
    )
    assert fresh_python(code) == "[]"


def test_importing_the_app_and_its_screens_loads_no_torch_numpy_or_plots():
    """The first frame is drawn before torch loads: nothing at module level may pull it in."""
    code = (
        "import sys\nimport tui.app.app, tui.app.screens.chapter, tui.app.screens.help\n"
        "import tui.app.screens.export, tui.app.screens.graph, tui.app.screens.code\n"
        "print([m for m in ('torch', 'numpy', 'textual_plot') if m in sys.modules])\n"
    )
    assert fresh_python(code) == "[]"


def test_the_first_frame_leaves_the_runs_modules_and_the_controls_for_later():
    """What the first frame does not show is imported after it (B4 in `gdlab bench`)."""
    code = (
        "import asyncio, os, sys\n"
        "import tui.app.app\n"
        "from tui.app.app import GdlabApp\n"
        "later = ('solvers.run.settings', 'solvers.optim.choices',\n"
        "         'tui.app.widgets.settings_form',\n"
        "         'textual.widgets._footer', 'textual.widgets._progress_bar', 'torch', 'numpy')\n"
        "class FirstFrame(GdlabApp):\n"
        "    CSS_PATH = tui.app.app.__file__.replace('app.py', 'app.tcss')\n"
        "    def _after_first_frame(self):\n"
        "        found = [m for m in later if m in sys.modules]\n"
        "        os.write(1, repr(found).encode())  # print() goes to Textual's log here\n"
        "        os._exit(0)\n"
        "async def main():\n"
        "    async with FirstFrame().run_test(size=(120, 40)) as pilot:\n"
        "        await pilot.pause(30)\n"
        "asyncio.run(main())\n"
    )
    assert fresh_python(code) == "[]"


def _circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of gdlab modules that import one another round a circle (Tarjan's
    strongly connected components of more than one module)."""
    modules = sorted(m for m in graph.modules if m.startswith(("solvers", "tui")))
    edges = {
        m: sorted(set(graph.find_modules_directly_imported_by(m)) & set(modules)) for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return found


def test_no_import_circle_anywhere():
    """Not even one an annotation closes (``if TYPE_CHECKING:`` imports count): a
    module that needs another's type takes it from below, never from above."""
    graph = grimp.build_graph(
        "solvers", "tui", include_external_packages=False, exclude_type_checking_imports=False
    )
    assert _circles(graph) == []


def test_the_graph_and_code_screens_never_reach_the_chapter_screen():
    """Not even under TYPE_CHECKING (which lint-imports leaves out): the graph and code
    screens take a chapter's values (tui/app/screens/chapter_values.py), never the
    chapter screen or its bases."""
    graph = grimp.build_graph("tui", exclude_type_checking_imports=False, cache_dir=None)
    bases = (
        "tui.app.screens.chapter",
        "tui.app.screens.field_facts",
        "tui.app.screens.teaching_keys",
    )
    for screen in (
        "tui.app.screens.graph",
        "tui.app.screens.code",
        "tui.app.screens.chapter_values",
    ):
        for base in bases:
            assert graph.find_shortest_chain(importer=screen, imported=base) is None, (screen, base)
