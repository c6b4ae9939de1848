"""The ``gdlab`` command: the app with no arguments, ``gdlab run`` headless.

Nothing heavy is imported at module level: ``gdlab`` must draw its first frame
before torch has loaded, and ``gdlab run --eta abc`` must refuse at once. Plain
``gdlab`` builds no parser and imports none of the run's modules here: the app
imports what it needs (after tui.launch has paused the garbage collector).
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from solvers.rounding import pin_rounding
from solvers.validation import (
    SettingError,
    parse_dtype,
    parse_eta,
    parse_every,
    parse_iterations,
    parse_seed,
    parse_start,
)
from tui.cli_parser import UsageError, Version, WordsParser
from tui.process import (  # the exit codes, each documented in docs/command-line.md
    EXIT_DIVERGED,
    EXIT_FAILED,
    EXIT_HANGUP,
    EXIT_INTERRUPTED,
    EXIT_NOT_MINIMUM,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_TERMINATED,
    EXIT_UNBOUNDED,
    EXIT_USAGE,
    guarded,
    reraise_if_signalled,
    say,
)

if TYPE_CHECKING:
    from solvers.descent import Descent
    from solvers.facts import Regime
    from solvers.runs import RunReport, RunSettings
    from solvers.specs import ProblemSpec
    from solvers.view import RunView
    from tui.iteration_cap import IterationCap

__all__ = [
    "EXIT_DIVERGED",
    "EXIT_FAILED",
    "EXIT_HANGUP",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_MINIMUM",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_TERMINATED",
    "EXIT_UNBOUNDED",
    "EXIT_USAGE",
    "main",
]


class SolverUnavailable(RuntimeError):
    """torch (or the solver) cannot be imported: one line, exit code 1."""


SSH_FPS = 20
"""The redraw rate over SSH (SSH_CONNECTION set) unless --fps or TEXTUAL_FPS says
otherwise: a third of Textual's 60, for a slow link (B6 in `gdlab bench`)."""
MAX_FPS = 120


class _Plain(argparse.Action):
    """``--plain``: set GDLAB_PLAIN before the app (and its plots) are imported."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
        os.environ["GDLAB_PLAIN"] = "1"


def fps_setting(text: str) -> int | None:
    """--fps's value; also sets the app's redraw rate (TEXTUAL_FPS).

    Textual reads TEXTUAL_FPS once, when it is imported, and the parser runs before
    anything imports Textual, so this is where the rate is set. argparse passes the
    default ("auto") through here too when --fps is not given: Textual's own rate, or
    a lower one over SSH.
    """
    if text.strip().lower() == "auto":
        if "SSH_CONNECTION" not in os.environ or "TEXTUAL_FPS" in os.environ:
            return None
        os.environ["TEXTUAL_FPS"] = str(SSH_FPS)
        return SSH_FPS
    from solvers.validation import parse_int

    try:
        fps = parse_int("fps", text, 1, MAX_FPS)
    except SettingError as error:
        raise argparse.ArgumentTypeError(error.reason) from None
    os.environ["TEXTUAL_FPS"] = str(fps)
    return fps


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options that describe a run: ``gdlab run``'s and ``gdlab code``'s alike."""
    from solvers.optim.registry import SCHEDULE_SPECS, knob_help
    from solvers.optimizers import OPTIMIZERS, SCHEDULE_KNOB_NAMES, SCHEDULES
    from solvers.specs import SPECS

    parser.add_argument("chapter", nargs="?", help=", ".join(SPECS) + " (or --from FILE)")
    parser.add_argument(
        "--expr", help='your function, for chapter "custom": e.g. "(1-x0)**2 + x1**2"'
    )
    parser.add_argument(
        "--from", dest="from_file", metavar="FILE", help="repeat a run saved as JSON"
    )
    parser.add_argument("--eta", help="learning rate (default: the book's)")
    parser.add_argument("--iterations", help="iterations to run (default: the book's)")
    parser.add_argument("--device", help="auto (default), cpu, cuda, cuda:N or mps")
    parser.add_argument("--seed", help="seed of the normal(0, 0.01) start draw")
    parser.add_argument(
        "--init", nargs="+", metavar="V", help="explicit start, one value per parameter"
    )
    parser.add_argument(
        "--optimizer",
        help=f"{', '.join(OPTIMIZERS)} (default: plain, the book's update)",
    )
    add_knob_options(parser)
    parser.add_argument("--schedule", help=f"η schedule: {', '.join(SCHEDULES)}")
    for name in SCHEDULE_KNOB_NAMES:
        parser.add_argument(f"--{name}", help=_escaped(knob_help(SCHEDULE_SPECS, name)))
    parser.add_argument("--dtype", help="float32 (the book's, the default) or float64")


