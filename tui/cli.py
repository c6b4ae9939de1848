"""The ``gdlab`` command: the app with no arguments, ``gdlab run`` headless.

Nothing heavy is imported at module level: ``gdlab`` must draw its first frame
before torch has loaded, and ``gdlab run --eta abc`` must refuse at once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from solvers.chapters import CHAPTERS
from solvers.validation import (
    RunSettings,
    SettingError,
    parse_eta,
    parse_every,
    parse_iterations,
    parse_seed,
    parse_start,
)

if TYPE_CHECKING:
    from solvers.descent import Descent

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_DIVERGED = 3
EXIT_INTERRUPTED = 130


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


class _Version(argparse.Action):
    """``--version``: the installed distribution's version, looked up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("gdlab")
        except PackageNotFoundError:  # run from a source tree that was never installed
            number = "unknown (not installed)"
        print(f"gdlab {number}")
        parser.exit(EXIT_OK)


SSH_FPS = 20
"""The redraw rate over SSH (SSH_CONNECTION set) unless --fps or TEXTUAL_FPS says
otherwise: a third of Textual's 60, for a slow link (B6 in `gdlab bench`)."""
MAX_FPS = 120


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


def build_parser() -> argparse.ArgumentParser:
    """The ``gdlab`` argument parser; values stay text so our validators can explain them."""
    parser = _Parser(prog="gdlab", description="Learn gradient descent with PyTorch autograd.")
    parser.add_argument("--version", action=_Version, help="print gdlab's version and exit")
    parser.add_argument(
        "--fps",
        type=fps_setting,
        default="auto",
        metavar="N",
        help=f"redraws per second at most, 1-{MAX_FPS}, or auto: 60, or {SSH_FPS} over SSH",
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run a chapter headless and print its iterations")
    run.add_argument("chapter", help="1, 2 or 3")
    run.add_argument("--eta", help="learning rate (default: the book's)")
    run.add_argument("--iterations", help="iterations to run (default: the book's)")
    run.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps")
    run.add_argument("--seed", help="seed of the normal(0, 0.01) start draw")
    run.add_argument(
        "--init", nargs="+", metavar="V", help="explicit start, one value per parameter"
    )
    run.add_argument("--every", default="1", help="keep every K-th iteration in csv/json")
    run.add_argument("--format", default="book", help="book (default), csv or json")
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
    return parser


def _chapter(text: str) -> int:
    choices = ", ".join(str(k) for k in CHAPTERS)
    if text.strip() not in {str(k) for k in CHAPTERS}:
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise SettingError("chapter", f"{shown!r} is not a chapter; expected one of {choices}")
    return int(text)


def settings_from_args(args: argparse.Namespace) -> tuple[int, RunSettings, int, str]:
    """Validate ``gdlab run``'s options; raises SettingError naming the bad one."""
    chapter = _chapter(args.chapter)
    spec = CHAPTERS[chapter]
    eta = spec.eta if args.eta is None else parse_eta(args.eta)
    iterations = spec.iterations if args.iterations is None else parse_iterations(args.iterations)
    seed = None if args.seed is None else parse_seed(args.seed)
    start = None if args.init is None else parse_start(args.init, spec.param_names)
    every = parse_every(args.every)
    fmt = args.format.strip().lower()
    if fmt not in ("book", "csv", "json"):
        raise SettingError(
            "format", f"{args.format[:20]!r} is not a format; expected book, csv or json"
        )
    device = args.device
    if len(device) > 64:
        raise SettingError("device", "is too long; expected auto, cpu, cuda, cuda:N or mps")
    if args.output is not None:
        check_output(args.output)
    return chapter, RunSettings(eta, iterations, device, seed, start), every, fmt


def _shown(path: str) -> str:
    """A path for a one-line message: its end, where the name that matters is."""
    return repr(path if len(path) <= 60 else "…" + path[-60:])


def check_output(path: str) -> Path:
    """Refuse an --output path that cannot be written, before any work is done."""
    target = Path(path)
    try:
        if target.is_dir() or path.endswith(("/", os.sep)):
            raise SettingError("output", f"{_shown(path)} is a folder; expected a file path")
        folder = target.parent
        if not folder.is_dir():
            raise SettingError("output", f"folder {_shown(str(folder))} does not exist")
    except OSError as error:
        raise SettingError("output", f"cannot use {_shown(path)}: {error.strerror}") from None
    return target


def _file_mode(target: Path) -> int:
    """The mode the written file gets: the replaced file's, else 0666 less the umask."""
    with contextlib.suppress(OSError):
        return target.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or a temporary file renamed onto ``path`` only when writing ends.

    A crash or bad input never leaves a half-written file at ``path``.
    """
    if path is None:
        yield sys.stdout
        return
    target = check_output(path)
    folder = target.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
        os.fchmod(fd, _file_mode(target))  # mkstemp makes 0600; keep the usual mode
    except OSError as error:
        raise SettingError(
            "output", f"cannot write in {_shown(str(folder))}: {error.strerror}"
        ) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _import_solver() -> tuple[type[Descent], object]:
    """Import torch and the solver, turning a failed import into a clear message."""
    try:
        from solvers.descent import Descent
        from solvers.problems import make_problem
    except (ImportError, OSError) as error:  # a missing torch, or one whose libraries fail
        raise RuntimeError(
            f"cannot import torch ({error}); install it with: pip install torch"
        ) from None
    return Descent, make_problem


def run_command(args: argparse.Namespace) -> int:
    """``gdlab run``: stream one chapter's iterations, then a summary on stderr."""
    chapter, settings, every, fmt = settings_from_args(args)
    descent_cls, make_problem = _import_solver()
    from solvers.export import make_writer, strided

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
    done = descent.history.count
    last = descent.history.last()
    summary = [f"chapter {chapter}: {done:,} iteration{'' if done == 1 else 's'}"]
    if last is not None:
        params = last[descent.layout.params]
        distance = float(problem.distance_to_optimum(params))
        summary.append(f"objective {float(last[descent.layout.objective]):.6g}")
        summary.append(f"distance to optimum {distance:.3g}")
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
    """Entry point of the ``gdlab`` console script."""
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
        print(f"gdlab: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the exit-time flush
        return EXIT_OK
    except RuntimeError as error:
        print(f"gdlab: {error}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
