"""The ``gdlab`` command: the app with no arguments, ``gdlab run`` headless.

Nothing heavy is imported at module level: ``gdlab`` must draw its first frame
before torch has loaded, and ``gdlab run --eta abc`` must refuse at once. Plain
``gdlab`` builds no parser and imports none of the run's modules here: the app
imports what it needs (after tui.app.launch has paused the garbage collector).
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from solvers.core.rounding import pin_rounding
from solvers.core.validation import SettingError
from tui.app.fps import MAX_FPS, SSH_FPS, fps_setting
from tui.cli.parser import UsageError, Version, WordsParser
from tui.cli.run_args import SolverUnavailable, add_run_options, import_solver, settings_from_args
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
    from solvers.core.facts import Regime
    from solvers.run.settings import RunReport
    from solvers.run.view import RunView
    from tui.cli.iteration_cap import IterationCap

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
    "MAX_FPS",
    "SSH_FPS",
    "main",
]


class _Plain(argparse.Action):
    """``--plain``: set GDLAB_PLAIN before the app (and its plots) are imported."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
        os.environ["GDLAB_PLAIN"] = "1"


EXIT_CODES = f"""exit codes:
  {EXIT_OK}    done: every iteration ran (or a reader stopped reading)
  {EXIT_FAILED}    could not run: torch missing, or an unexpected error
  {EXIT_USAGE}    bad input, named on one line (also: f or its gradient not finite at --init)
  {EXIT_DIVERGED}    diverged: f rose away from its start, or a number became inf or NaN
  {EXIT_OUTPUT}    the rows could not be written (full disk, closed output)
  {EXIT_UNBOUNDED}    f fell without bound: below -1e12 x max(1, |f at the start|), or to -inf
  {EXIT_NOT_MINIMUM}    ended on a stationary point that is not a minimum (local maximum, saddle)
  {EXIT_HANGUP}  hung up (SIGHUP); {EXIT_INTERRUPTED} interrupted (Ctrl-C; rows so far written); \
{EXIT_TERMINATED} terminated (SIGTERM)"""
"""``gdlab run --help``'s epilog: every code a run can end with (tui/process.py)."""


def build_parser() -> argparse.ArgumentParser:
    """The ``gdlab`` argument parser; values stay text so our validators can explain them."""
    from solvers.run.settings import FORMATS
    from tui.cli.iteration_cap import HELP as CAP_HELP

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
    from tui.cli.code import add_code_parser
    from tui.cli.compare import add_compare_parser

    add_code_parser(sub)
    add_compare_parser(sub)
    sub.choices["compare"].epilog = CAP_HELP
    return parser