def add_knob_options(parser: argparse.ArgumentParser) -> None:
    """The optimizers' knobs, as ``gdlab run``, ``code`` and ``compare`` take them."""
    from solvers.optim.registry import OPTIMIZER_SPECS, first_knob, knob_help
    from solvers.optimizers import KNOB_NAMES

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


EXIT_CODES = f"""exit codes:
  {EXIT_OK}    done: every iteration ran (or a reader stopped reading)
  {EXIT_FAILED}    could not run: torch missing, or an unexpected error
  {EXIT_USAGE}    bad input, named on one line (also: f or its gradient not finite at --init)
  {EXIT_DIVERGED}    diverged: f rose away from its start, or a number became inf or NaN
  {EXIT_OUTPUT}    the rows could not be written (full disk, closed output)
  {EXIT_UNBOUNDED}    f fell without bound: below -1e12 x max(1, |f at the start|), or to -inf
  {EXIT_NOT_MINIMUM}    ended on a stationary point that is not a minimum (a maximum or saddle)
  {EXIT_HANGUP}  hung up (SIGHUP); {EXIT_INTERRUPTED} interrupted (Ctrl-C; rows so far written); \
{EXIT_TERMINATED} terminated (SIGTERM)"""
"""``gdlab run --help``'s epilog: every code a run can end with (tui/process.py)."""


