"""A compare written out: its table as text, or every member's rows as CSV or JSON.

The table is what a teacher reads aloud: one line per member with its final
objective, how far it is from the optimum (‖∇f‖ where the optimum is unknown),
when it first got within 1e-6 of f*, and how it stands. CSV and JSON carry every
member's rows, so any figure in the table can be checked from them.
"""

from __future__ import annotations

import json
import math
from typing import Any, TextIO

from solvers.records.saved_run import record
from solvers.run.compare import Comparison, MemberResult
from solvers.run.members import CONVERGED


def _number(value: float | None, spec: str = ".6g") -> str:
    return "—" if value is None else format(value, spec)


def _iteration(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def table_lines(comparison: Comparison, within: float | None = None) -> list[str]:
    """The table, header first, columns aligned."""
    results = comparison.results(within)
    known = comparison.facts.optimum is not None
    header = ["member", "iterations", "final f", "distance to optimum" if known else "‖∇f‖"]
    if known:
        header.append(f"reached |f − f*| ≤ {CONVERGED:g} at")
    if within is not None:
        header.append(f"within {within:g} at")
    header.append("outcome")
    rows = [header] + [_cells(r, known, within is not None) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    if any(member.batch_size is not None for member in comparison.settings.members):
        lines.append(
            "B: data rows per iteration, shuffled each epoch from the seed; a minibatch "
            "member's final f, and what it reached, is its objective on all rows at each "
            "epoch's first iteration (its rows' objective is its batch's estimate of it)"
        )
    return lines


def _cells(result: MemberResult, known: bool, within: bool) -> list[str]:
    cells = [
        result.label,
        f"{result.iterations:,}",
        _number(result.objective),
        _number(result.distance if known else result.grad_norm, ".3g"),
    ]
    if known:
        cells.append(_iteration(result.to_converge))
    if within:
        cells.append(_iteration(result.within))
    cells.append(result.outcome)
    return cells


def _value(value: float) -> Any:
    return value if math.isfinite(value) else None


def write_csv(comparison: Comparison, stream: TextIO) -> None:
    """One header (every member's columns, in order of first appearance), then one line
    per member and iteration; a column a member does not record is empty."""
    columns: list[str] = []
    for run in comparison.runs:
        columns += [c for c in run.history.layout.columns if c not in columns]
    stream.write("member,label,iteration," + ",".join(columns) + "\n")
    for run in comparison.runs:
        where = {c: i for i, c in enumerate(run.history.layout.columns)}
        label = run.member.label.replace(",", ";")
        for i, row in enumerate(run.history.rows.tolist()):
            cells = [repr(row[where[c]]) if c in where else "" for c in columns]
            stream.write(f"{run.index},{label},{i}," + ",".join(cells) + "\n")


def _reason(result: MemberResult) -> str:
    """Why a member ended as it did, where the outcome needs a reason."""
    if result.divergence is not None:
        return result.divergence.message
    if result.stationary is not None:
        return result.stationary.message
    return ""


def write_json(comparison: Comparison, stream: TextIO, within: float | None = None) -> None:
    """``chapter``, then one object per member: its settings (as ``gdlab run`` saves
    them), its result, its columns and rows."""
    spec = comparison.problem.spec
    results = comparison.results(within)
    stream.write(json.dumps({"chapter": spec.id})[:-1] + ', "members": [')
    for n, (run, result) in enumerate(zip(comparison.runs, results, strict=True)):
        settings = record(
            spec,
            comparison.settings.member_settings(run.index),
            comparison.seed,
            comparison.start,
        )
        head = {
            "label": result.label,
            "settings": settings,
            "result": {
                "iterations": result.iterations,
                "objective": result.objective,
                "distance": result.distance,
                "grad_norm": result.grad_norm,
                "reached_optimum_at": result.to_converge,
                "within_at": result.within,
                "outcome": result.outcome,
                "reason": _reason(result),
            },
            "columns": ["iteration", *run.history.layout.columns],
        }
        stream.write(("\n" if n == 0 else ",\n") + json.dumps(head)[:-1] + ', "rows": [')
        for i, row in enumerate(run.history.rows.tolist()):
            stream.write(("\n" if i == 0 else ",\n") + json.dumps([i, *map(_value, row)]))
        stream.write("\n]}")
    stream.write("\n]}\n")