def run_command(args: argparse.Namespace) -> int:
    """``gdlab run``: stream one chapter's iterations, then a summary on stderr."""
    from tui.cli.iteration_cap import cap_from_env, capped

    spec, settings, every, fmt = settings_from_args(args)
    limit = cap_from_env()
    chapter = spec.id
    descent_cls, make_problem = import_solver()
    from solvers.optim.regimes import said_regime
    from solvers.records.export import make_writer, strided
    from solvers.records.saved_run import record
    from solvers.run.measures import grad_norm
    from tui.output import open_output

    problem = make_problem(spec)  # type: ignore[operator]
    descent = descent_cls(problem, settings)
    from solvers.run.start_check import check_start

    check_start(problem, descent.start, settings.dtype, "init")  # SettingError: exit 2
    said = said_regime(
        settings.eta, descent.facts, settings.optimizer, settings.schedule, settings.batch_size
    )
    if said is not None:
        say(f"gdlab: {said.line}")
    if descent.batches is None and settings.batch_size is not None:
        from solvers.run.epochs import sample_count

        count = sample_count(descent.objective)
        say(
            f"gdlab: a batch of {settings.batch_size:,} ≥ the {count:,} rows: every row each "
            "iteration, the book's full-batch descent"
        )
    if descent.batches is not None:
        from solvers.chapters.registry import chapter_for

        batches = descent.batches
        left = batches.rows % batches.size
        batch_loss = chapter_for(spec).batch_loss
        say(
            f"gdlab: minibatches of {batches.size:,} of the {batches.rows:,} rows, shuffled each "
            f"epoch from seed {descent.seed} ({_count(batches.per_epoch, 'iteration')} an epoch"
            + (f", {_count(left, 'row')} left out of each" if left else "")
            + f"); the objective column is the {batch_loss}, an estimate of all rows', "
            "and full_objective the objective on all rows at each epoch's first iteration"
        )
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
        summary.extend(_objective_parts(view, last))
        distance = view.distance(last[view.layout.params])
        if distance is not None:
            summary.append(f"distance to optimum {float(distance):.3g}")
        else:
            from solvers.run.epochs import is_minibatch

            # a minibatch row's gradient is its batch's, not the objective's on all rows
            name = "‖∇f_batch‖" if is_minibatch(view.layout) else "‖∇f‖"
            summary.append(f"{name} {float(grad_norm(last[view.layout.grads])):.3g}")
    summary.append(f"{seconds:.2f} s on {descent.device}")
    if capped_note is not None:
        summary.append(capped_note)
    if settings.seed is None and problem.spec.book_start is None and settings.start is None:
        summary.append(f"seed {descent.seed}")
    print(", ".join(summary), file=sys.stderr)
    from solvers.chapters.registry import chapter_for

    own = chapter_for(spec)
    if last is not None:
        for line in own.summary(problem, last[view.layout.params], settings.eta):
            print(line, file=sys.stderr)
    if report is not None:
        predicted = None if said is None or said.kind is None else (said.kind, said.text)
        code = _say_ending(report, predicted, descent.facts.bound_is_global, view)
        if code != EXIT_OK:
            return code
    if status == EXIT_INTERRUPTED:
        print("gdlab: interrupted; the rows so far were written", file=sys.stderr)
    return status


def _count(n: int, word: str) -> str:
    """ "1 row", "2 rows"."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _objective_parts(view: RunView, last: Any) -> list[str]:
    """The summary's objective: the last row's; a minibatch run's batch loss (so named)
    and its objective on all rows at the last epoch's start, where it was evaluated."""
    from solvers.run.batch_columns import EPOCH
    from solvers.run.epochs import is_minibatch, last_full

    value = float(last[view.layout.objective])
    if not is_minibatch(view.layout):
        return [f"objective {value:.6g}"]
    epoch = int(last[view.layout.columns.index(EPOCH)])
    from solvers.chapters.registry import chapter_for

    parts = [f"epoch {epoch}", f"{chapter_for(view.spec).batch_loss} {value:.6g}"]
    full = last_full(view.rows, view.layout)
    if full is not None:
        parts.append(f"objective on all rows {full[1]:.6g} at iteration {full[0]:,}")
    return parts


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
    from solvers.run.run_end import end_lines
    from solvers.run.settings import Outcome

    message = report.divergence.message if report.divergence is not None else ""
    if report.stationary is not None:
        message = report.stationary.message
    from solvers.run.epochs import judged_column

    values = view.rows[:, judged_column(view.layout)]  # a minibatch run: the full objective
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
        from tui.app.launch import launch_app

        return launch_app()
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
        if args.command == "run":
            return run_command(args)
        if args.command == "compare":
            from tui.cli.compare import compare_command

            return compare_command(args)
        if args.command == "code":
            from tui.cli.code import code_command

            return code_command(args)
        if args.command == "bench":
            from tui.bench import bench_command

            return bench_command(args)
        if args.command == "serve":
            from tui.serve.command import serve_command

            return serve_command(args)
        from tui.app.launch import launch_app

        return launch_app()
    except (UsageError, SettingError) as error:
        say(f"gdlab: {error}")
        return EXIT_USAGE
    except SolverUnavailable as error:
        say(f"gdlab: {error}")
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
