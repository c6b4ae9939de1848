"""gdlab's argparse: errors as one line (UsageError, exit code 2) with a hint where
argparse's own words leave the user stuck, negative numbers taken as values, and
``--version``. Imports nothing heavy: ``gdlab run --eta abc`` must refuse at once.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
from collections.abc import Collection, Sequence
from typing import Any, NoReturn

from tui.process import EXIT_OK


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit code 2."""


NEGATIVE_VALUE = re.compile(r"^-(\d|\.\d|inf|nan)", re.IGNORECASE)
"""Words that are values, not options: -1e3, -.5, -inf. argparse's own pattern
(-1, -1.5 only) would read ``--init -1e3`` as a missing value."""


class WordsParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line instead of exiting with usage text,
    and keeps the words it parsed for the hint of :func:`dash_value_hint`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # argparse has no public hook for this; the attribute exists since Python 3.2
        self._negative_number_matcher = NEGATIVE_VALUE

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._words = list(sys.argv[1:] if args is None else args)  # for error()'s hint
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        one_line = " ".join(message.split())
        one_line = one_line if len(one_line) <= 200 else one_line[:200] + "…"
        words = getattr(self, "_words", [])
        options = self._option_string_actions  # argparse's own table, there since 3.2
        raise UsageError(one_line + dash_value_hint(one_line, words, options))


MISSING_VALUE = re.compile(r"^argument (--[\w-]+)(?:/\S+)?: expected one argument")


def dash_value_hint(message: str, words: Sequence[str], options: Collection[str]) -> str:
    """argparse takes a word that starts with '-' for an option, so ``--expr "-x^2"``
    leaves --expr without its value: the hint says how to give it (``--expr=-x^2``).
    ``options``: the parser's option strings (a word that is one gets no hint)."""
    missing = MISSING_VALUE.match(message)
    if missing is None:
        return ""
    option = missing.group(1)
    for word, following in itertools.pairwise(words):
        is_option = following == "--" or following.split("=", 1)[0] in options
        if word == option and following.startswith("-") and not is_option:
            shown = following if len(following) <= 40 else following[:40] + "…"
            return f"; a value that starts with '-' goes after '=': {option}={shown}"
    return ""


class Version(argparse.Action):
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
