"""A chapter is one module: a 3-parameter bowl, defined here and nowhere else, runs
through ``gdlab run``, ``compare``, ``code`` (its script reproduces the run bit for
bit), export and repeat (``--format json``, ``--from``), and its own app screen.

The bowl f(x) = (x₀ − 1)² + 2(x₁ + 1)² + 3x₂² has H = diag(2, 4, 6): its minimum
(1, −1, 0) and the stable bound η < 2/6 come from its Hessian, not from this file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from app_helpers import live_ready, text_of, wait_until
from script_runs import run_script
from torch import Tensor

from solvers.chapters.base import Chapter, ChapterInput, ScriptParam, ScriptTemplate
from solvers.chapters.registry import register, unregister
from solvers.core.specs import ProblemSpec
from solvers.core.validation import parse_float
from solvers.problems.objectives.book import Objective
from solvers.problems.problem import Problem, QuadraticProblem
from tui.app.app import GdlabApp
from tui.app.run_controller import Phase
from tui.app.screens.chapter import ChapterScreen


class BowlObjective(Objective):
    """f(x) = (x₀ − c)² + 2(x₁ + 1)² + 3x₂² on a tensor of three values (c = 1 unless
    the chapter's input ``centre-x0`` says otherwise)."""

    def __init__(self, centre: float = 1.0) -> None:
        super().__init__()
        self.centre = centre

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        x = params[0]
        y = (x[0] - self.centre) ** 2 + 2 * (x[1] + 1) ** 2 + 3 * x[2] ** 2
        return y, x.new_empty(0)

    @torch.jit.export
    def members(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        x = params[0]
        y = (x[:, 0] - self.centre) ** 2 + 2 * (x[:, 1] + 1) ** 2 + 3 * x[:, 2] ** 2
        return y, x.new_empty(0)


class BowlChapter(Chapter):
    """The test's own chapter: nothing outside this module names it."""

    default = ProblemSpec(
        id="bowl",
        title="A bowl in three dimensions",
        formula="f = (x0 - 1)² + 2(x1 + 1)² + 3·x2²",
        param_names=("x0", "x1", "x2"),
        param_shapes=((3,),),
        prediction_names=(),
        eta=0.1,
        iterations=40,
        book_start=(2.0, 1.0, -1.0),
        heading="Test bowl",
        start_origin="the bowl's start",
        inputs=(("centre-x0", "1.0"),),
    )
    key = "9"
    compare_etas = ("0.1", "0.4")
    inputs = (ChapterInput("centre-x0", "centre x0", "where the bowl's x0 is lowest"),)

    def spec(
        self,
        values: Mapping[str, str],
        start: tuple[float, ...] | None = None,
        eta: float | None = None,
        iterations: int | None = None,
    ) -> ProblemSpec:
        text = values.get("centre-x0") or "1"
        centre = parse_float("centre-x0", text, "a number")
        return replace(self.default, inputs=(("centre-x0", repr(centre)),))

    def build(self, spec: ProblemSpec) -> Problem:
        return QuadraticProblem(spec, BowlObjective(_centre(spec)))

    def script(self, spec: ProblemSpec) -> ScriptTemplate:
        centre = _centre(spec)
        return ScriptTemplate(
            f"{spec.heading}: {spec.title}\n{spec.formula}",
            spec.param_names,
            (),
            (ScriptParam("x", (3,), "torch.tensor([2.0, 1.0, -1.0], dtype={dtype})"),),
            (f"y = (x[0] - {centre!r}) ** 2 + 2 * (x[1] + 1) ** 2 + 3 * x[2] ** 2",),
            "y",
            None,
        )


def _centre(spec: ProblemSpec) -> float:
    return float(spec.input("centre-x0") or 1.0)


@pytest.fixture(autouse=True)
def bowl() -> Iterator[BowlChapter]:
    chapter = BowlChapter()
    register(chapter)
    try:
        yield chapter
    finally:
        unregister(chapter.id)


def test_run_prints_the_bowls_rows_and_its_exact_facts(gdlab):
    done = gdlab("run", "bowl", "--format", "csv")
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert lines[0] == "iteration,x0,x1,x2,objective,grad_x0,grad_x1,grad_x2"
    assert len(lines) == 1 + 40
    first = [float(v) for v in lines[1].split(",")]
    assert first[1:4] == [2.0, 1.0, -1.0]  # the chapter's start
    assert first[4] == 1.0 + 8.0 + 3.0  # f at the start
    assert first[5:8] == [2.0, 8.0, -6.0]  # ∇f = (2(x0-1), 4(x1+1), 6x2)
    assert "distance to optimum" in done.err  # the optimum is known: from the Hessian
    book = gdlab("run", "bowl", "--iterations", "2")
    assert book.out.startswith("x= tensor([ 2.,  1., -1.]")  # printed as chapter 2 prints


def test_the_bound_comes_from_the_hessian(gdlab):
    # 2/λmax = 2/6: just below it the run converges, just above it diverges (exit 3)
    assert gdlab("run", "bowl", "--eta", "0.33", "--iterations", "400", "--format", "csv").code == 0
    above = gdlab("run", "bowl", "--eta", "0.34", "--iterations", "400", "--format", "csv")
    assert above.code == 3, above.err


def test_compare_runs_the_bowls_members(gdlab):
    done = gdlab("compare", "bowl", "--eta", "0.1", "0.4", "--iterations", "60")
    assert done.code == 0, done.err
    rows = {line.split()[1]: line for line in done.out.splitlines() if line.startswith("plain")}
    assert "converged" in rows["η=0.1"] and "diverged" in rows["η=0.4"]


def test_code_writes_a_script_that_reproduces_the_run_bit_for_bit(gdlab, tmp_path: Path):
    options = ("bowl", "--eta", "0.05", "--iterations", "30", "--device", "cpu")
    code = gdlab("code", *options)
    assert code.code == 0, code.err
    run = gdlab("run", *options, "--format", "csv")
    assert run_script(code.out, tmp_path, "bowl.py") == run.out


def test_its_own_input_reaches_it_from_the_command_line(gdlab, tmp_path: Path):
    """``--centre-x0`` (an input with a hyphen) moves the minimum, in the run, its facts
    and its script."""
    done = gdlab("run", "bowl", "--centre-x0", "3", "--iterations", "200", "--format", "csv")
    assert done.code == 0, done.err
    last = [float(v) for v in done.out.splitlines()[-1].split(",")]
    assert abs(last[1] - 3.0) < 1e-4 and abs(last[2] + 1.0) < 1e-4
    distance = float(done.err.split("distance to optimum ")[1].split(",")[0])
    assert distance < 1e-4  # the facts' optimum is the moved one, (3, -1, 0)
    bad = gdlab("run", "bowl", "--centre-x0", "abc")
    assert bad.code == 2 and bad.err.startswith("gdlab: centre-x0: ")
    other = gdlab("run", "1", "--centre-x0", "3")
    assert other.code == 2 and 'centre-x0: is only for chapter "bowl"' in other.err
    options = ("bowl", "--centre-x0", "-2.5", "--iterations", "20", "--device", "cpu")
    printed = run_script(gdlab("code", *options).out, tmp_path, "centred.py")
    assert printed == gdlab("run", *options, "--format", "csv").out


def test_a_saved_run_repeats_only_as_its_own_chapter(gdlab, tmp_path: Path):
    saved = tmp_path / "bowl.json"
    assert (
        gdlab("run", "bowl", "--iterations", "3", "--format", "json", "--output", str(saved)).code
        == 0
    )
    refused = gdlab("run", "1", "--from", str(saved))
    assert refused.code == 2
    assert "is a run of chapter bowl, not 1" in refused.err


def test_export_and_repeat_from_the_saved_run(gdlab, tmp_path: Path):
    saved = tmp_path / "bowl.json"
    first = gdlab("run", "bowl", "--iterations", "12", "--format", "json", "--output", str(saved))
    assert first.code == 0, first.err
    record = json.loads(saved.read_text())
    assert record["settings"]["problem"] == "bowl"
    again = gdlab("run", "--from", str(saved), "--format", "csv")
    rows = again.out.splitlines()[1:]
    assert len(rows) == 12
    assert [float(v) for v in rows[-1].split(",")[1:4]] == record["rows"][-1][1:4]


async def test_its_own_screen_runs_it() -> None:
    app = GdlabApp(start_chapter="bowl")
    async with app.run_test(size=(120, 40)) as pilot:

        def shown() -> bool:
            screen = app.screen
            return isinstance(screen, ChapterScreen) and screen.problem_id == "bowl"

        await wait_until(pilot, shown, "the bowl's screen", 30)
        screen = app.screen
        assert isinstance(screen, ChapterScreen)
        await wait_until(
            pilot,
            lambda: live_ready(screen) and "loading torch" not in text_of(screen, "#facts"),
            "the bowl's table and facts",
            30,
        )
        facts = text_of(screen, "#facts")
        assert "optimum: x0* = 1, x1* = -1, x2* = 0" in facts, facts
        assert "stable for η < 0.333333 (Hessian of a quadratic)" in facts, facts
        app.simulate_key("r")
        await wait_until(
            pilot, lambda: screen.controller.phase is Phase.FINISHED, "the bowl's run", 60
        )
        view = screen.controller.view
        assert view is not None and view.count == 40
        assert view.spec.id == "bowl"


def test_a_chapter_whose_id_or_key_cannot_be_used_is_refused(bowl: BowlChapter):
    class Odd(BowlChapter):
        default = replace(BowlChapter.default, id="a b")

    with pytest.raises(ValueError, match="not accepted"):
        register(Odd())
    with pytest.raises(ValueError, match="already registered"):
        register(BowlChapter())
