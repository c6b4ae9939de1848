"""Where gdlab uses another library's private names: one module per library.

Each compatibility module names the library's minor version it was written for
(pyproject.toml pins that minor version) and holds a :class:`LibraryCheck`. On
another version its overrides step aside and the library's public behaviour runs;
the check says so in one line at start-up. Nothing here imports the library itself:
the check reads the installed version from the package metadata (a few ms, no torch).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def installed_version(distribution: str) -> str | None:
    """The installed version of ``distribution`` (None: not installed)."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


class LibraryCheck:
    """Whether the installed ``distribution`` is the minor version the overrides were
    written for; decided once, the first time anything asks."""

    def __init__(self, distribution: str, written_for: str, fallback: str) -> None:
        self.distribution = distribution
        self.written_for = written_for
        """The minor version, such as "8.2"."""
        self.fallback = fallback
        """What the user loses on another version, for the one-line note."""
        self._active: bool | None = None

    def matches(self, installed: str | None) -> bool:
        """``installed`` is of the minor version written for (a local tag such as
        ``+cpu`` and any patch release count as that version)."""
        if installed is None:
            return False
        release = installed.split("+", 1)[0]
        return release == self.written_for or release.startswith(self.written_for + ".")

    def active(self) -> bool:
        """The overrides are in use (the installed version is the one written for)."""
        if self._active is None:
            self._active = self.matches(installed_version(self.distribution))
        return self._active

    def check(self) -> str | None:
        """At start-up: None where the overrides are in use, else the one line to say."""
        if self.active():
            return None
        installed = installed_version(self.distribution) or "not installed"
        return (
            f"gdlab: {self.distribution} {installed} is not {self.written_for}.x, which "
            f"gdlab was written for; using its public behaviour ({self.fallback})"
        )
