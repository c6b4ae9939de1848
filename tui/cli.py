"""The ``gdlab`` command: the app with no arguments, ``gdlab run`` headless.

Nothing heavy is imported at module level: ``gdlab`` must draw its first frame
before torch has loaded, and ``gdlab run --eta abc`` must refuse at once.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from solvers.optimizers import KNOB_NAMES, OPTIMIZERS, SCHEDULE_KNOB_NAMES, SCHEDULES
from solvers.runs import FORMATS, RunSettings
from solvers.specs import SPECS, spec_of
from solvers.validation import (
    SettingError,
    parse_dtype,
    parse_eta,
    parse_every,
    parse_iterations,
    parse_optimizer,
    parse_schedule,
    parse_seed,
    parse_start,
)
from tui.output import check, open_output
from tui.process import (  # the exit codes, each documented in the README
    EXIT_DIVERGED,
    EXIT_FAILED,
    EXIT_HANGUP,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_TERMINATED,
    EXIT_USAGE,
    guarded,
    say,
)

if TYPE_CHECKING:
    from solvers.descent import Descent

__all__ = [
    "EXIT_DIVERGED",
    "EXIT_FAILED",
    "EXIT_HANGUP",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "main",
]


class SolverUnavailable(RuntimeError):
    """torch (or the solver) cannot be imported: one line, exit code 1."""


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit code 2."""


NEGATIVE_VALUE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)
"""Words that are values, not options: -1e3, -.5, -inf. argparse's own pattern
(-1, -1.5 only) would read ``--init -1e3`` as a missing value."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line instead of exiting with usage text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # argparse has no public hook for this; the attribute exists since Python 3.2
        self._negative_number_matcher = NEGATIVE_VALUE

    def error(self, message: str) -> NoReturn:
        one_line = " ".join(message.split())
        raise UsageError(one_line if len(one_line) <= 200 else one_line[:200] + "…")


def build_parser() -> argparse.ArgumentParser:
    """The ``gdlab`` argument parser; values stay text so our validators can explain them."""
    parser = _Parser(prog="gdlab", description="Learn gradient descent with PyTorch autograd.")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run a chapter headless and print its iterations")
    run.add_argument("chapter", help=", ".join(SPECS))
    run.add_argument("--eta", help="learning rate (default: the book's)")
    run.add_argument("--iterations", help="iterations to run (default: the book's)")
    run.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    run.add_argument("--seed", help="seed of the normal(0, 0.01) start draw")
    run.add_argument(
        "--init", nargs="+", metavar="V", help="explicit start, one value per parameter"
    )
    run.add_argument("--every", default="1", help="keep every K-th iteration in csv/json")
    run.add_argument("--format", default="book", help=" or ".join(FORMATS) + " (default: book)")
    run.add_argument("--output", help="write rows to FILE instead of standard output")
    run.add_argument(
        "--optimizer",
        default="plain",
        help=f"{', '.join(OPTIMIZERS)} (default: plain, the book's update)",
    )
    run.add_argument("--momentum", help="μ of momentum, nesterov, rmsprop")
    run.add_argument("--dampening", help="d of momentum")
    run.add_argument("--alpha", help="α of rmsprop")
    run.add_argument("--betas", nargs=2, metavar=("B1", "B2"), help="β₁ β₂ of adam, adamw")
    run.add_argument("--eps", help="ε of adagrad, rmsprop, adam, adamw")
    run.add_argument("--weight-decay", help="λ of every torch.optim optimizer")
    run.add_argument("--schedule", default="constant", help=f"η schedule: {', '.join(SCHEDULES)}")
    run.add_argument("--step-size", help="step: iterations between η cuts")
    run.add_argument("--gamma", help="step, exponential: η's factor")
    run.add_argument("--t-max", help="cosine: iterations from η to 0 (default: the run's)")
    run.add_argument("--patience", help="plateau: iterations without progress before a cut")
    run.add_argument("--factor", help="plateau: η's factor at a cut")
    run.add_argument("--dtype", default="float32", help="float32 (the book's) or float64")
    bench = sub.add_parser("bench", help="measure gdlab against the book's loop")
    bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    bench.add_argument("--only", help="comma-separated subset, e.g. B1,B4")
    serve = sub.add_parser("serve", help="serve the app to a browser (textual-serve)")
    serve.add_argument("--host", default="localhost")
    serve.add_argument("--port", default="8000")
    return parser


def settings_from_args(args: argparse.Namespace) -> tuple[str, RunSettings, int, str]:
    """Validate ``gdlab run``'s options; raises SettingError naming the bad one."""
    spec = spec_of(args.chapter)
    eta = spec.eta if args.eta is None else parse_eta(args.eta)
    iterations = spec.iterations if args.iterations is None else parse_iterations(args.iterations)
    seed = None if args.seed is None else parse_seed(args.seed)
    start = None if args.init is None else parse_start(args.init, spec.param_names)
    every = parse_every(args.every)
    fmt = args.format.strip().lower()
    if fmt not in FORMATS:
        raise SettingError(
            "format", f"{args.format[:20]!r} is not a format; expected {', '.join(FORMATS)}"
        )
    device = args.device
    if len(device) > 64:
        raise SettingError("device", "is too long; expected auto, cpu, cuda, cuda:N or mps")
    optimizer = parse_optimizer(args.optimizer, _given(args, KNOB_NAMES))
    schedule = parse_schedule(args.schedule, _given(args, SCHEDULE_KNOB_NAMES))
    dtype = parse_dtype(args.dtype)
    if args.output is not None:
        check_output(args.output)
    settings = RunSettings(eta, iterations, device, seed, start, optimizer, schedule, dtype)
    return spec.id, settings, every, fmt


