"""Each optimizer and schedule is one module the registry collects: everything that lists
optimizers reads it from there, the spec modules import no torch, and nadam and radam
(added as one module each) run as torch.optim.NAdam and RAdam do, from the CLI, compare,
the code view and the settings form."""

from __future__ import annotations

import ast
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import numpy as np
import pytest
import torch
from app_helpers import first_screen, wait_until
from optim_reference import PROBLEMS, TORCH_OPTIMIZERS, eta_for, gdlab_run, torch_loop
from test_app_schedules import choose
from textual.widgets import Input

from solvers.core.expression import parse
from solvers.optim import updates_math
from solvers.optim.choices import KNOB_NAMES, OptimizerChoice
from solvers.optim.registry import OPTIMIZER_SPECS, SCHEDULE_SPECS
from solvers.optim.updates import make_rule
from solvers.problems.objectives.expression import make_expression_objective
from solvers.records import codegen
from tui.app.app import GdlabApp
from tui.app.widgets.settings_form import SettingsForm
from tui.bench.measures import B8_ETAS
from tui.cli.command import build_parser

ROOT = Path(__file__).resolve().parent.parent
NEW = ("nadam", "radam")


def cli_options(command: str) -> set[str]:
    """The long options of ``gdlab COMMAND``."""
    sub = build_parser()._subparsers._group_actions[0].choices[command]  # argparse's own
    return {o for action in sub._actions for o in action.option_strings if o.startswith("--")}


@pytest.mark.parametrize("name", list(OPTIMIZER_SPECS))
def test_every_optimizer_module_is_whole_and_every_list_reads_it(name):
    spec = OPTIMIZER_SPECS[name]
    assert import_module(f"solvers.optim.{name}").SPEC is spec
    objective = make_expression_objective(parse("x0**2"), 1)
    rule = import_module(spec.rule).build(name, OptimizerChoice(name).values, ("x0",), objective)
    assert rule.name == name == make_rule(OptimizerChoice(name), ("x0",), objective=objective).name
    assert spec.formula and updates_math.FORMULAS[name]
    for command in ("run", "code", "compare"):
        assert {f"--{k.name}" for k in spec.knobs} <= cli_options(command), command
    assert {k.name for k in spec.knobs} <= set(KNOB_NAMES)
    has_class = spec.torch_class is not None
    assert (name in codegen.OPTIMIZERS) == has_class == (name in TORCH_OPTIMIZERS)
    assert (name in B8_ETAS) == (has_class or name == "plain")
    if has_class:
        assert TORCH_OPTIMIZERS[name] is getattr(torch.optim, spec.torch_class)


@pytest.mark.parametrize("name", list(SCHEDULE_SPECS))
def test_every_schedule_module_is_whole(name):
    spec = SCHEDULE_SPECS[name]
    assert import_module(f"solvers.optim.schedules.{name}").SPEC is spec
    assert {f"--{k.name}" for k in spec.knobs} <= cli_options("run")
    assert (name in codegen.SCHEDULES) == (spec.script_eta is not None)


