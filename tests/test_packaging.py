"""What a user's install gets: the version, and every file the app reads besides code.

The install itself (non-editable, from a fresh clone, started from outside the source
tree) is `.ci/check-install`, which `.ci/run` runs.
"""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from tui.cli.command import main

ROOT = Path(__file__).resolve().parent.parent


def test_version_prints_the_installed_version_and_exits_0(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"gdlab {version('gdlab')}\n"


def test_version_of_the_console_script_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--version"], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"gdlab {project['version']}"


def test_every_data_file_the_app_reads_is_in_the_package_data():
    """A stylesheet, template or font left out of package-data breaks only installed copies."""
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["tui"]
    tracked = subprocess.run(
        ["git", "ls-files", "tui"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    data = [
        path.removeprefix("tui/")
        for path in tracked
        if not path.endswith(".py") and "__pycache__" not in path
    ]
    assert data, "no data files found under tui/"
    missing = [path for path in data if not any(fnmatch.fnmatch(path, g) for g in globs)]
    assert not missing, f"not in [tool.setuptools.package-data] tui: {missing}"


def test_the_project_says_what_it_is():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
    assert "Environment :: Console" in project["classifiers"]
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## {project['version']}" in changelog
