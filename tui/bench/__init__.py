"""``gdlab bench``: gdlab's performance figures, measured on the machine it runs on."""

from __future__ import annotations

import argparse
import json
import platform
import sys
from dataclasses import asdict

from tui.bench.compare import b3_compare, b9_compare
from tui.bench.expression import b7_expression
from tui.bench.measures import (
    Figure,
    b1_solver,
    b2_live,
    b5_memory,
    b8_optimizers,
    b10_classroom,
)
from tui.bench.minibatch import b12_minibatch
from tui.bench.network import b11_network
from tui.bench.terminal import b3_b6_pty, b4_first_paint

ALL = ("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "B11", "B12")


def machine() -> str:
    """A line saying where the figures come from."""
    import os

    import torch

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, torch {torch.__version__}"
    )


def run_figures(only: set[str]) -> list[Figure]:
    figures: list[Figure] = []
    if "B1" in only:
        figures.append(b1_solver())
    if "B2" in only:
        figures.append(b2_live())
    if only & {"B3", "B6"}:
        b3, b6 = b3_b6_pty()
        figures.extend(f for f in (b3, b6) if f.key in only)
    if "B3" in only:
        figures.extend(b3_compare())
    if "B4" in only:
        figures.append(b4_first_paint())
    if "B5" in only:
        figures.append(b5_memory())
    if "B7" in only:
        figures.append(b7_expression())
    if "B8" in only:
        figures.extend(b8_optimizers())
    if "B9" in only:
        figures.append(b9_compare())
    if "B10" in only:
        figures.append(b10_classroom())
    if "B11" in only:
        figures.append(b11_network())
    if "B12" in only:
        figures.append(b12_minibatch())
    return sorted(figures, key=lambda f: int(f.key[1:]))


def table(figures: list[Figure]) -> str:
    lines = [f"{'':3} {'figure':54} {'measured':>14} {'target':>10}  met", "-" * 88]
    for f in figures:
        value = f"{f.value:.2f} {f.unit}" if f.unit != "x" else f"{f.value:.2f}x"
        lines.append(
            f"{f.key:3} {f.name:54} {value:>14} {f.target:>10}  {'yes' if f.met else 'NO'}"
        )
        if f.detail:
            lines.append(f"{'':4}{f.detail}")
    return "\n".join(lines)


def bench_command(args: argparse.Namespace) -> int:
    """Measure the figures asked for and print them as a table or JSON."""
    only = set(ALL) if not args.only else {k.strip().upper() for k in args.only.split(",")}
    unknown = only - set(ALL)
    if unknown:
        print(
            f"gdlab: only: {', '.join(sorted(unknown))} unknown; expected some of {', '.join(ALL)}",
            file=sys.stderr,
        )
        return 2
    figures = run_figures(only)
    if args.json:
        print(json.dumps({"machine": machine(), "figures": [asdict(f) for f in figures]}, indent=2))
    else:
        print(f"gdlab bench on {machine()}")
        print(table(figures))
    return 0
