"""docs/performance.md states the figures of one `gdlab bench --json` run, kept in
docs/performance.json: the page's table is what scripts/performance_table.py makes
of that file, and the run measured every figure, each optimizer's B8 included."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import performance_table  # noqa: E402

from solvers.optim.registry import OPTIMIZER_SPECS  # noqa: E402
from tui.bench import ALL  # noqa: E402


def bench() -> dict[str, object]:
    return json.loads((ROOT / "docs" / "performance.json").read_text())


def test_the_page_shows_the_stored_bench_run():
    page = (ROOT / "docs" / "performance.md").read_text()
    assert page == performance_table.with_table(page, bench())
    assert "Measured in one `gdlab bench --json` run on:" in page


def test_the_run_measured_every_figure_and_every_optimizer():
    figures = bench()["figures"]
    assert isinstance(figures, list)
    assert {f["key"] for f in figures} == set(ALL)
    b8 = " ".join(f["name"] for f in figures if f["key"] == "B8")
    for name, spec in OPTIMIZER_SPECS.items():
        if spec.torch_class is not None:
            assert name in b8, name


def test_the_table_escapes_what_markdown_would_split():
    run = {
        "machine": "m",
        "figures": [
            {
                "key": "B1",
                "name": "a | b",
                "value": 0.5,
                "unit": "x",
                "target": "≤ 0.7",
                "met": True,
                "detail": "x | y\nz",
            },
        ],
    }
    text = performance_table.table(run)
    assert text.splitlines()[-1] == "| B1 | a \\| b | ≤ 0.7 | 0.50x | yes | x \\| y z |"
