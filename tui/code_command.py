"""``gdlab code CHAPTER [run options] [--output FILE]``: the run's standalone script.

Imports no torch: the script is text (:mod:`solvers.codegen`). The shared options
(η, iterations, device, seed, start) are checked by :func:`tui.cli.settings_from_args`
with the same rules and messages as ``gdlab run``.
"""

from __future__ import annotations

import argparse

from solvers.codegen import OPTIMIZERS, PLAIN, SCHEDULES, CodeRequest, Knob, script
from solvers.runs import RunSettings
from solvers.validation import SettingError


def add_code_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The ``code`` subcommand: ``gdlab run``'s options, and where to write."""
    from tui.cli import add_run_options

    code = sub.add_parser("code", help="print (or save) the standalone PyTorch script of a run")
    add_run_options(code)
    code.add_argument("--output", help="write the script to FILE instead of standard output")
    code.set_defaults(every="1", format="csv")


def _torch_schedule(settings: RunSettings) -> tuple[str | None, dict[str, Knob]]:
    """The schedule as torch.optim.lr_scheduler names it, for the script."""
    schedule = settings.schedule
    if schedule.name == "constant":
        return None, {}
    if schedule.name not in SCHEDULES:
        raise SettingError(
            "schedule",
            f"{schedule.name} has no closed form the script could write; "
            f"gdlab code writes {', '.join(SCHEDULES)} or constant",
        )
    names = {"step-size": "step_size", "gamma": "gamma", "t-max": "T_max"}
    knobs: dict[str, Knob] = {names[k]: v for k, v in schedule.values.items() if v is not None}
    if schedule.name == "cosine" and "T_max" not in knobs:
        knobs["T_max"] = settings.iterations  # the run's own default
    return schedule.name, knobs


def request_from_args(args: argparse.Namespace) -> CodeRequest:
    """The script's request from ``gdlab code``'s options, checked by ``gdlab run``'s own
    rules (:func:`tui.cli.settings_from_args`); SettingError names a bad one."""
    from tui.cli import settings_from_args

    spec, settings, _, _ = settings_from_args(args)
    optimizer = settings.optimizer.name
    if optimizer != PLAIN and optimizer not in OPTIMIZERS:
        raise SettingError(
            "optimizer",
            f"{optimizer} is gdlab's own line search, with no torch.optim loop to write; "
            f"gdlab code writes {', '.join((PLAIN, *OPTIMIZERS))}",
        )
    knobs = {} if optimizer == PLAIN else dict(settings.optimizer.torch_kwargs)
    schedule, schedule_knobs = _torch_schedule(settings)
    extra: dict[str, object] = {
        "optimizer": optimizer,
        "knobs": knobs,
        "schedule": schedule,
        "schedule_knobs": schedule_knobs,
    }
    if spec.expr is not None:
        extra.update(expression=spec.expr, param_names=spec.param_names)
    return CodeRequest.of(spec.id, settings, **extra)


def code_command(args: argparse.Namespace) -> int:
    """Print the script, or write it to ``--output`` (atomically, as ``gdlab run`` does)."""
    from tui.output import open_output

    text = script(request_from_args(args))
    with open_output(args.output) as stream:
        stream.write(text)
    return 0