def test_the_optimizers_vocabulary_imports_no_torch_and_validation_not_it():
    """The first frame and the settings' validation read it before torch loads; and
    solvers.core.validation imports nothing of it (no import circle)."""
    code = (
        "import sys, solvers.optim.choices, solvers.optim.registry, solvers.optim.updates_math;"
        "print('torch' in sys.modules, 'numpy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["False", "False"], done.stderr
    tree = ast.parse((ROOT / "solvers" / "core" / "validation.py").read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.startswith(("solvers.optim.choices", "solvers.optim"))}


@pytest.mark.parametrize("name", NEW)
def test_new_optimizers_compiled_run_is_torch_optims_own(monkeypatch, name):
    """Compiled (TorchScript), as runs of 2,000 iterations and more are: still torch.optim's
    trajectory bit for bit on chapter 3."""
    import solvers.run.descent as descent_module

    monkeypatch.setattr(descent_module, "SCRIPT_FROM", 1)
    problem = PROBLEMS["3"][0]()
    choice = OptimizerChoice(name, {"weight-decay": 0.01})
    eta = eta_for("3", name)
    descent = gdlab_run(problem, None, eta, choice, 500)
    assert descent.report is not None and descent.report.compiled
    theirs, _, _ = torch_loop(problem, descent.start, eta, choice, 500)
    assert np.array_equal(descent.history.rows[:, descent.layout.params], theirs)


def test_gdlab_run_takes_nadam_and_radam_and_their_knobs(gdlab):
    result = gdlab(
        "run", "3", "--optimizer", "nadam", "--momentum-decay", "0.01", "--betas", "0.8", "0.99",
        "--eta", "0.01", "--iterations", "4", "--format", "csv",
    )  # fmt: skip
    assert result.code == 0, result.err
    columns = result.out.splitlines()[0].split(",")
    assert columns[-6:] == ["m_w0", "m_w1", "m_b", "v2_w0", "v2_w1", "v2_b"]
    assert gdlab("run", "3", "--optimizer", "radam", "--iterations", "3").code == 0
    refused = gdlab("run", "3", "--optimizer", "radam", "--momentum-decay", "0.1")
    assert refused.code == 2
    assert "momentum-decay: radam has no such knob; its knobs are betas, eps, weight-decay" in (
        refused.err
    )
    out_of_range = gdlab("run", "3", "--optimizer", "nadam", "--momentum-decay", "-1")
    assert out_of_range.code == 2 and "momentum-decay" in out_of_range.err
    assert "a number ≥ 0 and ≤ 1" in out_of_range.err
    helped = build_parser()._subparsers._group_actions[0].choices["run"].format_help()
    assert "nadam, radam" in helped and "--momentum-decay" in helped and "ψ of nadam" in helped


def test_gdlab_compare_runs_nadam_and_radam(gdlab):
    result = gdlab(
        "compare", "3", "--optimizer", "nadam", "radam", "--eta", "0.01", "--iterations", "50",
        "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert '"nadam"' in result.out and '"radam"' in result.out


@pytest.mark.slow
@pytest.mark.parametrize("name", NEW)
def test_gdlab_code_writes_torch_optims_class_and_reproduces_the_run(gdlab, tmp_path, name):
    common = ["2", "--device", "cpu", "--init", "0.3", "-0.2", "--optimizer", name]
    common += ["--weight-decay", "0.01", "--iterations", "60", "--eta", "0.05"]
    recorded = gdlab("run", *common, "--format", "csv").out.splitlines()
    code = gdlab("code", *common).out
    assert f"torch.optim.{OPTIMIZER_SPECS[name].torch_class}([" in code
    path = tmp_path / "script.py"
    path.write_text(code)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    printed = done.stdout.splitlines()
    width = len(printed[0].split(","))
    assert len(recorded[0].split(",")) > width  # the run also records m and v2
    assert printed == [",".join(line.split(",")[:width]) for line in recorded]


async def test_the_settings_form_offers_nadam_and_radam_with_their_knobs() -> None:
    app = GdlabApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await first_screen(pilot)
        expected = {
            "nadam": {"betas": "0.9, 0.999", "eps": "1e-08", "weight-decay": "0",
                      "momentum-decay": "0.004"},
            "radam": {"betas": "0.9, 0.999", "eps": "1e-08", "weight-decay": "0"},
        }  # fmt: skip

        def shown() -> dict[str, str]:
            return {
                name: screen.query_one(f"#knob-{name}", Input).value
                for name in KNOB_NAMES
                if screen.query_one(f"#knob-row-{name}").display
            }

        for name, knobs in expected.items():
            await choose(pilot, screen, "optimizer", name)
            await wait_until(pilot, lambda k=knobs: shown() == k, f"{name}'s knobs", 5)
            summary = str(screen.query_one("#optimizer-summary").render())
            assert summary == OPTIMIZER_SPECS[name].summary
        await choose(pilot, screen, "optimizer", "nadam")
        await wait_until(pilot, lambda: "momentum-decay" in shown(), "nadam's knobs", 5)
        screen.query_one("#knob-momentum-decay", Input).value = "0.02"
        read = screen.query_one(SettingsForm).read()
        assert read is not None
        assert read[1].optimizer == OptimizerChoice("nadam", {"momentum-decay": 0.02})
