"""Chapter 3 on a learner's CSV file: the reader, the fit against least squares and
NIST's certified values, every bad file refused in one line, the script, and the
book's chapter 3 unchanged."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest
from script_runs import run_script

from solvers.chapters.registry import chapter_of, problem_for
from solvers.core.csv_table import read_table
from solvers.core.regression_data import regression_data

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"
LONGLEY = str(EXAMPLES / "longley.csv")
STACKLOSS = str(EXAMPLES / "stackloss.csv")

NIST_LONGLEY = {
    # NIST StRD, linear least squares, Longley: certified values (15 digits)
    "b": -3482258.63459582,
    "GNPDEFL": 15.0618722713733,
    "GNP": -0.358191792925910e-01,
    "UNEMP": -2.02022980381683,
    "ARMED": -1.03322686717359,
    "POP": -0.511041056535807e-01,
    "YEAR": 1829.15146461355,
}
NIST_LONGLEY_R2 = 0.995479004577296

BAD_FILES: dict[str, tuple[bytes | None, str, str]] = {
    # name: (content, None for a path that is not a file; the field; what the line says)
    "missing": (None, "data", "no such file"),
    "folder": (None, "data", "is a folder"),
    "binary": (b"a,b,y\n1,2\x00,3\n", "data", "line 2, column 4: is not text"),
    "not_utf8": (b"a,b,y\n1,\xff2,3\n", "data", "line 2, column 3: is not text"),
    "ragged": (b"a,b,y\n1,2,3\n4,5\n7,8,9\n", "data", "line 3, column 3: has 2 values"),
    "not_a_number": (b"a,b,y\n1,2,3\n4,five,6\n7,8,9\n", "data", "line 3, column 2 (b): 'five'"),
    "nan": (b"a,b,y\n1,2,3\n4,5,nan\n7,8,9\n", "data", "line 3, column 3 (y): 'nan' is not"),
    "infinity": (b"a,b,y\n1,2,3\n4,5,6\n-inf,8,9\n", "data", "line 4, column 1 (a): '-inf'"),
    "empty": (b"", "data", "is empty"),
    "header_only": (b"a,b,y\n", "data", "line 1: has a header and no rows"),
    "few_rows": (b"a,b,y\n1,2,3\n4,5,7\n", "data", "2 rows for 2 features and a bias"),
    "constant": (b"a,b,y\n1,2,3\n1,5,6\n1,8,1\n1,3,3\n", "data", "column 1 (a): every row"),
    "no_target": (b"a,b,y\n1,2,3\n4,5,7\n7,8,8\n0,1,1\n", "target", "'z' is not a column"),
    "no_feature": (b"a,b,y\n1,2,3\n4,5,7\n7,8,8\n0,1,1\n", "features", "'q' is not a column"),
}
"""Every class of bad file, and the line that names it."""


def bad_file(tmp_path: Path, name: str) -> tuple[str, list[str]]:
    """The bad file ``name`` written under ``tmp_path``, and the options that run it."""
    content, _, _ = BAD_FILES[name]
    path = tmp_path / f"{name}.csv"
    if name == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    options = ["--data", str(path), "--target", "z" if name == "no_target" else "y"]
    if name == "constant":
        options.append("--standardize")
    if name == "no_feature":
        options += ["--features", "a,q"]
    return str(path), options


def summary_fits(err: str) -> tuple[dict[str, float], dict[str, float]]:
    """The descent's and least squares' weights, bias and R² from a run's summary."""
    found: dict[str, dict[str, float]] = {}
    for line in err.splitlines():
        match = re.match(r"(descent|least squares) \(data units\):\s+(.*)", line)
        if match:
            pairs = (part.rsplit(" ", 1) for part in match.group(2).split(", "))
            found[match.group(1)] = {name: float(value) for name, value in pairs}
    return found["descent"], found["least squares"]


def test_the_reader_keeps_every_value_and_names_the_columns():
    table = read_table(LONGLEY)
    assert table.names == ("TOTEMP", "GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR")
    assert table.values.shape == (16, 7)
    assert table.values.dtype == np.float64
    assert table.values[0, 2] == 234289.0 and table.values[-1, -1] == 1962.0


