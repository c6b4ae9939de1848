"""``gdlab code CHAPTER [run options] [--output FILE]``: the run's standalone script.

Imports no torch: the script is text (:mod:`solvers.codegen`). The shared options
(η, iterations, device, seed, start) are checked by :func:`tui.cli.settings_from_args`
with the same rules and messages as ``gdlab run``.
"""

from __future__ import annotations

import argparse

from solvers.codegen import OPTIMIZERS, PLAIN, CodeRequest, Knob, script
from solvers.specs import SPECS
from solvers.validation import SettingError


def add_code_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``code`` subcommand: ``gdlab run``'s options, and where to write."""
    code = sub.add_parser("code", help="print (or save) the standalone PyTorch script of a run")
    code.add_argument("chapter", nargs="?", help=", ".join(SPECS) + " (or --from FILE)")
    code.add_argument(
        "--expr", help='your function, for chapter "custom": e.g. "(1-x0)**2 + x1**2"'
    )
    code.add_argument("--from", dest="from_file", metavar="FILE", help="a run saved as JSON")
    code.add_argument("--eta", help="learning rate (default: the book's)")
    code.add_argument("--iterations", help="iterations to run (default: the book's)")
    code.add_argument("--device", help="auto (default), cpu, cuda, cuda:N or mps")
    code.add_argument("--seed", help="seed of the normal(0, 0.01) start draw")
    code.add_argument(
        "--init", nargs="+", metavar="V", help="explicit start, one value per parameter"
    )
    code.add_argument(
        "--optimizer", default=PLAIN, help=" or ".join((PLAIN, *OPTIMIZERS)) + " (torch.optim)"
    )
    code.add_argument(
        "--knob",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an optimizer keyword, torch.optim's name, e.g. momentum=0.9 (repeatable)",
    )
    code.add_argument("--output", help="write the script to FILE instead of standard output")
    code.set_defaults(every="1", format="csv")


def _knob(text: str) -> tuple[str, Knob]:
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise SettingError("knob", f"{text[:30]!r} is not NAME=VALUE")
    word = value.strip()
    if word.lower() in ("true", "false"):
        return name, word.lower() == "true"
    try:
        if "," in word:
            return name, tuple(float(part) for part in word.split(","))
        number = float(word)
    except ValueError:
        raise SettingError("knob", f"{name}: {word[:20]!r} is not a number") from None
    return name, int(number) if word.lstrip("+-").isdigit() else number


def request_from_args(args: argparse.Namespace) -> CodeRequest:
    """The script's request from ``gdlab code``'s options (checked by ``gdlab run``'s
    rules, :func:`tui.cli.settings_from_args`); SettingError names a bad one."""
    from tui.cli import settings_from_args

    optimizer = args.optimizer.strip().lower()
    if optimizer != PLAIN and optimizer not in OPTIMIZERS:
        raise SettingError(
            "optimizer", f"{args.optimizer[:20]!r} is not one of {', '.join((PLAIN, *OPTIMIZERS))}"
        )
    knobs = dict(_knob(text) for text in args.knob)
    spec, settings, _, _ = settings_from_args(args)
    if spec.expr is None:
        return CodeRequest.of(spec.id, settings, optimizer=optimizer, knobs=knobs)
    return CodeRequest.of(
        spec.id,
        settings,
        expression=spec.expr,
        param_names=spec.param_names,
        optimizer=optimizer,
        knobs=knobs,
    )


def code_command(args: argparse.Namespace) -> int:
    """Print the script, or write it to ``--output`` (atomically, as ``gdlab run`` does)."""
    from tui.output import open_output

    text = script(request_from_args(args))
    with open_output(args.output) as stream:
        stream.write(text)
    return 0
