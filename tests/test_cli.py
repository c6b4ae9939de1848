"""`gdlab run`: formats, output files, exit codes, and refusals of bad input."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

GDLAB = str(Path(sys.executable).with_name("gdlab"))
"""The console script installed beside this interpreter (PATH may not hold it)."""

BAD_INPUTS = [
    (["run", "5"], "chapter"),
    (["run", "x"], "chapter"),
    (["run", "1", "--eta", "abc"], "eta"),
    (["run", "1", "--eta", "0"], "eta"),
    (["run", "1", "--eta", "-0.1"], "eta"),
    (["run", "1", "--eta", "-0"], "eta"),
    (["run", "1", "--eta", "nan"], "eta"),
    (["run", "1", "--eta", "inf"], "eta"),
    (["run", "1", "--eta", "1e999"], "eta"),
    (["run", "1", "--eta", ""], "eta"),
    (["run", "1", "--iterations", "0"], "iterations"),
    (["run", "1", "--iterations", "10000001"], "iterations"),
    (["run", "1", "--iterations", "2.5"], "iterations"),
    (["run", "1", "--iterations", "9" * 5000], "iterations"),
    (["run", "1", "--init", "1", "2"], "init"),
    (["run", "2", "--init", "1"], "init"),
    (["run", "3", "--init", "1", "2", "abc"], "init"),
    (["run", "1", "--device", "tpu"], "device"),
    (["run", "1", "--device", "cuda:7"], "device"),
    (["run", "1", "--device", "mps"], "device"),
    (["run", "1", "--seed", "-1"], "seed"),
    (["run", "1", "--every", "0"], "every"),
    (["run", "1", "--format", "xml"], "format"),
    (["run", "1", "--bogus"], "unrecognized"),
]


@pytest.mark.parametrize(("args", "field"), BAD_INPUTS)
def test_bad_input_is_one_line_naming_the_field_and_exit_code_2(gdlab, args, field):
    result = gdlab(*args)
    assert result.code == 2
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("gdlab: ")
    assert field in lines[0]


def test_bad_input_writes_no_file(gdlab, tmp_path):
    target = tmp_path / "out.csv"
    result = gdlab("run", "3", "--eta", "abc", "--output", str(target))
    assert result.code == 2
    assert list(tmp_path.iterdir()) == []


def test_csv_carries_every_iteration_with_a_header(gdlab):
    result = gdlab("run", "3", "--iterations", "25", "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.out)))
    assert rows[0] == [
        "iteration",
        "w0",
        "w1",
        "b",
        "objective",
        "grad_w0",
        "grad_w1",
        "grad_b",
        "y0",
        "y1",
        "y2",
    ]
    assert [int(r[0]) for r in rows[1:]] == list(range(25))
    assert float(rows[1][4]) == pytest.approx(3322.4231, rel=1e-6)


def test_json_with_every_keeps_every_kth_iteration(gdlab):
    result = gdlab(
        "run", "1", "--iterations", "10", "--format", "json", "--every", "3", "--seed", "0"
    )
    data = json.loads(result.out)
    assert data["chapter"] == "1"
    assert data["columns"][:2] == ["iteration", "x"]
    assert [row[0] for row in data["rows"]] == [0, 3, 6, 9]


def test_output_file_is_written_whole(gdlab, tmp_path):
    target = tmp_path / "ch2.csv"
    result = gdlab("run", "2", "--seed", "1", "--format", "csv", "--output", str(target))
    assert result.code == 0 and result.out == ""
    assert len(target.read_text().splitlines()) == 11
    assert [p.name for p in tmp_path.iterdir()] == ["ch2.csv"]


def test_output_into_a_missing_folder_is_refused(gdlab, tmp_path):
    result = gdlab("run", "1", "--output", str(tmp_path / "nope" / "x.csv"))
    assert result.code == 2 and "output" in result.err


def test_divergence_exits_3_names_the_iteration_and_bound_and_keeps_rows(gdlab, tmp_path):
    target = tmp_path / "div.csv"
    result = gdlab(
        "run", "1", "--eta", "3", "--init", "1", "--format", "csv", "--output", str(target)
    )
    assert result.code == 3
    assert "diverged at iteration 4" in result.err
    assert "η < 2" in result.err
    assert len(target.read_text().splitlines()) == 1 + 4


def test_unseeded_summary_gives_the_seed_that_reproduces_the_run(gdlab):
    first = gdlab("run", "2")
    seed = first.err.split("seed ")[1].split()[0].strip(",")
    again = gdlab("run", "2", "--seed", seed)
    assert again.out == first.out


@pytest.mark.slow
def test_console_script_and_python_m_tui_work():
    for command in ([GDLAB], [sys.executable, "-m", "tui"]):
        done = subprocess.run(
            [*command, "run", "1", "--init", "0.5", "--iterations", "2"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == ["x= 0.5", "x= 1.100000023841858"]


def test_gdlab_without_a_terminal_explains_gdlab_run():
    done = subprocess.run(
        [GDLAB], capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 2
    assert "gdlab run" in done.stderr
    assert "\x1b" not in done.stdout + done.stderr


def test_run_help_lists_the_options():
    done = subprocess.run(
        [sys.executable, "-m", "tui", "run", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    for option in (
        "--eta",
        "--iterations",
        "--device",
        "--seed",
        "--init",
        "--every",
        "--format",
        "--output",
    ):
        assert option in done.stdout
    said = " ".join(done.stdout.split())  # argparse wraps the help at any space
    # chapter 4's own defaults and start, and the seed's second use, not the book's alone
    assert "(default: the chapter's: adam on 4, else plain, the book's update)" in said
    assert "4: torch.nn's init) and of the --batch-size shuffle" in said
    assert "(3 with --data: 1/λmax rounded down), 0.005 on 4, 0.001 on custom" in said
    assert "1,000 on 4, 30,000 on custom" in said


@pytest.mark.slow
def test_the_built_wheel_holds_every_module_and_stylesheet(tmp_path):
    """A user installs the wheel, not this tree: every file of solvers/ and tui/ that git
    tracks (the .tcss styles, the page's template and fonts) must be in it, with the
    gdlab command."""
    root = Path(__file__).parents[1]
    tracked = (
        subprocess.run(
            ["git", "ls-files", "-z", "pyproject.toml", "README.md", "solvers", "tui"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip("\0")
        .split("\0")
    )
    source = tmp_path / "src"  # a copy: building writes build/ and *.egg-info beside it
    for name in tracked:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, source / name)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = tmp_path.glob("gdlab-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = archive.read(entry_points).decode()
    package_files = [n for n in tracked if n.startswith(("solvers/", "tui/"))]
    assert any(n.endswith(".tcss") for n in package_files)
    assert "tui/app/screens/chapter.py" in package_files
    assert sorted(set(package_files) - names) == []
    assert "gdlab = tui.main:main" in scripts


ROSENBROCK = "(1-x0)**2 + 100*(x1-x0**2)**2"


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))[1:]


def test_your_function_prints_the_book_tensor_line_of_every_parameter(gdlab):
    """The README's example: the book's default format for a function the book never
    ran prints chapter 2's line, ``x= tensor([…], requires_grad=True)``, per iteration."""
    import torch

    args = ("run", "custom", "--expr", ROSENBROCK, "--init", "-1.5", "2", "--eta", "1e-3")
    book = gdlab(*args, "--iterations", "12")
    assert book.code == 0, book.err
    assert "unexpected error" not in book.err
    table = gdlab(*args, "--iterations", "12", "--format", "csv")
    rows = _csv_rows(table.out)
    assert len(rows) == 12
    expected = [
        "x= " + str(torch.tensor([float(r[1]), float(r[2])], requires_grad=True)) for r in rows
    ]
    assert book.out.splitlines() == expected
    assert expected[0] == "x= tensor([-1.5000,  2.0000], requires_grad=True)"


def test_your_function_of_one_variable_prints_chapter_1s_line(gdlab):
    args = ("run", "custom", "--expr", "x^2 + 1", "--init", "-1.5", "--eta", "0.3")
    book = gdlab(*args, "--iterations", "6")
    assert book.code == 0, book.err
    table = gdlab(*args, "--iterations", "6", "--format", "csv")
    assert book.out.splitlines() == [f"x= {r[1]}" for r in _csv_rows(table.out)]
    assert book.out.splitlines()[:2] == ["x= -1.5", "x= -0.5999999642372131"]  # -1.5 - 0.3*(-3)


def test_one_variable_named_x0_is_printed_under_its_name(gdlab):
    result = gdlab("run", "custom", "--expr", "x0^2", "--init", "2", "--iterations", "2")
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["x0= 2.0", "x0= 1.996000051498413"]


def test_a_start_too_short_for_the_variables_is_the_starts_fault(gdlab):
    result = gdlab("run", "custom", "--expr", "x0^2 + x1^2", "--init", "1")
    assert result.code == 2
    assert result.err == (
        "gdlab: init: x1 is used, so the start needs at least 2 values (x0 … x1), got 1\n"
    )


def test_a_saved_run_of_your_function_repeats_in_the_book_format(gdlab, tmp_path):
    saved = tmp_path / "run.json"
    args = ("custom", "--expr", ROSENBROCK, "--init", "-1.5", "2", "--eta", "1e-3")
    first = gdlab("run", *args, "--iterations", "9", "--format", "json", "--output", str(saved))
    assert first.code == 0, first.err
    again = gdlab("run", "--from", str(saved))
    assert again.code == 0, again.err
    direct = gdlab("run", *args, "--iterations", "9")
    assert again.out == direct.out
    assert len(again.out.splitlines()) == 9
    assert again.out.startswith("x= tensor([-1.5000,  2.0000], requires_grad=True)\n")


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["run", "custom", "--expr", "-x^2", "--init", "1"], "--expr=-x^2"),
        (["run", "custom", "--init", "-1.5", "2", "--expr", "-x0*x1"], "--expr=-x0*x1"),
        (["compare", "custom", "--expr", "-x^2", "--init", "1"], "--expr=-x^2"),
        (["code", "custom", "--expr", "-x^2", "--init", "1"], "--expr=-x^2"),
    ],
)
def test_a_value_starting_with_a_dash_gets_the_equals_hint(gdlab, args, hint):
    result = gdlab(*args)
    assert result.code == 2 and result.out == ""
    (line,) = result.err.splitlines()
    assert line.startswith("gdlab: argument --expr: expected one argument")
    assert line.endswith(f"a value that starts with '-' goes after '=': {hint}")


def test_an_option_after_an_option_gets_no_dash_hint(gdlab):
    result = gdlab("run", "custom", "--expr", "--init", "1")
    assert result.code == 2 and "goes after '='" not in result.err


def test_the_hinted_form_and_negative_starts_are_taken(gdlab):
    result = gdlab(
        "run", "custom", "--expr=-x0^2 + x1^2", "--init", "-1.5", "2", "--iterations", "2"
    )
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "x= tensor([-1.5000,  2.0000], requires_grad=True)"
