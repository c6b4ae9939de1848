"""The options that describe a run, checked with one set of rules for ``gdlab
run``, ``code`` and ``compare``: the chapter (tui/cli/chapter_args.py), η, iterations,
device, seed, optimizer and schedule with their knobs, dtype, output.

Nothing heavy is imported at module level: ``gdlab run --eta abc`` must refuse
before torch loads.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from solvers.core.validation import (
    SettingError,
    parse_dtype,
    parse_eta,
    parse_every,
    parse_iterations,
    parse_seed,
)
from tui.cli.chapter_args import add_chapter_arguments, chapter_from_args, option_dest
from tui.process import reraise_if_signalled

if TYPE_CHECKING:
    from solvers.chapters.base import Chapter
    from solvers.core.specs import ProblemSpec
    from solvers.run.descent import Descent
    from solvers.run.settings import RunSettings


class SolverUnavailable(RuntimeError):
    """torch (or the solver) cannot be imported: one line, exit code 1."""


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options that describe a run: ``gdlab run``'s and ``gdlab code``'s alike."""
    from solvers.optim.choices import OPTIMIZERS, SCHEDULE_KNOB_NAMES, SCHEDULES
    from solvers.optim.registry import SCHEDULE_SPECS, knob_help

    add_chapter_arguments(parser, from_file=True)
    parser.add_argument(
        "--from", dest="from_file", metavar="FILE", help="repeat a run saved as JSON"
    )
    parser.add_argument(
        "--eta",
        help="learning rate (default: the chapter's: the book's on 1-3 (3 with --data: 1/λmax "
        "rounded down), 0.005 on 4, 0.001 on custom)",
    )
    parser.add_argument(
        "--iterations",
        help="iterations to run (default: the chapter's: the book's on 1-3, 1,000 on 4, "
        "30,000 on custom)",
    )
    parser.add_argument("--device", help="auto (default), cpu, cuda, cuda:N or mps")
    parser.add_argument(
        "--seed",
        help="seed of the start's draw (chapters 1-2: normal(0, 0.01); 4: torch.nn's init) "
        "and of the --batch-size shuffle",
    )
    parser.add_argument(
        "--optimizer",
        help=f"{', '.join(OPTIMIZERS)} (default: the chapter's: adam on 4, else plain, "
        "the book's update)",
    )
    add_knob_options(parser)
    parser.add_argument("--schedule", help=f"η schedule: {', '.join(SCHEDULES)}")
    for name in SCHEDULE_KNOB_NAMES:
        parser.add_argument(f"--{name}", help=_escaped(knob_help(SCHEDULE_SPECS, name)))
    parser.add_argument("--dtype", help="float32 (the book's, the default) or float64")
    add_batch_option(parser)


def add_batch_option(parser: argparse.ArgumentParser) -> None:
    """``--batch-size B``: stochastic gradients, for a chapter with data rows."""
    parser.add_argument(
        "--batch-size",
        metavar="B",
        help="data rows per iteration, reshuffled each epoch from --seed (a last partial "
        "batch is dropped); chapter 3's summed loss is scaled by rows/B, chapter 4's mean is "
        "the batch's mean. Default: all rows, the book's full-batch descent",
    )


def batch_size_of(args: argparse.Namespace, chapter: Chapter, default: int | None) -> int | None:
    """The run's batch size from ``--batch-size`` (``default`` where not given), refused
    on a chapter without data rows."""
    from solvers.run.epochs import refusal
    from solvers.run.settings import parse_batch_size

    given = getattr(args, "batch_size", None)
    size = default if given is None else parse_batch_size(given)
    refused = refusal(size, 1 if chapter.data_rows else 0)
    if refused is not None:
        raise refused
    return size


def add_knob_options(parser: argparse.ArgumentParser) -> None:
    """The optimizers' knobs, as ``gdlab run``, ``code`` and ``compare`` take them."""
    from solvers.optim.choices import KNOB_NAMES
    from solvers.optim.registry import OPTIMIZER_SPECS, first_knob, knob_help

    for name in KNOB_NAMES:
        knob = first_knob(OPTIMIZER_SPECS, name)
        if knob is not None and knob.pair:
            letter = name[0].upper()
            parser.add_argument(
                f"--{name}",
                nargs=2,
                metavar=(f"{letter}1", f"{letter}2"),
                help=_escaped(knob_help(OPTIMIZER_SPECS, name)),
            )
        else:
            parser.add_argument(f"--{name}", help=_escaped(knob_help(OPTIMIZER_SPECS, name)))


