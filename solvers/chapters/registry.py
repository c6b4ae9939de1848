"""Every chapter by id, in the order the app and the CLI list them.

The book's three chapters, a first network, then your function. A chapter defined elsewhere (a
test's) joins with :func:`register` and leaves with :func:`unregister`; whatever
reads the registry after that sees it.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

from solvers.chapters import function, network, regression, scalar, vector
from solvers.chapters.base import Chapter, ChapterInput
from solvers.core.specs import ProblemSpec
from solvers.core.validation import SettingError

if TYPE_CHECKING:
    from solvers.problems.problem import Problem

_CHAPTERS: dict[str, Chapter] = {
    module.CHAPTER.id: module.CHAPTER for module in (scalar, vector, regression, network, function)
}


def chapters() -> tuple[Chapter, ...]:
    """Every registered chapter, in order."""
    return tuple(_CHAPTERS.values())


def ids() -> tuple[str, ...]:
    """Every registered chapter's id, in order."""
    return tuple(_CHAPTERS)


def register(chapter: Chapter) -> None:
    """Add ``chapter``. Its id names its screen and its files, so letters, digits, _
    and - only; its key is one character, and both must be new. (The app binds the
    keys of the chapters registered when it is imported; a chapter registered later
    has its screen, through ``start_chapter`` or the command palette.)"""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", chapter.id) or len(chapter.key) != 1:
        raise ValueError(f"chapter id {chapter.id!r} or key {chapter.key!r} is not accepted")
    if chapter.id in _CHAPTERS or any(c.key == chapter.key for c in _CHAPTERS.values()):
        raise ValueError(f"chapter {chapter.id!r} (key {chapter.key!r}) is already registered")
    _CHAPTERS[chapter.id] = chapter


def unregister(chapter_id: str) -> None:
    """Remove the chapter registered as ``chapter_id``."""
    _CHAPTERS.pop(chapter_id, None)


def chapter_of(chapter_id: str) -> Chapter:
    """The chapter registered as ``chapter_id``; a SettingError names the ids there are."""
    text = chapter_id.strip()
    if text in _CHAPTERS:
        return _CHAPTERS[text]
    shown = chapter_id if len(chapter_id) <= 20 else chapter_id[:20] + "…"
    raise SettingError("chapter", f"{shown!r} is not a chapter; expected one of {', '.join(ids())}")


def spec_of(chapter_id: str) -> ProblemSpec:
    """The problem chapter ``chapter_id`` opens with."""
    return chapter_of(chapter_id).default


def chapter_for(spec: ProblemSpec) -> Chapter:
    """The chapter that made ``spec``."""
    return chapter_of(spec.id)


def all_inputs() -> tuple[ChapterInput, ...]:
    """Every input some chapter declares, each name once (the CLI's options)."""
    seen: dict[str, ChapterInput] = {}
    for chapter in chapters():
        for given in chapter.inputs:
            seen.setdefault(given.name, given)
    return tuple(seen.values())


_BUILT: dict[ProblemSpec, Problem] = {}
_BUILDING = threading.Lock()


def problem_for(spec: ProblemSpec) -> Problem:
    """The problem a spec describes, built by its chapter once and reused (so are its
    compiled chunks): torch is imported here, by the chapter's ``build``."""
    with _BUILDING:
        if spec not in _BUILT:
            if len(_BUILT) > 64:  # a session of many expressions: forget the oldest
                _BUILT.pop(next(iter(_BUILT)))
            _BUILT[spec] = chapter_for(spec).build(spec)
        return _BUILT[spec]


def make_problem(chapter_id: str) -> Problem:
    """Chapter ``chapter_id``'s default problem, built afresh."""
    chapter = chapter_of(chapter_id)
    return chapter.build(chapter.default)