def _given(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    """The knob options given on the command line, by knob name (``weight-decay``)."""
    values = {name: getattr(args, name.replace("-", "_"), None) for name in names}
    return {name: value for name, value in values.items() if value is not None}


def check_output(path: str) -> Path:
    """Refuse an --output path that cannot be written, before any work is done
    (the rules are in tui/output.py)."""
    return check(path).path


_output = open_output
"""Standard output, or --output written atomically (a regular file) or through
(a device or FIFO): tui/output.py, the one output writer."""


def _import_solver() -> tuple[type[Descent], object]:
    """Import torch and the solver, turning a failed import into a clear message."""
    try:
        from solvers.descent import Descent
        from solvers.problems import make_problem
    except (ImportError, OSError) as error:  # a missing torch, or one whose libraries fail
        raise SolverUnavailable(
            f"cannot import torch ({error}); install it with: pip install torch"
        ) from None
    return Descent, make_problem


def run_command(args: argparse.Namespace) -> int:
    """``gdlab run``: stream one chapter's iterations, then a summary on stderr."""
    chapter, settings, every, fmt = settings_from_args(args)
    descent_cls, make_problem = _import_solver()
    from solvers.export import make_writer, strided
    from solvers.measures import grad_norm

    problem = make_problem(chapter)  # type: ignore[operator]
    descent = descent_cls(problem, settings)
    status = EXIT_OK
    started = time.perf_counter()
    with _output(args.output) as stream:
        writer = make_writer(fmt, stream, problem, descent.layout)
        writer.begin()
        try:
            for batch in descent.run():
                rows = descent.history.rows[batch.start : batch.stop]
                writer.rows(*strided(batch.start, rows, every))
        except KeyboardInterrupt:
            descent.control.cancel()
            status = EXIT_INTERRUPTED
        writer.end()
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
    if settings.seed is None and problem.spec.book_start is None and settings.start is None:
        summary.append(f"seed {descent.seed}")
    print(", ".join(summary), file=sys.stderr)
    if report is not None and report.divergence is not None:
        print(f"gdlab: {report.divergence.message}", file=sys.stderr)
        return EXIT_DIVERGED
    if status == EXIT_INTERRUPTED:
        print("gdlab: interrupted; the rows so far were written", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gdlab`` console script: every ending is one line and a
    documented code (tui/process.py), whatever happens and whenever."""
    return guarded(lambda: _dispatch(argv))


def _dispatch(argv: Sequence[str] | None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
        if args.command == "run":
            return run_command(args)
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
