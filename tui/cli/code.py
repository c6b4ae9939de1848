"""``gdlab code CHAPTER [run options] [--output FILE]``: the run's standalone script.

Imports no torch: the script is text (:mod:`solvers.records.codegen`). The shared options
(η, iterations, device, seed, start) are checked by :func:`tui.cli.run_args.settings_from_args`
with the same rules and messages as ``gdlab run``.
"""

from __future__ import annotations

import argparse

from solvers.records.codegen import CodeRequest, script


def add_code_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``code`` subcommand: ``gdlab run``'s options, and where to write."""
    from tui.cli.run_args import add_run_options

    code = sub.add_parser("code", help="print (or save) the standalone PyTorch script of a run")
    add_run_options(code)
    code.add_argument("--output", help="write the script to FILE instead of standard output")
    code.set_defaults(every="1", format="csv")


def request_from_args(args: argparse.Namespace) -> CodeRequest:
    """The script's request from ``gdlab code``'s options, checked by ``gdlab run``'s own
    rules (:func:`tui.cli.run_args.settings_from_args`); SettingError names a bad one (or an
    optimizer or schedule with no torch.optim loop to write: :meth:`CodeRequest.for_run`)."""
    from tui.cli.run_args import settings_from_args

    spec, settings, _, _ = settings_from_args(args)
    return CodeRequest.for_run(spec, settings)


def code_command(args: argparse.Namespace) -> int:
    """Print the script, or write it to ``--output`` (atomically, as ``gdlab run`` does)."""
    from tui.output import open_output

    text = script(request_from_args(args))
    with open_output(args.output) as stream:
        stream.write(text)
    return 0
