"""The ``gdlab …`` command lines of the README's and docs/*.md's fenced code blocks.

Read when the tests are collected, so the tests follow the documents as they are. The
rules, for whoever writes the documents:

- a line in a fenced block (``` or ~~~) whose command, after an optional ``$ ``
  prompt, is ``gdlab`` is a command; a trailing ``\\`` continues it on the next line;
- a line with a word that starts with ``[`` outside quotes (``gdlab run CHAPTER
  [--eta F]``) is a synopsis: it is not run;
- ``# …`` after the command is a comment; ``exit N`` in it is the exit code the line
  must end with (else 0), and ``iteration N`` next to "stops", "diverges" or
  "diverged" is the iteration the run must say it diverged at;
- a line with shell syntax outside quotes (``|``, ``&&``, ``;``, ``>``, ``$``, …) is
  run by bash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^\s*(```|~~~)")
SUBCOMMANDS = ("run", "compare", "code", "bench", "serve")
SHELL_CHARACTERS = set("|&;<>()$`*?")
EXIT_CODE = re.compile(r"\bexit(?: code)?\s+(\d+)")
DIVERGENCE = re.compile(r"\b(?:stops|diverges|diverged)\b[^#]*?\biteration\s+([\d,]+)")


@dataclass(frozen=True)
class DocCommand:
    """One command line of a document, and how the test must run it."""

    document: str
    """The document's path from the repository root."""
    line: int
    """Its 1-based line number (the first line of a continued command)."""
    text: str
    """The command as written, without the prompt and the comment."""
    comment: str
    words: tuple[str, ...]
    """The words of a line without shell syntax (empty for a shell line)."""
    kind: str
    """synopsis, shell, app, bench, serve, or command (run, compare, code, --version…)."""
    exit_code: int
    """The exit code the document states for it (0 unless it says ``exit N``)."""
    diverges_at: int | None
    """The iteration the document says the run diverges at, if it says one."""

    @property
    def id(self) -> str:
        return f"{self.document}:{self.line}"


def documents(root: Path) -> list[Path]:
    """README.md and every docs/*.md there is (docs/ may not exist)."""
    found = [root / "README.md"]
    docs = root / "docs"
    if docs.is_dir():
        found.extend(sorted(docs.glob("*.md")))
    return [path for path in found if path.is_file()]


def split_comment(line: str) -> tuple[str, str, bool, bool]:
    """The command, its ``#`` comment, whether it has shell syntax outside quotes, and
    whether a word starts with ``[`` outside quotes (a synopsis)."""
    quote = ""
    shell = bracket = False
    previous = " "
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
            elif quote == '"' and char in "$`":
                shell = True
        elif char in "'\"":
            quote = char
        elif char == "\\":
            pass
        elif char == "#" and previous.isspace():
            return line[:index].rstrip(), line[index + 1 :].strip(), shell, bracket
        elif char in SHELL_CHARACTERS:
            shell = True
        elif char == "[" and previous.isspace():
            bracket = True
        previous = char
    return line.rstrip(), "", shell, bracket


def _words(text: str) -> tuple[str, ...]:
    import shlex

    return tuple(shlex.split(text))


def _kind(words: tuple[str, ...]) -> str:
    if any(w in ("--help", "-h", "--version") for w in words):
        return "command"
    command = next((w for w in words[1:] if w in SUBCOMMANDS), None)
    if command is None:
        return "app"
    return command if command in ("bench", "serve") else "command"


def commands_of(path: Path, root: Path) -> list[DocCommand]:
    """The ``gdlab`` command lines of one document's fenced blocks."""
    found: list[DocCommand] = []
    inside = False
    pending = ""
    first = 0
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(raw):
            inside, pending = not inside, ""
            continue
        if not inside:
            continue
        line = raw.strip()
        if pending:
            line, pending = pending + " " + line, ""
        else:
            first = number
            if line.startswith("$ "):
                line = line[2:].lstrip()
            if not re.match(r"gdlab(\s|$)", line):
                continue
        if line.endswith("\\"):
            pending = line[:-1].rstrip()
            continue
        text, comment, shell, bracket = split_comment(line)
        if bracket:
            kind, words = "synopsis", ()
        elif shell:
            kind, words = "shell", ()
        else:
            words = _words(text)
            kind = _kind(words)
        code = EXIT_CODE.search(comment)
        diverges = DIVERGENCE.search(comment)
        found.append(
            DocCommand(
                str(path.relative_to(root)),
                first,
                text,
                comment,
                words,
                kind,
                int(code.group(1)) if code else 0,
                int(diverges.group(1).replace(",", "")) if diverges else None,
            )
        )
    return found


def doc_commands(root: Path) -> list[DocCommand]:
    """Every documented command line, document by document, in order."""
    return [command for path in documents(root) for command in commands_of(path, root)]