def build_parser() -> argparse.ArgumentParser:
    """The ``gdlab`` argument parser; values stay text so our validators can explain them."""
    from solvers.runs import FORMATS
    from tui.iteration_cap import HELP as CAP_HELP

    parser = WordsParser(
        prog="gdlab", description="Learn gradient descent with PyTorch autograd.", epilog=CAP_HELP
    )
    parser.add_argument("--version", action=Version, help="print gdlab's version and exit")
    parser.add_argument(
        "--plain",
        action=_Plain,
        nargs=0,
        help="no Braille, 16 colours: for the Linux console and old terminals",
    )
    parser.add_argument(
        "--fps",
        type=fps_setting,
        default="auto",
        metavar="N",
        help=f"redraws per second at most, 1-{MAX_FPS}, or auto: 60, or {SSH_FPS} over SSH",
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser(
        "run",
        help="run a chapter headless and print its iterations",
        epilog=EXIT_CODES + "\n\n" + "\n".join(textwrap.wrap(CAP_HELP, 78)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_run_options(run)
    run.add_argument("--every", default="1", help="keep every K-th iteration in csv/json")
    run.add_argument(
        "--format",
        default="book",
        help=" or ".join(FORMATS) + " (default: book: as the book prints; your function as "
        "chapter 1 prints x for one variable, as chapter 2 prints its tensor for several)",
    )
    run.add_argument("--output", help="write rows to FILE instead of standard output")
    bench = sub.add_parser("bench", help="measure gdlab against the book's loop")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    bench.add_argument("--only", help="comma-separated subset, e.g. B1,B4")
    serve = sub.add_parser("serve", help="serve the app to a browser (textual-serve)")
    serve.add_argument("--host", default="localhost")
    serve.add_argument("--port", default="8000")
    serve.add_argument(
        "--fps", dest="serve_fps", metavar="N", help=f"each tab's redraws per second, 1-{MAX_FPS}"
    )
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers open (behind a proxy, say); default: the page's own",
    )
    from tui.code_command import add_code_parser
    from tui.compare_command import add_compare_parser

    add_code_parser(sub)
    add_compare_parser(sub)
    sub.choices["compare"].epilog = CAP_HELP
    return parser


def settings_from_args(args: argparse.Namespace) -> tuple[ProblemSpec, RunSettings, int, str]:
    """Validate ``gdlab run``'s options; raises SettingError naming the bad one.

    With ``--from FILE`` the saved run's settings come first and the options given
    on the command line replace them.
    """
    from solvers.optimizers import KNOB_NAMES, SCHEDULE_KNOB_NAMES, parse_optimizer, parse_schedule
    from solvers.runs import FORMATS, RunSettings
    from solvers.saved_run import read as read_saved_run
    from solvers.specs import SPECS, spec_of

    saved = read_saved_run(args.from_file) if args.from_file is not None else None
    if args.chapter is None and saved is None:
        raise SettingError("chapter", f"is missing; expected one of {', '.join(SPECS)}")
    if args.chapter is not None:
        spec = spec_of(args.chapter)
    else:
        assert saved is not None
        spec = saved.spec
    same = saved is not None and saved.spec.id == spec.id
    base = saved.settings if same and saved is not None else None
    default = base or RunSettings(spec.eta, spec.iterations)
    eta = default.eta if args.eta is None else parse_eta(args.eta)
    iterations = default.iterations
    if args.iterations is not None:
        iterations = parse_iterations(args.iterations)
    seed = (base.seed if base else None) if args.seed is None else parse_seed(args.seed)
    start: tuple[float, ...] | None
    if spec.id == "custom":
        spec, start = _custom(args, saved.spec if same and saved else None, base)
    elif args.expr is not None:
        raise SettingError("expr", 'is only for chapter "custom" (your own function)')
    elif args.init is not None:
        start = parse_start(args.init, spec.param_names)
    else:
        start = base.start if base else None
    every = parse_every(args.every)
    fmt = args.format.strip().lower()
    if fmt not in FORMATS:
        raise SettingError(
            "format", f"{args.format[:20]!r} is not a format; expected {', '.join(FORMATS)}"
        )
    device = args.device if args.device is not None else (base.device if base else "auto")
    if len(device) > 64:
        raise SettingError("device", "is too long; expected auto, cpu, cuda, cuda:N or mps")
    knobs, schedule_knobs = _given(args, KNOB_NAMES), _given(args, SCHEDULE_KNOB_NAMES)
    if args.optimizer is None and not knobs and base is not None:
        optimizer = base.optimizer
    else:
        optimizer = parse_optimizer("plain" if args.optimizer is None else args.optimizer, knobs)
    if args.schedule is None and not schedule_knobs and base is not None:
        schedule = base.schedule
    else:
        schedule = parse_schedule(
            "constant" if args.schedule is None else args.schedule, schedule_knobs
        )
    dtype = parse_dtype(args.dtype) if args.dtype is not None else default.dtype
    if args.output is not None:
        check_output(args.output)
    settings = RunSettings(eta, iterations, device, seed, start, optimizer, schedule, dtype)
    return spec, settings, every, fmt


def _given(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    """The knob options given on the command line, by knob name (``weight-decay``)."""
    values = {name: getattr(args, name.replace("-", "_"), None) for name in names}
    return {name: value for name, value in values.items() if value is not None}


def _custom(
    args: argparse.Namespace, saved: ProblemSpec | None, base: RunSettings | None
) -> tuple[ProblemSpec, tuple[float, ...]]:
    """The spec of ``--expr`` with ``--init`` (the number of values sets the dimension)."""
    from solvers.specs import custom_spec

    text = args.expr if args.expr is not None else (saved.expr if saved else None)
    if text is None:
        raise SettingError("expr", 'is missing; chapter "custom" needs --expr "EXPRESSION"')
    if args.init is not None:
        names = tuple(f"x{i}" for i in range(len(args.init))) if len(args.init) > 1 else ("x",)
        start = parse_start(args.init, names)
    elif base is not None and base.start is not None:
        start = base.start
    else:
        raise SettingError("init", "is missing; your function needs start values, one per variable")
    return custom_spec(text, start), start


def check_output(path: str) -> Path:
    """Refuse an --output path that cannot be written, before any work is done
    (the rules are in tui/output.py)."""
    from tui.output import check

    return check(path).path


def _import_solver() -> tuple[type[Descent], object]:
    """Import torch and the solver, turning a failed import into a clear message."""
    try:
        from solvers.descent import Descent
        from solvers.problems import problem_for as make_problem
    except (ImportError, OSError) as error:  # a missing torch, or one whose libraries fail
        reraise_if_signalled()  # unless a signal during the import is what failed it
        raise SolverUnavailable(
            f"cannot import torch ({error}); install it with: pip install torch"
        ) from None
    return Descent, make_problem


def run_command(args: argparse.Namespace) -> int:
    """``gdlab run``: stream one chapter's iterations, then a summary on stderr."""
    from tui.iteration_cap import cap_from_env, capped

    spec, settings, every, fmt = settings_from_args(args)
    limit = cap_from_env()
    chapter = spec.id
    descent_cls, make_problem = _import_solver()
    from solvers.export import make_writer, strided
    from solvers.measures import grad_norm
    from solvers.regimes import said_regime
    from solvers.saved_run import record
    from tui.output import open_output

    problem = make_problem(spec)  # type: ignore[operator]
    descent = descent_cls(problem, settings)
    from solvers.start_check import check_start

    check_start(problem, descent.start, settings.dtype, "init")  # SettingError: exit 2
    said = said_regime(settings.eta, descent.facts, settings.optimizer, settings.schedule)
    if said is not None:
        say(f"gdlab: {said.line}")
    status = EXIT_OK
    cap = capped(limit, settings.iterations, descent.control, lambda: descent.history.count)
    started = time.perf_counter()
    saved = record(spec, settings, descent.seed, descent.start)
    with open_output(args.output) as stream:  # tui/output.py, the one output writer
        writer = make_writer(fmt, stream, problem, descent.layout, saved)
        writer.begin()
        try:
            for batch in descent.run(on_hold=None if cap is None else cap.on_hold):
                rows = descent.history.rows[batch.start : batch.stop]
                writer.rows(*strided(batch.start, rows, every))
                # a signal whose exception something swallowed (one raised inside
                # an import, say) still ends the run, at the next batch
                reraise_if_signalled()
        except KeyboardInterrupt:
            descent.control.cancel()
            status = EXIT_INTERRUPTED
        ending = descent.ending()
        capped_note = _cap_note(cap, settings.iterations, status)
        if capped_note is not None:
            ending["outcome"] = {"outcome": "stopped", "reason": capped_note}
        writer.end(ending)
        stream.flush()
    report = descent.report
    seconds = time.perf_counter() - started
    view = descent.view
    done = view.count
    last = view.last()
    summary = [f"chapter {chapter}: {done:,} iteration{'' if done == 1 else 's'}"]
    if last is not None:
        summary.append(f"objective {float(last[view.layout.objective]):.6g}")
        distance = view.distance(last[view.layout.params])
        if distance is not None:
            summary.append(f"distance to optimum {float(distance):.3g}")
        else:
            summary.append(f"‖∇f‖ {float(grad_norm(last[view.layout.grads])):.3g}")
    summary.append(f"{seconds:.2f} s on {descent.device}")
    if capped_note is not None:
        summary.append(capped_note)
    if settings.seed is None and problem.spec.book_start is None and settings.start is None:
        summary.append(f"seed {descent.seed}")
    print(", ".join(summary), file=sys.stderr)
    if report is not None:
        predicted = None if said is None or said.kind is None else (said.kind, said.text)
        code = _say_ending(report, predicted, descent.facts.bound_is_global, view)
        if code != EXIT_OK:
            return code
    if status == EXIT_INTERRUPTED:
        print("gdlab: interrupted; the rows so far were written", file=sys.stderr)
    return status


def _cap_note(cap: IterationCap | None, total: int, status: int) -> str | None:
    """What a run stopped by GDLAB_MAX_ITERATIONS says of it: never the full count."""
    if cap is None or status != EXIT_OK or not cap.reached():
        return None
    return cap.note(total)


def _say_ending(
    report: RunReport, said: tuple[Regime, str] | None, exact: bool, view: RunView
) -> int:
    """The run's ending on stderr (outcome, then a regime that did not hold); its exit
    code where the outcome has one of its own, else 0."""
    from solvers.run_end import end_lines
    from solvers.runs import Outcome

    message = report.divergence.message if report.divergence is not None else ""
    if report.stationary is not None:
        message = report.stationary.message
    values = view.rows[:, view.layout.objective]
    for line in end_lines(report.outcome, message, said, not exact, values):
        print(f"gdlab: {line}", file=sys.stderr)
    codes = {
        Outcome.DIVERGED: EXIT_DIVERGED,
        Outcome.UNBOUNDED: EXIT_UNBOUNDED,
        Outcome.NOT_MINIMUM: EXIT_NOT_MINIMUM,
    }
    return codes.get(report.outcome, EXIT_OK)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gdlab`` console script: every ending is one line and a
    documented code (tui/process.py), whatever happens and whenever."""
    return guarded(lambda: _dispatch(argv))


def _dispatch(argv: Sequence[str] | None) -> int:
    pin_rounding()  # before torch multiplies anything, in this process and its children
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:  # the app: what the parser would do with no arguments, without it
        fps_setting("auto")
        from tui.launch import launch_app

        return launch_app()
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
        if args.command == "run":
            return run_command(args)
        if args.command == "compare":
            from tui.compare_command import compare_command

            return compare_command(args)
        if args.command == "code":
            from tui.code_command import code_command

            return code_command(args)
        if args.command == "bench":
            from tui.bench import bench_command

            return bench_command(args)
        if args.command == "serve":
            from tui.serve import serve_command

            return serve_command(args)
        from tui.launch import launch_app

        return launch_app()
    except (UsageError, SettingError) as error:
        say(f"gdlab: {error}")
        return EXIT_USAGE
    except SolverUnavailable as error:
        say(f"gdlab: {error}")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
