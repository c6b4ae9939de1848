"""`gdlab --fps N` and the lower redraw rate over SSH (TEXTUAL_FPS, read by Textual at import)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tui.cli.command import SSH_FPS, build_parser


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("TEXTUAL_FPS", raising=False)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    return monkeypatch


def test_fps_sets_textuals_frame_cap(clean_env):
    args = build_parser().parse_args(["--fps", "15"])
    assert args.fps == 15 and os.environ["TEXTUAL_FPS"] == "15"


def test_without_fps_or_ssh_textual_keeps_its_default(clean_env):
    args = build_parser().parse_args([])
    assert args.fps is None and "TEXTUAL_FPS" not in os.environ


def test_over_ssh_the_default_is_lower(clean_env):
    clean_env.setenv("SSH_CONNECTION", "10.0.0.2 52000 10.0.0.1 22")
    args = build_parser().parse_args([])
    assert args.fps == SSH_FPS and os.environ["TEXTUAL_FPS"] == str(SSH_FPS)


def test_plain_gdlab_takes_the_ssh_rate_without_a_parser(gdlab, clean_env):
    """`gdlab` alone skips argparse (start-up time): the rate is the parser's all the same."""
    clean_env.setenv("SSH_CONNECTION", "10.0.0.2 52000 10.0.0.1 22")
    result = gdlab()
    assert result.code == 2 and "not a terminal" in result.err  # stdout is captured here
    assert os.environ["TEXTUAL_FPS"] == str(SSH_FPS)


def test_over_ssh_an_explicit_rate_wins(clean_env):
    clean_env.setenv("SSH_CONNECTION", "10.0.0.2 52000 10.0.0.1 22")
    assert build_parser().parse_args(["--fps", "60"]).fps == 60
    clean_env.setenv("TEXTUAL_FPS", "30")
    assert build_parser().parse_args([]).fps is None
    assert os.environ["TEXTUAL_FPS"] == "30"


@pytest.mark.parametrize("bad", ["0", "121", "abc", "2.5", ""])
def test_bad_rates_are_refused_in_one_line(gdlab, clean_env, bad):
    result = gdlab("--fps", bad, "run", "1")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("gdlab: ") and result.err.count("\n") == 1
    assert "fps" in result.err


def test_the_rate_reaches_textual_before_it_is_imported(clean_env):
    """In a fresh process: parsing happens before Textual's import reads TEXTUAL_FPS."""
    code = (
        "import sys; from tui.cli.command import build_parser; "
        "assert 'textual' not in sys.modules; build_parser().parse_args(['--fps', '12']); "
        "from textual import constants; print(constants.MAX_FPS)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "12"


def test_serve_takes_a_rate_for_its_tabs(gdlab, clean_env):
    result = gdlab("serve", "--fps", "500", "--port", "8123")
    assert result.code == 2 and "fps" in result.err
