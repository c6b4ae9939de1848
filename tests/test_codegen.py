"""The run's standalone script: run with plain python, it prints the rows gdlab
records, bit for bit on the CPU; ``gdlab code`` and the app's code screen."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from script_runs import run_script
from textual.widgets import Select, Static

from solvers.chapters.function import function_spec, variable_names
from solvers.chapters.registry import make_problem, spec_of
from solvers.core.expression import parse
from solvers.core.specs import ProblemSpec
from solvers.problems.objectives.expression import ExpressionObjective, make_expression_objective
from solvers.problems.problem import Problem
from solvers.records.codegen import COMPILED_FROM, CodeRequest, agreement, script
from solvers.records.export import CsvWriter
from solvers.run.descent import SCRIPT_FROM, Descent
from solvers.run.history import Layout
from solvers.run.settings import RunSettings
from tests.app_helpers import first_screen, handled_up_to, tap, wait_until
from tui.app.app import GdlabApp
from tui.app.screens.chapter import ChapterScreen
from tui.app.screens.code import CodeScreen, save_beside, script_base
from tui.app.widgets.settings_form import SettingsForm
from tui.cli.command import UsageError, build_parser
from tui.output import new_file_mode, open_output

ROOT = Path(__file__).parents[1]


def csv_of(problem: Problem, settings: RunSettings) -> str:
    """What ``gdlab run --format csv`` prints for ``problem`` (also a problem the CLI
    cannot name yet, such as an expression)."""
    descent = Descent(problem, settings)
    stream = io.StringIO()
    writer = CsvWriter(stream, problem, descent.layout)
    writer.begin()
    for batch in descent.run():
        writer.rows(range(batch.start, batch.stop), descent.history.rows[batch.start : batch.stop])
    return stream.getvalue()


@pytest.mark.parametrize(
    ("chapter", "options"),
    [
        pytest.param("1", ["--seed", "7"], marks=pytest.mark.slow),
        pytest.param("2", ["--seed", "3"], marks=pytest.mark.slow),
        pytest.param(
            "2",
            ["--init", "0.3", "-0.2", "--eta", "0.7", "--iterations", "25"],
            marks=pytest.mark.slow,
        ),
        pytest.param("3", ["--iterations", "300"], marks=pytest.mark.slow),
    ],
)
def test_chapter_script_prints_gdlab_runs_rows(gdlab, tmp_path, chapter, options):
    common = [chapter, "--device", "cpu", *options]
    generated = gdlab("code", *common)
    assert generated.code == 0, generated.err
    expected = gdlab("run", *common, "--format", "csv")
    assert expected.code == 0
    assert run_script(generated.out, tmp_path) == expected.out


@pytest.mark.slow
def test_chapter_3_compiled_run_matches_the_script(gdlab, tmp_path):
    # 2,500 iterations: gdlab runs them compiled with TorchScript
    common = ["3", "--device", "cpu", "--iterations", "2500"]
    expected = gdlab("run", *common, "--format", "csv").out
    assert run_script(gdlab("code", *common).out, tmp_path) == expected
    assert len(expected.splitlines()) == 2501


ROSENBROCK = ["custom", "--expr", "(1-x0)**2 + 10*(x1-x0^2)^2", "--init", "-1", "1"]


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(["1", "--seed", "7"], id="chapter-1-drawn-start"),
        pytest.param(
            ["3", "--iterations", "300"], id="chapter-3-book-data", marks=pytest.mark.slow
        ),
        pytest.param(
            [*ROSENBROCK, "--eta", "0.001", "--iterations", "60"],
            id="your-function",
            marks=pytest.mark.slow,
        ),
    ],
)
def test_float64_script_prints_gdlab_runs_float64_rows(gdlab, tmp_path, options):
    common = [*options, "--device", "cpu"]
    generated = gdlab("code", *common, "--dtype", "float64")
    assert generated.code == 0, generated.err
    code = generated.out
    # every tensor the script creates is float64: the parameters are created in it, the
    # book's samples (float32 values in gdlab too) are moved to it
    created = [line for line in code.splitlines() if "torch.tensor(" in line]
    assert created
    for line in created:
        assert "dtype=torch.float64" in line, line
        assert "float32" not in line or line.endswith(".to(device, dtype=torch.float64)"), line
    expected = gdlab("run", *common, "--dtype", "float64", "--format", "csv")
    assert expected.code == 0, expected.err
    printed = run_script(code, tmp_path)
    assert printed == expected.out
    # and these are not float32's rows: the option changed the numbers, not just the text
    single = gdlab("run", *common, "--format", "csv").out
    assert printed.splitlines()[0] == single.splitlines()[0]  # the same columns
    assert printed.splitlines()[1:] != single.splitlines()[1:]


def test_the_request_of_a_run_keeps_its_dtype():
    spec = make_problem("2").spec
    request = CodeRequest.for_run(spec, RunSettings(0.1, 5, "cpu", dtype="float64"))
    assert request.dtype == "float64"
    assert CodeRequest.for_run(spec, RunSettings(0.1, 5, "cpu")).dtype == "float32"
    with pytest.raises(ValueError, match="float16"):
        script(CodeRequest(spec_of("2"), 0.1, 5, dtype="float16"))


def custom_problem(text: str, dim: int, *, compiled: bool = False) -> Problem:
    """An expression as a problem, with its eager objective (or the compiled twin)."""
    names = variable_names(dim, parse(text).is_vector)
    spec = ProblemSpec(
        "custom",
        "Your function",
        text,
        names,
        ((dim,),),
        (),
        0.1,
        50,
        None,
        inputs=(("expr", text),),
    )
    make = make_expression_objective if compiled else ExpressionObjective
    return Problem(spec, make(parse(text), dim))


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("sin(x0)*sin(x0) + max(x1, 2) - x0^2/3 + (x0 - 1)^2 + tanh(-x1)", (0.5, 1.0)),
        pytest.param(
            "(x - 2)**2/2 + 0.1*exp(-x) + abs(x) + sigmoid(x) - min(x, 1)",
            (3.0,),
            marks=pytest.mark.slow,
        ),
        pytest.param("softplus(-x) + log(1 + x^2)", (1.0,), marks=pytest.mark.slow),
    ],
)
def test_custom_function_script_prints_the_runs_rows(tmp_path, text, start):
    problem = custom_problem(text, len(start))
    settings = RunSettings(0.05, 40, "cpu", start=start)
    request = CodeRequest.of(problem.spec, settings)
    assert run_script(script(request), tmp_path) == csv_of(problem, settings)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "sin(x0)*sin(x0) + x0^2/3",
            marks=pytest.mark.xfail(
                strict=True,
                reason="the TorchScript twin (make_expression_objective) merges the two "
                "sin(x0): one gradient sum in another order than eager torch's",
            ),
        ),
        "softplus(-x0)",
    ],
)
def test_compiled_expression_matches_the_script(tmp_path, text):
    problem = custom_problem(text, 1, compiled=True)
    settings = RunSettings(0.05, 10, "cpu", start=(1.0,))
    request = CodeRequest.of(function_spec(text, (1.0,)), settings)
    assert request.spec.param_names == ("x0",)
    assert run_script(script(request), tmp_path) == csv_of(problem, settings)


@pytest.mark.slow
def test_deep_expression_is_written_as_steps(tmp_path):
    text = " + ".join(f"sin(x0*{k}+x1)" for k in range(1, 40))
    problem = custom_problem(text, 2)
    settings = RunSettings(0.001, 5, "cpu", start=(0.1, 0.2))
    code = script(CodeRequest.of(problem.spec, settings))
    assert "t0 = x[0]" in code
    assert run_script(code, tmp_path) == csv_of(problem, settings)


def torch_optim_rows(problem: Problem, settings: RunSettings, cls: type, **knobs: object) -> str:
    """The rows of ``problem`` under ``torch.optim`` ``cls``, in gdlab's CSV: the
    problem's own objective module, not the script's text."""
    assert settings.start is not None
    params = problem.make_params(settings.start, torch.device("cpu"))
    optimizer = cls(params, lr=settings.eta, **knobs)
    layout = Layout.of(problem.spec)
    stream = io.StringIO()
    writer = CsvWriter(stream, problem, layout)
    writer.begin()
    for i in range(settings.iterations):
        value, pred = problem.objective(params)
        value.sum().backward()
        row = torch.cat(
            [p.detach().reshape(-1) for p in params]
            + [value.detach().reshape(-1)]
            + [p.grad.reshape(-1) for p in params]
            + [pred.detach().reshape(-1)]
        )
        writer.rows(range(i, i + 1), row.numpy()[None, :])
        optimizer.step()
        optimizer.zero_grad()
    return stream.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("optimizer", "cls", "knobs"),
    [
        ("momentum", torch.optim.SGD, {"momentum": 0.8}),
        ("adam", torch.optim.Adam, {"betas": (0.8, 0.99)}),
    ],
)
@pytest.mark.parametrize("chapter", ["2", "3"])
def test_optimizer_scripts_run_torch_optim(tmp_path, optimizer, cls, knobs, chapter):
    problem = make_problem(chapter)
    start = (0.3, -0.2) if chapter == "2" else (0.001, 0.003, 0.005)
    settings = RunSettings(0.01, 30, "cpu", start=start)
    code = script(CodeRequest.of(spec_of(chapter), settings, optimizer=optimizer, knobs=knobs))
    assert f"torch.optim.{cls.__name__}(" in code
    assert run_script(code, tmp_path) == torch_optim_rows(problem, settings, cls, **knobs)


def _run_knows_optimizers() -> bool:
    try:
        build_parser().parse_args(["run", "1", "--optimizer", "adam"])
    except UsageError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not _run_knows_optimizers(), reason="gdlab run has no --optimizer yet")
@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_optimizer_scripts_print_gdlab_runs_rows(gdlab, tmp_path, optimizer):
    common = ["2", "--device", "cpu", "--init", "0.3", "-0.2", "--optimizer", optimizer]
    recorded = gdlab("run", *common, "--format", "csv").out.splitlines()
    printed = run_script(gdlab("code", *common).out, tmp_path).splitlines()
    # the run also records the optimizer's state after the update (step, v, m, v2):
    # the script prints the columns before it, which must be the same, digit for digit
    width = len(printed[0].split(","))
    assert recorded[0].split(",")[width:] and printed[0] == ",".join(recorded[0].split(",")[:width])
    assert printed == [",".join(line.split(",")[:width]) for line in recorded]


def test_book_style(gdlab):
    code = gdlab("code", "1").out
    for line in (
        "x = torch.tensor(np.random.normal(0, 0.01, (1, 1)), dtype=torch.float32).to(device)",
        "x.requires_grad_(requires_grad=True)",
        "eta = 0.4",
        "for i in range(15):",
        "    y = (x-2)**2/2",
        "    y.backward()",
        "    x.data -= eta*x.grad",
        "    x.grad.data.zero_()",
    ):
        assert line in code.splitlines()
    assert "np.random.seed" not in code  # no seed: the book's unseeded draw
    book3 = gdlab("code", "3").out
    assert "    sum_err = torch.sum(loss)" in book3
    assert "    w.data -= eta*w.grad" in book3 and "    b.grad.data.zero_()" in book3


def test_code_output_file_and_refusals(gdlab, tmp_path):
    target = tmp_path / "chapter1.py"
    done = gdlab("code", "1", "--seed", "5", "--output", str(target))
    assert done.code == 0 and done.out == ""
    assert "np.random.seed(5)" in target.read_text()
    assert gdlab("code", "1", "--eta", "-1").code == 2
    assert gdlab("code", "9").code == 2
    assert gdlab("code", "1", "--optimizer", "lbfgs").code == 2
    assert gdlab("code", "1", "--output", str(tmp_path)).code == 2


def test_gdlab_code_does_not_import_torch():
    code = (
        "import io, sys, contextlib\nfrom tui.cli.command import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    status = main(['code', '3', '--optimizer', 'adam', '--betas', '0.8', '0.9'])\n"
        "print(status, 'torch' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.stdout.strip() == "0 False", done.stderr


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_save_beside_writes_the_name_given_with_an_exports_mode(tmp_path, umask):
    """``w`` writes the name the code view shows, with the mode the export's files get
    (a new file's: 0666 less the umask), not mkstemp's 0600."""
    old = os.umask(umask)
    try:
        saved = save_beside("a = 1\n", "gdlab-chapter1-20261206-010203", tmp_path)
        with open_output(str(tmp_path / "export.csv")) as stream:
            stream.write("x\n")
    finally:
        os.umask(old)
    assert saved.name == "gdlab-chapter1-20261206-010203.py"
    exported = (tmp_path / "export.csv").stat().st_mode & 0o777
    assert saved.stat().st_mode & 0o777 == exported == 0o666 & ~umask


def test_script_names_follow_the_exports_names():
    when = time.mktime((2026, 12, 6, 1, 2, 3, 0, 0, -1))
    assert script_base("1", when) == "gdlab-chapter1-20261206-010203"
    assert script_base("custom", when) == "gdlab-custom-20261206-010203"


def test_save_beside_never_overwrites(tmp_path):
    first = save_beside("a = 1\n", "gdlab-chapter1", tmp_path)
    second = save_beside("a = 2\n", "gdlab-chapter1", tmp_path)
    assert first != second
    assert first.read_text() == "a = 1\n" and second.read_text() == "a = 2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, second.name])


@pytest.mark.slow
async def test_c_shows_the_runs_script_and_w_saves_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = GdlabApp(start_chapter="2")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        await tap(pilot, "r")  # a drawn start, no seed
        await wait_until(pilot, lambda: screen.controller.report is not None, "the run")
        view = screen.controller.view
        assert view is not None
        await tap(pilot, "c")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, CodeScreen) and bool(app.screen.query("#code-text")),
            "the code screen",
            10,
        )
        code_screen = app.screen
        assert isinstance(code_screen, CodeScreen)
        head = code_screen.query_one("#code-head", Static)
        shown = f"python {code_screen.base}.py prints"
        assert str(head.render()).startswith(shown)
        await tap(pilot, "w")
        await wait_until(pilot, lambda: code_screen.saved is not None, "the file", 10)
        saved = code_screen.saved
        assert saved is not None and saved.parent == tmp_path
        assert saved.name == f"{code_screen.base}.py"  # the name the view showed
        assert saved.name.startswith("gdlab-chapter2-")
        assert saved.stat().st_mode & 0o777 == new_file_mode()
        await tap(pilot, "w")  # a second file beside it: the view names that one
        await wait_until(pilot, lambda: code_screen.saved != saved, "the second file", 10)
        assert code_screen.saved is not None
        assert code_screen.saved.name == f"{code_screen.base}-2.py"
        await wait_until(
            pilot,
            lambda: str(head.render()).startswith(f"python {code_screen.base}-2.py"),
            "the header naming the second file",
            10,
        )
        rows = view.rows
        stream = io.StringIO()
        writer = CsvWriter(stream, make_problem("2"), view.layout)
        writer.begin()
        writer.rows(range(len(rows)), rows)
        assert run_script(saved.read_text(), tmp_path, saved.name) == stream.getvalue()
        await tap(pilot, "escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CodeScreen), "closed", 10)


@pytest.mark.slow
async def test_c_writes_float64_tensors_when_the_dtype_field_says_float64():
    app = GdlabApp(start_chapter="2")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        await wait_until(pilot, lambda: screen.controls_mounted, "the fields", 30)
        menu = screen.query_one("#dtype", Select)
        menu.value = "float64"
        await handled_up_to(pilot, menu, screen.query_one(SettingsForm))
        await tap(pilot, "c")
        await wait_until(pilot, lambda: isinstance(app.screen, CodeScreen), "the code screen", 10)
        code_screen = app.screen
        assert isinstance(code_screen, CodeScreen)
        text = code_screen.text
        assert "x = torch.tensor(np.random.normal(0, 0.01, (1, 2)), dtype=torch.float64)" in text
        assert "float32" not in text


def test_codegen_and_graph_model_import_no_torch():
    code = (
        "import sys\nimport solvers.records.codegen, solvers.pictures.graph_model\n"
        "import tui.app.screens.code\n"
        "print('torch' in sys.modules, 'numpy' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.stdout.strip() == "False False", done.stderr


class StepScheduleDescent(Descent):
    """A run whose η steps down, through Descent's schedule seam (``etas``)."""

    def etas(self, first: int, count: int) -> torch.Tensor:
        eta = self.settings.eta
        return torch.tensor(
            [eta * 0.5 ** ((first + k) // 7) for k in range(count)], dtype=torch.float64
        )


@pytest.mark.slow
def test_plain_step_schedule_script_prints_the_runs_rows(tmp_path):
    problem = make_problem("3")
    settings = RunSettings(0.0001, 40, "cpu")
    descent = StepScheduleDescent(problem, settings)
    stream = io.StringIO()
    writer = CsvWriter(stream, problem, descent.layout)
    writer.begin()
    for batch in descent.run():
        writer.rows(range(batch.start, batch.stop), descent.history.rows[batch.start : batch.stop])
    request = CodeRequest.of(
        spec_of("3"), settings, schedule="step", schedule_knobs={"step_size": 7, "gamma": 0.5}
    )
    code = script(request)
    assert "    lr = eta * 0.5 ** (i // 7)" in code
    assert run_script(code, tmp_path) == stream.getvalue()


@pytest.mark.slow
def test_torch_optim_schedule_script_runs(tmp_path):
    settings = RunSettings(0.1, 12, "cpu", start=(0.3, -0.2))
    request = CodeRequest.of(
        spec_of("2"),
        settings,
        optimizer="adam",
        schedule="exponential",
        schedule_knobs={"gamma": 0.9},
    )
    code = script(request)
    assert "torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)" in code
    assert len(run_script(code, tmp_path).splitlines()) == 13


@pytest.mark.slow
def test_custom_script_prints_gdlab_run_customs_rows(gdlab, tmp_path):
    common = ["custom", "--expr", "(1-x0)**2 + 10*(x1-x0^2)^2", "--init", "-1", "1"]
    common += ["--eta", "0.001", "--iterations", "60", "--device", "cpu"]
    generated = gdlab("code", *common)
    assert generated.code == 0, generated.err
    expected = gdlab("run", *common, "--format", "csv")
    assert expected.code == 0, expected.err
    assert run_script(generated.out, tmp_path) == expected.out


PLAIN_RUNS = [
    ["3", "--iterations", "30"],
    ["custom", "--expr", "(1-x0)**2 + 100*(x1-x0**2)**2", "--init", "-1.5", "2", "--eta", "1e-3"],
]
WIDER_RUNS = [
    ["2", "--init", "0.3", "-0.2", "--optimizer", "adam"],
    ["2", "--init", "0.3", "-0.2", "--schedule", "step", "--step-size", "3"],
]
BATCH_ADAM = ["3", "--batch-size", "2", "--seed", "1", "--optimizer", "adam"]
"""The run's epoch columns come after adam's state: not the first columns."""


@pytest.mark.parametrize(
    "options",
    [
        PLAIN_RUNS[0],
        BATCH_ADAM,
        *(pytest.param(o, marks=pytest.mark.slow) for o in PLAIN_RUNS[1:] + WIDER_RUNS),
    ],
)
def test_the_script_prints_the_runs_csv_columns_it_has(gdlab, tmp_path, options):
    """What the script's docstring and the code view say (solvers.records.codegen.agreement):
    the rows of gdlab run --format csv, all their columns for plain descent with a
    constant η, those of the same names where an optimizer or a schedule records more."""
    common = [*options, "--iterations", "20", "--device", "cpu"]
    generated = gdlab("code", *common)
    assert generated.code == 0, generated.err
    recorded = gdlab("run", *common, "--format", "csv").out.splitlines()
    printed = run_script(generated.out, tmp_path).splitlines()
    names, run_names = printed[0].split(","), recorded[0].split(",")
    plain = options in PLAIN_RUNS
    assert (names == run_names) == plain
    picked = [run_names.index(name) for name in names]
    assert len(printed) == len(recorded)
    for line, run_line in zip(printed[1:], recorded[1:], strict=True):
        cells = run_line.split(",")
        assert line.split(",") == [cells[k] for k in picked]  # the same text: bit for bit
    said = "These are the rows that" if plain else "These are the columns of the same names in"
    assert said in " ".join(generated.out.split())


def test_a_divergent_runs_rows_are_the_first_the_script_prints(gdlab, tmp_path):
    """gdlab run 1 --eta 2.5 ends at its 6th row (exit 3); the script goes on while its
    numbers are finite: all 15 rows, the run's 6 first."""
    common = ["1", "--eta", "2.5", "--init", "1", "--device", "cpu"]
    run = gdlab("run", *common, "--format", "csv")
    assert run.code == 3
    recorded = run.out.splitlines()
    printed = run_script(gdlab("code", *common).out, tmp_path).splitlines()
    assert (len(recorded), len(printed)) == (1 + 6, 1 + 15)
    assert printed[: len(recorded)] == recorded


def test_the_compiled_threshold_is_the_runs():
    assert COMPILED_FROM == SCRIPT_FROM
    custom = CodeRequest(function_spec("x^2", (1.0,)), 0.1, SCRIPT_FROM, start=(1.0,))
    assert "compiled" in agreement(custom)
    assert "compiled" not in agreement(CodeRequest(spec_of("3"), 0.1, SCRIPT_FROM))
