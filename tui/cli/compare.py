"""``gdlab compare CHAPTER --eta A B … --optimizer NAME … --batch-size B …``: members
side by side.

Every combination of the given η values, optimizers and batch sizes runs from one start as
one batched computation (:mod:`solvers.run.compare`); the table (or every member's
rows as CSV or JSON) is written when they are done. Options are checked with
``gdlab run``'s rules and words; a knob applies to each chosen optimizer that
has it and is refused if none has.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from solvers.chapters.registry import chapter_of
from solvers.core.specs import ProblemSpec
from solvers.core.validation import (
    SettingError,
    parse_dtype,
    parse_eta,
    parse_float,
    parse_iterations,
    parse_seed,
)
from solvers.optim.choices import KNOB_NAMES, OPTIMIZERS, OptimizerChoice, parse_optimizer
from solvers.run.epochs import refusal
from solvers.run.members import COMPARE_FORMATS as FORMATS
from solvers.run.members import CompareSettings
from solvers.run.settings import parse_batch_size
from tui.cli.chapter_args import add_chapter_arguments, chapter_from_args
from tui.cli.run_args import add_knob_options, check_output, given_options, import_solver
from tui.process import EXIT_INTERRUPTED, EXIT_OK


def add_compare_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``compare`` subcommand's options."""
    compare = sub.add_parser(
        "compare", help="run several η and optimizers side by side, batched, and tabulate them"
    )
    add_chapter_arguments(compare, from_file=False)
    compare.add_argument("--eta", nargs="+", metavar="A", help="η values (default: the chapter's)")
    compare.add_argument(
        "--optimizer", nargs="+", metavar="NAME", help=f"{', '.join(OPTIMIZERS)} (default: plain)"
    )
    add_knob_options(compare)
    compare.add_argument(
        "--batch-size",
        nargs="+",
        metavar="B",
        help="batch sizes, each a member with every η and optimizer: data rows per iteration "
        "(all: every row, the default), shuffled each epoch from --seed; chapter 3",
    )
    compare.add_argument("--iterations", help="iterations per member (default: the chapter's)")
    compare.add_argument("--device", default="auto", help="auto (default), cpu, cuda, cuda:N, mps")
    compare.add_argument(
        "--seed",
        help="seed of the normal(0, 0.01) start draw (chapters 1-2) and of the --batch-size "
        "shuffle",
    )
    compare.add_argument("--dtype", default="float32", help="float32 (default) or float64")
    compare.add_argument(
        "--within",
        metavar="D",
        help="also report when each member first got within D of the optimum",
    )
    compare.add_argument(
        "--format", default="table", help=f"{' or '.join(FORMATS)} (default: table)"
    )
    compare.add_argument("--output", help="write to FILE instead of standard output")


def _optimizers(names: list[str], knobs: dict[str, Any]) -> list[OptimizerChoice]:
    """Each named optimizer with the given knobs it has; a knob none has is refused."""
    choices = []
    for name in names:
        own = {k.name for k in OPTIMIZERS.get(name.strip().lower(), ())}
        choices.append(parse_optimizer(name, {k: v for k, v in knobs.items() if k in own}))
    for knob in knobs:
        if not any(knob in {k.name for k in OPTIMIZERS[c.name]} for c in choices):
            chosen = ", ".join(c.name for c in choices)
            raise SettingError(knob, f"none of the chosen optimizers ({chosen}) has such a knob")
    return choices


def settings_from_args(args: argparse.Namespace) -> tuple[ProblemSpec, CompareSettings, str]:
    """Validate ``gdlab compare``'s options; raises SettingError naming the bad one."""
    spec, start = chapter_from_args(args, chapter_of(args.chapter))
    if spec.norms_only:
        raise SettingError(
            "chapter",
            f"{spec.id} is a network, which gdlab compare does not batch; "
            f"run each setting with gdlab run {spec.id}",
        )
    etas = [parse_eta(text) for text in args.eta] if args.eta else [spec.eta]
    knobs = given_options(args, KNOB_NAMES)
    optimizers = _optimizers(args.optimizer or ["plain"], knobs)
    iterations = parse_iterations(args.iterations) if args.iterations else spec.iterations
    seed = parse_seed(args.seed) if args.seed is not None else None
    sizes = [parse_batch_size(text) for text in args.batch_size] if args.batch_size else [None]
    for size in sizes:
        refused = refusal(size, 1 if chapter_of(args.chapter).data_rows else 0)
        if refused is not None:
            raise refused
    fmt = args.format.strip().lower()
    if fmt not in FORMATS:
        raise SettingError(
            "format", f"{args.format[:20]!r} is not a format; expected {', '.join(FORMATS)}"
        )
    if args.output is not None:
        check_output(args.output)
    if len(args.device) > 64:
        raise SettingError("device", "is too long; expected auto, cpu, cuda, cuda:N or mps")
    settings = CompareSettings.every(
        etas,
        optimizers,
        iterations,
        sizes,
        device=args.device,
        seed=seed,
        start=start,
        dtype=parse_dtype(args.dtype),
    )
    return spec, settings, fmt


def _within(args: argparse.Namespace) -> float | None:
    if args.within is None:
        return None
    value = parse_float("within", args.within, "a distance > 0")
    if not value > 0:
        raise SettingError(
            "within", f"{args.within.strip()[:20]!r} is not > 0; expected a distance > 0"
        )
    return value


def compare_command(args: argparse.Namespace) -> int:
    """Run the members together, then write the table (or their rows)."""
    from tui.cli.iteration_cap import cap_from_env, capped
    from tui.output import open_output
    from tui.process import reraise_if_signalled

    spec, settings, fmt = settings_from_args(args)
    within = _within(args)
    limit = cap_from_env()
    _, problem_for = import_solver()
    from solvers.records.compare_report import table_lines, write_csv, write_json
    from solvers.run.compare import Comparison
    from solvers.run.start_check import check_start

    problem = problem_for(spec)  # type: ignore[operator]
    comparison = Comparison(problem, settings)
    check_start(problem, comparison.start, settings.dtype, "init")  # SettingError: exit 2
    status = EXIT_OK
    cap = capped(limit, settings.iterations, comparison.control, lambda: comparison.count)
    started = time.perf_counter()
    try:
        for _ in comparison.run(on_hold=None if cap is None else cap.on_hold):
            reraise_if_signalled()  # a signal something swallowed ends it too
    except KeyboardInterrupt:
        comparison.control.cancel()
        comparison.stopped = True
        status = EXIT_INTERRUPTED
    seconds = time.perf_counter() - started
    with open_output(args.output) as stream:
        if fmt == "table":
            stream.write("\n".join(table_lines(comparison, within)) + "\n")
        elif fmt == "csv":
            write_csv(comparison, stream)
        else:
            write_json(comparison, stream, within)
    members = len(settings.members)
    print(
        f"{spec.title}: {members} member{'' if members == 1 else 's'} × "
        f"{settings.iterations:,} iterations, batched, {seconds:.2f} s on {comparison.device}"
        + (f", {cap.note(settings.iterations)}" if cap is not None and cap.reached() else ""),
        file=sys.stderr,
    )
    if status == EXIT_INTERRUPTED:
        print("gdlab: interrupted; the members so far were written", file=sys.stderr)
    return status
