"""Write docs/performance.md's table from one `gdlab bench --json` run.

    gdlab bench --json > docs/performance.json
    python scripts/performance_table.py docs/performance.json docs/performance.md

The table sits between the two marker lines of the page; the rest is left as it is.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

BEGIN = "<!-- bench table: scripts/performance_table.py writes what follows -->"
END = "<!-- end of the bench table -->"


def value_text(figure: dict[str, Any]) -> str:
    """A measured value as the bench's own table prints it."""
    value, unit = figure["value"], figure["unit"]
    return f"{value:.2f}x" if unit == "x" else f"{value:.2f} {unit}"


def table(bench: dict[str, Any]) -> str:
    """The markdown table of a bench run's figures, with the machine it ran on."""
    lines = [
        f"Measured in one `gdlab bench --json` run on: {bench['machine']}.",
        "",
        "| | figure | target | measured | met | how |",
        "|---|---|---|---|---|---|",
    ]
    for f in bench["figures"]:
        detail = str(f.get("detail", "")).replace("|", "\\|").replace("\n", " ")
        met = "yes" if f["met"] else "**no**"
        name = str(f["name"]).replace("|", "\\|")
        lines.append(
            f"| {f['key']} | {name} | {f['target']} | {value_text(f)} | {met} | {detail} |"
        )
    return "\n".join(lines)


def with_table(page: str, bench: dict[str, Any]) -> str:
    """``page`` with the text between the markers replaced by the table."""
    head, rest = page.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table(bench)}\n{END}{tail}"


def main(argv: list[str]) -> int:
    bench_path, page_path = Path(argv[0]), Path(argv[1])
    bench = json.loads(bench_path.read_text())
    page_path.write_text(with_table(page_path.read_text(), bench))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
