"""Arguments to chapter: the one function that turns the command line's chapter,
its inputs (``--expr``…) and ``--init`` into a problem and a start, for ``gdlab
run``, ``code`` and ``compare`` alike. Every input option comes from a chapter's
declaration (solvers/chapters/); none is named here."""

from __future__ import annotations

import argparse

from solvers.chapters.base import ON, Chapter
from solvers.chapters.registry import all_inputs, chapters, ids
from solvers.core.specs import ProblemSpec
from solvers.core.validation import SettingError


def add_chapter_arguments(parser: argparse.ArgumentParser, *, from_file: bool) -> None:
    """The chapter (optional where ``--from FILE`` may give it), every chapter's own
    inputs, and the start."""
    shown = ", ".join(ids())
    if from_file:
        parser.add_argument("chapter", nargs="?", help=f"{shown} (or --from FILE)")
    else:
        parser.add_argument("chapter", help=shown)
    for given in all_inputs():
        shown = given.help.replace("%", "%%")
        dest = option_dest(given.name)
        if given.switch:  # absent: None, so a saved run's value stands
            parser.add_argument(
                f"--{given.name}", dest=dest, action="store_true", default=None, help=shown
            )
        else:
            parser.add_argument(f"--{given.name}", dest=dest, help=shown)
    parser.add_argument(
        "--init", nargs="+", metavar="V", help="explicit start, one value per parameter"
    )


def chapter_from_args(
    args: argparse.Namespace,
    chapter: Chapter,
    saved: ProblemSpec | None = None,
    saved_start: tuple[float, ...] | None = None,
) -> tuple[ProblemSpec, tuple[float, ...] | None]:
    """The problem and the start the options give, a saved run's (same chapter) where
    they are silent. A SettingError names an input the chapter does not take."""
    own = {given.name for given in chapter.inputs}
    for given in all_inputs():
        if given.name not in own and getattr(args, option_dest(given.name), None) is not None:
            owners = [c for c in chapters() if given.name in {g.name for g in c.inputs}]
            which = " or ".join(f'"{c.id}" ({c.default.title.lower()})' for c in owners)
            raise SettingError(given.name, f"is only for chapter {which}")
    values: dict[str, str] = {}
    for given in chapter.inputs:
        text = getattr(args, option_dest(given.name), None)
        if text is None and saved is not None:
            text = saved.input(given.name)
        if text is True:
            text = ON
        if text is not None:
            values[given.name] = text
    start = chapter.parse_start(args.init) if args.init is not None else saved_start
    return chapter.spec(values, start), start


def option_dest(name: str) -> str:
    """Where argparse keeps ``--name``'s value (``--data-file``: ``data_file``)."""
    return name.replace("-", "_")