def _escaped(help_text: str) -> str:
    """``help_text`` as argparse takes it: a % is written %%."""
    return help_text.replace("%", "%%")


def settings_from_args(args: argparse.Namespace) -> tuple[ProblemSpec, RunSettings, int, str]:
    """Validate ``gdlab run``'s options; raises SettingError naming the bad one.

    With ``--from FILE`` the saved run's settings come first and the options given
    on the command line replace them.
    """
    from solvers.chapters.registry import chapter_of, ids
    from solvers.optim.choices import (
        KNOB_NAMES,
        SCHEDULE_KNOB_NAMES,
        parse_optimizer,
        parse_schedule,
    )
    from solvers.records.saved_run import read as read_saved_run
    from solvers.run.settings import FORMATS, RunSettings

    saved = read_saved_run(args.from_file) if args.from_file is not None else None
    if args.chapter is not None:
        chapter = chapter_of(args.chapter)
    elif saved is not None:
        chapter = chapter_of(saved.spec.id)
    else:
        raise SettingError("chapter", f"is missing; expected one of {', '.join(ids())}")
    if saved is not None and saved.spec.id != chapter.id:
        raise SettingError(
            "from",
            f"{args.from_file!r} is a run of chapter {saved.spec.id}, not {chapter.id}; "
            f"leave the chapter out to repeat it",
        )
    base = saved.settings if saved is not None else None
    eta = None if args.eta is None else parse_eta(args.eta)
    iterations = None if args.iterations is None else parse_iterations(args.iterations)
    seed = (base.seed if base else None) if args.seed is None else parse_seed(args.seed)
    spec, start = chapter_from_args(
        args, chapter, saved.spec if saved else None, base.start if base else None
    )
    default = base or RunSettings(spec.eta, spec.iterations)  # the problem's own (a file's)
    eta = default.eta if eta is None else eta
    iterations = default.iterations if iterations is None else iterations
    every = parse_every(args.every)
    fmt = args.format.strip().lower()
    if fmt not in FORMATS:
        raise SettingError(
            "format", f"{args.format[:20]!r} is not a format; expected {', '.join(FORMATS)}"
        )
    device = args.device if args.device is not None else (base.device if base else "auto")
    if len(device) > 64:
        raise SettingError("device", "is too long; expected auto, cpu, cuda, cuda:N or mps")
    knobs, schedule_knobs = (
        given_options(args, KNOB_NAMES),
        given_options(args, SCHEDULE_KNOB_NAMES),
    )
    if args.optimizer is None and not knobs and base is not None:
        optimizer = base.optimizer
    else:
        chosen = spec.optimizer if args.optimizer is None else args.optimizer
        optimizer = parse_optimizer(chosen, knobs)
    if args.schedule is None and not schedule_knobs and base is not None:
        schedule = base.schedule
    else:
        schedule = parse_schedule(
            "constant" if args.schedule is None else args.schedule, schedule_knobs
        )
    dtype = parse_dtype(args.dtype) if args.dtype is not None else default.dtype
    if args.output is not None:
        check_output(args.output)
    batch_size = batch_size_of(args, chapter, base.batch_size if base else None)
    settings = RunSettings(
        eta, iterations, device, seed, start, optimizer, schedule, dtype, batch_size
    )
    return spec, settings, every, fmt


def given_options(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    """The knob options given on the command line, by knob name (``weight-decay``)."""
    values = {name: getattr(args, option_dest(name), None) for name in names}
    return {name: value for name, value in values.items() if value is not None}


def check_output(path: str) -> Path:
    """Refuse an --output path that cannot be written, before any work is done
    (the rules are in tui/output.py)."""
    from tui.output import check

    return check(path).path


def import_solver() -> tuple[type[Descent], object]:
    """Import torch and the solver, turning a failed import into a clear message."""
    try:
        from solvers.chapters.registry import problem_for as make_problem
        from solvers.run.descent import Descent
    except (ImportError, OSError) as error:  # a missing torch, or one whose libraries fail
        reraise_if_signalled()  # unless a signal during the import is what failed it
        raise SolverUnavailable(
            f"cannot import torch ({error}); install it with: pip install torch"
        ) from None
    return Descent, make_problem
