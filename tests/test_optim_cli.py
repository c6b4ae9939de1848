"""`gdlab run`'s optimizer, schedule and dtype options: accepted, refused in one line."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from quick import examples

from solvers.core.validation import SettingError, parse_dtype
from solvers.optim.choices import (
    KNOB_NAMES,
    OPTIMIZERS,
    SCHEDULE_KNOB_NAMES,
    SCHEDULES,
    OptimizerChoice,
    ScheduleChoice,
    parse_optimizer,
    parse_schedule,
)

FUZZ = settings(
    max_examples=examples(200),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)

BAD = [
    (["--optimizer", "sgdx"], "optimizer: 'sgdx' is not one; expected plain, momentum"),
    (["--optimizer", ""], "optimizer"),
    (
        ["--optimizer", "adam", "--momentum", "0.9"],
        "momentum: adam has no such knob; its knobs are betas, eps, weight-decay",
    ),
    (["--eps", "1e-8"], "eps: plain has no such knob; it has no knobs"),
    (
        ["--optimizer", "momentum", "--momentum", "1"],
        "momentum: '1' is out of range; expected a number ≥ 0 and < 1",
    ),
    (["--optimizer", "nesterov", "--momentum", "0"], "expected a number > 0 and < 1"),
    (["--optimizer", "nesterov", "--dampening", "0.1"], "dampening: nesterov has no such knob"),
    (["--optimizer", "momentum", "--dampening", "1.5"], "dampening: '1.5' is out of range"),
    (["--optimizer", "rmsprop", "--alpha", "-0.1"], "alpha: '-0.1' is out of range"),
    (
        ["--optimizer", "adam", "--betas", "0.9", "1"],
        "betas: '0.9 1' is out of range; expected two numbers, each ≥ 0 and < 1",
    ),
    (["--optimizer", "adam", "--betas", "0.9"], "--betas: expected 2 arguments"),
    (["--optimizer", "adam", "--betas", "abc", "0.9"], "betas: 'abc' is not a number"),
    (
        ["--optimizer", "adam", "--eps", "0"],
        "eps: '0' is out of range; expected a number > 0 and ≤ 1",
    ),
    (["--optimizer", "adamw", "--weight-decay", "-1e-3"], "weight-decay: '-1e-3' is out of range"),
    (["--optimizer", "adamw", "--weight-decay", "inf"], "weight-decay"),
    (["--schedule", "linear"], "schedule: 'linear' is not one; expected constant, step"),
    (
        ["--schedule", "step", "--step-size", "0"],
        "step-size: '0' is out of range; expected a whole number from 1",
    ),
    (["--schedule", "step", "--step-size", "2.5"], "step-size: '2.5' is not whole"),
    (
        ["--schedule", "exponential", "--gamma", "1.5"],
        "gamma: '1.5' is out of range; expected a number > 0 and ≤ 1",
    ),
    (
        ["--schedule", "cosine", "--gamma", "0.5"],
        "gamma: cosine has no such knob; its knobs are t-max",
    ),
    (
        ["--schedule", "plateau", "--factor", "1"],
        "factor: '1' is out of range; expected a number > 0 and < 1",
    ),
    (["--schedule", "plateau", "--patience", "-1"], "patience"),
    (["--patience", "3"], "patience: constant has no such knob; it has no knobs"),
    (
        ["--optimizer", "armijo", "--schedule", "cosine"],
        "schedule: cosine cannot be used with armijo",
    ),
    (["--dtype", "float16"], "dtype: 'float16' is not one; expected float32, float64"),
]


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_options_are_one_line_with_the_range_and_exit_2(gdlab, args, message):
    result = gdlab("run", "3", *args)
    assert result.code == 2
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("gdlab: ")
    assert message in lines[0]


def test_refusals_do_not_import_torch():
    code = (
        "import sys; from tui.cli.command import main; "
        "rc = main(['run', '3', '--optimizer', 'adam', '--betas', '2', '0']); "
        "print(rc, 'torch' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["2", "False"], done.stderr


def test_csv_carries_the_optimizers_columns_and_eta(gdlab):
    result = gdlab(
        "run",
        "3",
        "--optimizer",
        "adam",
        "--eta",
        "0.01",
        "--betas",
        "0.8",
        "0.99",
        "--schedule",
        "exponential",
        "--gamma",
        "0.5",
        "--iterations",
        "4",
        "--format",
        "csv",
    )
    assert result.code == 0, result.err
    header, *rows = result.out.splitlines()
    columns = header.split(",")
    assert columns[-7:] == ["m_w0", "m_w1", "m_b", "v2_w0", "v2_w1", "v2_b", "eta"]
    assert "step_w0" in columns
    etas = [float(row.split(",")[columns.index("eta")]) for row in rows]
    assert etas == pytest.approx([0.01, 0.005, 0.0025, 0.00125])


def test_armijo_and_float64_run_and_write_json(gdlab):
    result = gdlab(
        "run",
        "1",
        "--optimizer",
        "armijo",
        "--eta",
        "10",
        "--init",
        "0.5",
        "--iterations",
        "5",
        "--dtype",
        "float64",
        "--format",
        "json",
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["columns"][-3:] == ["step_x", "eta", "halvings"]
    first = dict(zip(data["columns"], data["rows"][0], strict=True))
    assert first["eta"] == 1.25 and first["halvings"] == 3


def test_the_book_output_is_unchanged_by_the_default_options(gdlab):
    plain = gdlab("run", "2", "--init", "-0.004", "0.0005")
    explicit = gdlab(
        "run",
        "2",
        "--init",
        "-0.004",
        "0.0005",
        "--optimizer",
        "plain",
        "--schedule",
        "constant",
        "--dtype",
        "float32",
    )
    assert plain.out == explicit.out and plain.code == explicit.code == 0


TEXT = st.text(max_size=80) | st.from_regex(r"-?[0-9]{0,4}(\.[0-9]{0,6})?(e-?[0-9]{1,3})?")


@FUZZ
@given(
    name=st.sampled_from([*OPTIMIZERS, "x"]),
    knob=st.sampled_from(KNOB_NAMES),
    text=TEXT,
    second=TEXT,
)
def test_optimizer_parser_returns_a_checked_choice_or_refuses(name, knob, text, second):
    texts = [text, second] if knob == "betas" else text
    try:
        choice = parse_optimizer(name, {knob: texts})
    except SettingError as error:
        assert error.field in (knob, "optimizer")
        assert "\n" not in str(error) and len(str(error)) < 200
        return
    assert isinstance(choice, OptimizerChoice)
    value = choice[knob]
    numbers = value if isinstance(value, tuple) else (value,)
    assert all(math.isfinite(v) and 0 <= v <= 1000 for v in numbers)
    assert OptimizerChoice(choice.name, choice.knobs) == choice


@FUZZ
@given(
    name=st.sampled_from([*SCHEDULES, "x"]), knob=st.sampled_from(SCHEDULE_KNOB_NAMES), text=TEXT
)
def test_schedule_parser_returns_a_checked_choice_or_refuses(name, knob, text):
    try:
        choice = parse_schedule(name, {knob: text})
    except SettingError as error:
        assert error.field in (knob, "schedule")
        assert "\n" not in str(error) and len(str(error)) < 200
        return
    assert isinstance(choice, ScheduleChoice)
    value = choice[knob]
    assert isinstance(value, int | float) and math.isfinite(value)
    accepted = next(k for k in SCHEDULES[choice.name] if k.name == knob)  # its own range
    assert value > accepted.lo if accepted.lo_open else value >= accepted.lo
    assert value < accepted.hi if accepted.hi_open else value <= accepted.hi


@FUZZ
@given(text=st.text(max_size=40))
def test_dtype_parser(text):
    try:
        assert parse_dtype(text) in ("float32", "float64")
    except SettingError as error:
        assert error.field == "dtype"


def test_choices_refuse_bad_values_built_in_code():
    with pytest.raises(SettingError, match="betas"):
        OptimizerChoice("adam", {"betas": (0.9,)})
    with pytest.raises(SettingError, match="momentum: adam has no such knob"):
        OptimizerChoice("adam", {"momentum": 0.9})
    with pytest.raises(SettingError, match="patience"):
        ScheduleChoice("plateau", {"patience": 2.5})
    assert OptimizerChoice("adamw", {"weight_decay": 0.1})["weight-decay"] == 0.1
    assert OptimizerChoice("nesterov").torch_kwargs == {
        "momentum": 0.9,
        "weight_decay": 0.0,
        "nesterov": True,
    }