def test_least_squares_on_longley_is_nists_certified_fit():
    """The exact fit gdlab reports (lstsq in float64 on the raw [X 1]) is NIST's to 7
    significant digits, whether or not the run standardizes."""
    from solvers.chapters.regression_notes import least_squares

    for standardize in (False, True):
        data = regression_data(LONGLEY, "TOTEMP", "", standardize)
        w, b = least_squares(data)
        for name, value in zip(data.features, w, strict=True):
            assert value == pytest.approx(NIST_LONGLEY[name], rel=1e-7), name
        assert b == pytest.approx(NIST_LONGLEY["b"], rel=1e-7)
        assert data.r_squared(w, b) == pytest.approx(NIST_LONGLEY_R2, abs=1e-9)


def test_standardizing_changes_the_run_not_the_optimum_in_data_units():
    """The run's optimum (the problem's facts, on z-scores) is least squares in the
    data's units once w = w_z/σ, b = b_z − Σ w_z μ/σ undoes the z-scores; κ falls."""
    chapter = chapter_of("3")
    spec = chapter.spec({"data": LONGLEY, "target": "TOTEMP", "standardize": "on"})
    problem = problem_for(spec)
    optimum = problem.facts.optimum
    assert optimum is not None
    data = regression_data(LONGLEY, "TOTEMP", "", True)
    w, b = data.data_units(np.array(optimum.params[:-1]), optimum.params[-1])
    assert w == pytest.approx([NIST_LONGLEY[n] for n in data.features], rel=1e-6)
    assert b == pytest.approx(NIST_LONGLEY["b"], rel=1e-6)
    assert data.condition(True) < 1e5 < 1e15 < data.condition(False)


def test_stack_loss_standardized_descent_reaches_least_squares(gdlab):
    """The issue's test: the descent's R² within 0.001 of least squares', its weights
    and bias in data units within 1e-3 relative (float32, the default η = 1/λmax)."""
    run = gdlab(
        "run", "3", "--data", STACKLOSS, "--target", "STACKLOSS", "--standardize",
        "--format", "csv", "--every", "10000",
    )  # fmt: skip
    assert run.code == 0, run.err
    descent, exact = summary_fits(run.err)
    assert set(descent) == {"AIRFLOW", "WATERTEMP", "ACIDCONC", "b", "R²"}
    assert abs(descent["R²"] - exact["R²"]) < 1e-3
    for name in ("AIRFLOW", "WATERTEMP", "ACIDCONC", "b"):
        assert descent[name] == pytest.approx(exact[name], rel=1e-3), name
    assert "κ = λmax/λmin of [X 1]ᵀ[X 1]:" in run.err and "< 2/λmax =" in run.err


def test_longley_raw_stays_far_from_least_squares_where_standardized_gets_there(gdlab):
    """κ's lesson: the same iterations at each problem's own default η (half its bound)."""
    options = ("run", "3", "--data", LONGLEY, "--target", "TOTEMP", "--format", "csv")
    raw = gdlab(*options, "--every", "5000", "--iterations", "5000")
    scaled = gdlab(*options, "--every", "5000", "--iterations", "5000", "--standardize")
    assert raw.code == 0 and scaled.code == 0, raw.err + scaled.err
    raw_fit, exact = summary_fits(raw.err)
    scaled_fit, _ = summary_fits(scaled.err)
    # raw: YEAR's weight has not left zero's neighbourhood (1829 is its optimum)
    assert abs(raw_fit["YEAR"]) < 1e-3 * abs(exact["YEAR"])
    assert abs(scaled_fit["YEAR"] - exact["YEAR"]) < 0.5 * abs(exact["YEAR"])
    assert exact["R²"] - scaled_fit["R²"] < 0.01 < exact["R²"] - raw_fit["R²"]


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_one_line_and_exit_2(gdlab, tmp_path: Path, name: str):
    path, options = bad_file(tmp_path, name)
    _, field, said = BAD_FILES[name]
    result = gdlab("run", "3", *options)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"gdlab: {field}: "), lines[0]
    assert said in lines[0]
    if field == "data":
        assert path in lines[0]
    assert "Traceback" not in result.err and result.out == ""


def test_compare_and_code_refuse_a_bad_file_the_same_way(gdlab, tmp_path: Path):
    _, options = bad_file(tmp_path, "ragged")
    for command in ("compare", "code"):
        result = gdlab(command, "3", *options)
        assert result.code == 2
        assert result.err.strip().startswith("gdlab: data: ") and "line 3" in result.err


def test_data_options_need_chapter_3_and_a_file(gdlab):
    assert gdlab("run", "3", "--standardize").err.strip() == (
        "gdlab: standardize: is only for a data file: give --data FILE.csv"
    )
    assert gdlab("run", "1", "--data", STACKLOSS).code == 2


