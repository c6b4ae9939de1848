"""Property tests: no text whatever makes a parser misbehave.

For any text, each parser in solvers.core.validation returns a value inside its documented
bounds or raises SettingError naming its field and saying what is ``expected``; never
another exception, never a multi-line or huge message, never a slow call. Hypothesis's
own deadline is off (a cold first call is not the parser's fault); each call is timed
here instead.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from quick import examples

from solvers.core.validation import (
    MAX_ABS_START,
    MAX_ETA,
    MAX_ITERATIONS,
    MAX_SEED,
    SettingError,
    parse_eta,
    parse_every,
    parse_iterations,
    parse_seed,
    parse_start,
)

FAST = 1.0
"""Seconds one parser call may take."""

SETTINGS = settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
FEW = settings(SETTINGS, max_examples=examples(25))


def _in_bounds_eta(value: object) -> bool:
    return type(value) is float and math.isfinite(value) and 0.0 < value <= MAX_ETA


def _in_bounds_count(value: object) -> bool:
    return type(value) is int and 1 <= value <= MAX_ITERATIONS


def _in_bounds_seed(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_SEED


def _in_bounds_start(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 1
        and type(value[0]) is float
        and math.isfinite(value[0])
        and abs(value[0]) <= MAX_ABS_START
    )


PARSERS: dict[str, tuple[Callable[[str], object], str, Callable[[object], bool]]] = {
    "eta": (parse_eta, "eta", _in_bounds_eta),
    "iterations": (parse_iterations, "iterations", _in_bounds_count),
    "every": (parse_every, "every", _in_bounds_count),
    "seed": (parse_seed, "seed", _in_bounds_seed),
    "start": (lambda text: parse_start([text], ("x",)), "init x", _in_bounds_start),
}


def check(name: str, text: str) -> None:
    """The property itself: bounded value, or a well-formed SettingError, quickly."""
    parse, field, in_bounds = PARSERS[name]
    started = time.perf_counter()
    try:
        value = parse(text)
    except SettingError as error:
        seconds = time.perf_counter() - started
        assert error.field == field
        message = str(error)
        assert message.startswith(f"{field}: ")
        assert "expected" in message
        assert "\n" not in message and "\r" not in message
        assert len(message) < 300, "a message must not echo a huge input"
    else:
        seconds = time.perf_counter() - started
        assert in_bounds(value), (text[:40], value)
    assert seconds < FAST, f"{name}({text[:20]!r}...) took {seconds:.2f} s"


NUMBER_LIKE = (
    r"\A\s{0,2}[+-]{0,2}("
    r"\d{0,40}(\.\d{0,40})?([eE][+-]?\d{1,6})?"
    r"|(nan|inf|infinity|NaN|Inf|INFINITY)"
    r"|\d{1,3}(_\d{3}){1,4}"
    r"|0[xob][0-9a-f]{1,8}"
    r")\s{0,2}\Z"
)
"""Number-ish text: decimals, exponents, specials, underscores, hex; \\d takes Unicode digits."""

ANY_TEXT = st.one_of(
    st.text(),
    st.text(min_size=60, max_size=70),  # either side of the 64-character cut
    st.text(alphabet="0123456789+-.eE_ ", max_size=80),
    st.from_regex(NUMBER_LIKE),
)


@pytest.mark.parametrize("name", PARSERS)
@SETTINGS
@given(text=ANY_TEXT)
@example(text="")
@example(text="1e999")
@example(text="-0")
@example(text="9" * 64)
@example(text="9" * 65)
@example(text="1" + "0" * 63)
@example(text="1e" + "9" * 62)
@example(text="0." + "0" * 61 + "1")
@example(text="١٢٣")
@example(text="５")
@example(text="²")
@example(text="\x00")
@example(text="1\u2028")
def test_any_text_gives_a_bounded_value_or_a_setting_error(name, text):
    check(name, text)


@pytest.mark.parametrize("name", PARSERS)
@FEW
@given(text=st.text(min_size=1_000, max_size=10_000))
@example(text="9" * 10_000)
@example(text=" " * 9_999 + "1")
@example(text="1" + " " * 9_999)
def test_huge_text_is_refused_quickly(name, text):
    check(name, text)


@pytest.mark.parametrize("name", PARSERS)
@SETTINGS
@given(text=st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=10))
def test_non_ascii_digits_are_never_read_as_numbers(name, text):
    if text.isascii():
        return
    parse, field, _ = PARSERS[name]
    with pytest.raises(SettingError) as caught:
        parse(text)
    assert caught.value.field == field


@SETTINGS
@given(
    x=st.floats(min_value=0.0, max_value=MAX_ETA, exclude_min=True, allow_subnormal=True),
    pad=st.sampled_from(["", " ", "\t", " \n "]),
)
@example(x=MAX_ETA, pad="")
@example(x=5e-324, pad="")
def test_eta_round_trips_through_repr(x, pad):
    assert parse_eta(pad + repr(x) + pad) == x


@SETTINGS
@given(x=st.floats(min_value=-MAX_ABS_START, max_value=MAX_ABS_START, allow_subnormal=True))
def test_start_round_trips_through_repr(x):
    (value,) = parse_start([repr(x)], ("x",))
    assert value == x
    assert math.copysign(1.0, value) == math.copysign(1.0, x)


@SETTINGS
@given(n=st.integers(min_value=1, max_value=MAX_ITERATIONS))
@example(n=1)
@example(n=MAX_ITERATIONS)
def test_iterations_and_every_round_trip_through_str(n):
    assert parse_iterations(str(n)) == n
    assert parse_every(str(n)) == n


@SETTINGS
@given(n=st.integers(min_value=0, max_value=MAX_SEED))
@example(n=MAX_SEED)
def test_seed_round_trips_through_str(n):
    assert parse_seed(str(n)) == n


@SETTINGS
@given(n=st.one_of(st.integers(max_value=0), st.integers(min_value=MAX_ITERATIONS + 1)))
@example(n=MAX_ITERATIONS + 1)
@example(n=-(10**70))
def test_iterations_out_of_range_are_refused(n):
    with pytest.raises(SettingError) as caught:
        parse_iterations(str(n))
    assert caught.value.field == "iterations"
    assert "expected a whole number from 1 to 10,000,000" in str(caught.value)


@SETTINGS
@given(
    x=st.one_of(
        st.floats(max_value=0.0),
        st.floats(min_value=MAX_ETA, exclude_min=True),
        st.sampled_from([math.nan, math.inf, -math.inf]),
    )
)
def test_eta_out_of_range_is_refused(x):
    with pytest.raises(SettingError) as caught:
        parse_eta(repr(x))
    assert caught.value.field == "eta"


@SETTINGS
@given(
    names=st.lists(st.sampled_from(["x", "x0", "x1", "w0", "w1", "b"]), min_size=1, max_size=3),
    texts=st.lists(st.text(max_size=20), max_size=8),
)
def test_parse_start_with_the_wrong_count_names_the_count_expected(names, texts):
    if len(texts) == len(names):
        texts = [*texts, "0"]
    with pytest.raises(SettingError) as caught:
        parse_start(texts, tuple(names))
    error = caught.value
    assert error.field == "init"
    assert f"got {len(texts)} value(s)" in str(error)
    assert f"expected {len(names)} ({', '.join(names)})" in str(error)


@SETTINGS
@given(texts=st.lists(ANY_TEXT, min_size=3, max_size=3))
def test_parse_start_checks_every_value_and_names_the_first_bad_one(texts):
    names = ("w0", "w1", "b")
    try:
        values = parse_start(texts, names)
    except SettingError as error:
        assert error.field in {f"init {n}" for n in names}
        bad = names.index(error.field.removeprefix("init "))
        for good in texts[:bad]:  # every value before the one named parses alone
            parse_start([good], ("x",))
        assert "expected" in str(error)
    else:
        assert len(values) == 3
        assert all(math.isfinite(v) and abs(v) <= MAX_ABS_START for v in values)


@SETTINGS
@given(name=ANY_TEXT)
@example(name="cpu")
@example(name=" CPU\n")
@example(name="cuda:١")
@example(name="x" * 10_000)
def test_resolve_device_returns_cpu_or_refuses_naming_what_is_available(name):
    import torch

    from solvers.run.devices import resolve_device

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    started = time.perf_counter()
    try:
        device = resolve_device(name)
    except SettingError as error:
        assert error.field == "device"
        assert "available: auto, cpu" in str(error)
        assert "\n" not in str(error)
        assert len(str(error)) < 300
    else:
        assert name.strip().lower() in ("auto", "cpu", "mps")
        assert device.type in ("cpu", "mps")
    assert time.perf_counter() - started < FAST
