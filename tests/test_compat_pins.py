"""pyproject.toml allows only the minor versions the compatibility modules were written
for, and constraints.txt pins versions inside those ranges."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

from solvers.compat import torch as torch_compat
from tui.compat import textual as textual_compat
from tui.compat import textual_plot as textual_plot_compat
from tui.compat import textual_serve as textual_serve_compat

ROOT = Path(__file__).parents[1]
CHECKS = (
    textual_compat.TEXTUAL,
    textual_plot_compat.TEXTUAL_PLOT,
    textual_plot_compat.HIRES_CANVAS,
    textual_serve_compat.TEXTUAL_SERVE,
    torch_compat.TORCH,
)


def _requirements() -> dict[str, list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"].values()
    lines = [*project["dependencies"], *(line for extra in extras for line in extra)]
    found: dict[str, list[Requirement]] = {}
    for line in lines:
        requirement = Requirement(line)
        found.setdefault(requirement.name, []).append(requirement)
    return found


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, pinned = line.split("==")
            pins[name.strip()] = pinned.strip()
    return pins


def test_pyproject_allows_exactly_the_minor_version_each_compat_module_was_written_for() -> None:
    requirements = _requirements()
    for check in CHECKS:
        assert check.distribution in requirements, check.distribution
        major, minor = (int(part) for part in check.written_for.split("."))
        inside = Version(f"{major}.{minor}.99")
        above = Version(f"{major}.{minor + 1}.0")
        below = Version(f"{major}.{minor - 1}.99") if minor else None
        for requirement in requirements[check.distribution]:
            assert requirement.specifier.contains(inside), requirement
            assert not requirement.specifier.contains(above), requirement
            if below is not None:
                assert not requirement.specifier.contains(below), requirement


def test_constraints_pin_versions_the_compat_modules_were_written_for() -> None:
    pins = _pins()
    for check in CHECKS:
        assert check.matches(pins.get(check.distribution)), check.distribution