def test_the_script_reproduces_a_run_on_a_file_bit_for_bit(gdlab, tmp_path: Path):
    options = (
        "3", "--data", STACKLOSS, "--target", "STACKLOSS", "--features", "AIRFLOW,ACIDCONC",
        "--standardize", "--iterations", "200", "--device", "cpu",
    )  # fmt: skip
    code = gdlab("code", *options)
    assert code.code == 0, code.err
    run = gdlab("run", *options, "--format", "csv")
    assert run_script(code.out, tmp_path, "fit.py") == run.out


def test_a_few_rows_are_predicted_many_are_not(gdlab, tmp_path: Path):
    """Up to 8 rows: each row's prediction in the table and the book's print; more:
    the book's print shows w, b, sum_err and w.grad only."""
    small = tmp_path / "small.csv"
    small.write_text("a,y\n1,2\n2,4.5\n3,5.5\n4,8\n")
    few = gdlab("run", "3", "--data", str(small), "--target", "y", "--iterations", "2")
    assert few.code == 0 and "y = tensor(" in few.out and "loss =  tensor(" in few.out
    many = gdlab("run", "3", "--data", STACKLOSS, "--target", "STACKLOSS", "--iterations", "2")
    assert many.code == 0
    assert "y = tensor(" not in many.out and "sum_err =  tensor(" in many.out
    assert "w.grad= tensor(" in many.out
    header = gdlab(
        "run", "3", "--data", STACKLOSS, "--target", "STACKLOSS", "--iterations", "1",
        "--format", "csv",
    ).out.splitlines()[0]  # fmt: skip
    assert header == "iteration,w0,w1,w2,b,objective,grad_w0,grad_w1,grad_w2,grad_b"


def test_the_books_chapter_3_is_unchanged(gdlab):
    """No file: the book's three samples, its start and η, its print."""
    chapter = chapter_of("3")
    assert chapter.spec({}) is chapter.default
    assert chapter.spec({"data": "", "target": "", "features": "", "standardize": ""}) is (
        chapter.default
    )
    run = gdlab("run", "3", "--iterations", "1")
    assert run.code == 0
    assert run.out.startswith("--------------------\nw = tensor([[0.0010, 0.0030]]")
    assert "descent (data units)" not in run.err


@pytest.mark.slow
def test_a_file_of_100000_rows_and_50_features(gdlab, tmp_path: Path):
    """Read into float64 numpy arrays (about 40 MB), fitted, least squares beside."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(100_000, 50))
    y = x @ rng.normal(size=50) + 3 + rng.normal(scale=0.1, size=100_000)
    path = tmp_path / "big.csv"
    header = ",".join([*(f"f{i}" for i in range(50)), "y"])
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", header=header, comments="")
    started = time.perf_counter()
    table = read_table(str(path))
    assert table.values.shape == (100_000, 51) and table.values.nbytes == 100_000 * 51 * 8
    assert time.perf_counter() - started < 60
    run = gdlab("run", "3", "--data", str(path), "--target", "y", "--standardize",
                "--iterations", "200", "--format", "csv", "--every", "200")  # fmt: skip
    assert run.code == 0, run.err
    descent, exact = summary_fits(run.err)
    assert abs(descent["R²"] - exact["R²"]) < 1e-3


def test_a_saved_run_on_a_file_repeats_and_an_older_books_run_still_loads(gdlab, tmp_path):
    """--from repeats a run on a file; a chapter-3 run saved before the data inputs
    existed (no such keys) is the book's run, as it was."""
    import json

    saved = tmp_path / "fit.json"
    options = ("--data", STACKLOSS, "--target", "STACKLOSS", "--standardize", "--iterations", "20")
    first = gdlab("run", "3", *options, "--format", "json", "--output", str(saved))
    assert first.code == 0, first.err
    again = gdlab("run", "--from", str(saved), "--format", "csv")
    assert again.out == gdlab("run", "3", *options, "--format", "csv").out
    book = tmp_path / "book.json"
    assert (
        gdlab("run", "3", "--iterations", "3", "--format", "json", "--output", str(book)).code == 0
    )
    record = json.loads(book.read_text())
    for name in ("data", "target", "features", "standardize"):
        record["settings"].pop(name)
    book.write_text(json.dumps(record))
    older = gdlab("run", "--from", str(book), "--format", "csv")
    assert older.code == 0, older.err
    assert older.out == gdlab("run", "3", "--iterations", "3", "--format", "csv").out
