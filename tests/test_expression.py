"""The "your own function" core: parsing, refusals, the torch objective, the presets."""

from __future__ import annotations

import copy
import math
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch
from standard_functions import FUNCTIONS, StandardFunction
from torch import Tensor

from solvers.core.expression import parse
from solvers.core.expression_tree import Binary, Expression
from solvers.core.expression_words import MAX_DEPTH, MAX_LENGTH, ExpressionError
from solvers.core.validation import SettingError
from solvers.optim.updates import PlainUpdate
from solvers.problems.objectives.expression import (
    ExpressionObjective,
    expression_source,
    make_expression_objective,
)
from solvers.run.engine import StepChunk

ROOT = Path(__file__).parents[1]
ROSENBROCK = "(1-x0)**2 + 100*(x1-x0**2)**2"


def refusal(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    return caught.value


# --- accepted constructs ------------------------------------------------------------

ACCEPTED = [
    ("x", "x", ("x",), 1, False),
    ("2*x", "(2 * x)", ("x",), 1, False),
    ("2.5*x + 1e-3 + .5 + 5.", "((((2.5 * x) + 0.001) + 0.5) + 5)", ("x",), 1, False),
    ("1E+2*x", "(100 * x)", ("x",), 1, False),
    ("x - 1 / x", "(x - (1 / x))", ("x",), 1, False),
    ("x**2", "(x ** 2)", ("x",), 1, False),
    ("x^2", "(x ** 2)", ("x",), 1, False),
    ("2**3**x", "(2 ** (3 ** x))", ("x",), 1, False),
    ("2^3^x", "(2 ** (3 ** x))", ("x",), 1, False),
    ("-x**2", "(-(x ** 2))", ("x",), 1, False),
    ("-x^2", "(-(x ** 2))", ("x",), 1, False),
    ("x**-2", "(x ** (-2))", ("x",), 1, False),
    ("+x", "x", ("x",), 1, False),
    ("--x", "(-(-x))", ("x",), 1, False),
    ("(x)", "x", ("x",), 1, False),
    ("x*-1", "(x * (-1))", ("x",), 1, False),
    ("1 - x - 2", "((1 - x) - 2)", ("x",), 1, False),
    ("x / 2 / 4", "((x / 2) / 4)", ("x",), 1, False),
    ("pi*x + e", "((pi * x) + e)", ("x",), 1, False),
    ("min(x, 1) + max(0, x)", "(min(x, 1) + max(0, x))", ("x",), 1, False),
    ("x0", "x0", ("x0",), 1, True),
    ("x0 + x3", "(x0 + x3)", ("x0", "x3"), 4, True),
    ("x9*x1", "(x9 * x1)", ("x1", "x9"), 10, True),
    ("\tx  +  1 ", "(x + 1)", ("x",), 1, False),
    (ROSENBROCK, "(((1 - x0) ** 2) + (100 * ((x1 - (x0 ** 2)) ** 2)))", ("x0", "x1"), 2, True),
]


@pytest.mark.parametrize(("text", "canonical", "variables", "dimension", "vector"), ACCEPTED)
def test_accepted_constructs(
    text: str, canonical: str, variables: tuple[str, ...], dimension: int, vector: bool
) -> None:
    tree = parse(text)
    assert isinstance(tree, Expression)
    assert tree.source == text
    assert tree.text == canonical
    assert tree.variables == variables
    assert tree.dimension == dimension
    assert tree.is_vector is vector
    assert parse(tree.text).text == canonical  # the rendering reads back as itself


@pytest.mark.parametrize(
    "name", ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "softplus"]
)
def test_every_one_argument_function(name: str) -> None:
    assert parse(f"{name}(x + 1)").text == f"{name}((x + 1))"


def test_constants_fold_in_float_arithmetic() -> None:
    root = parse("x + 2*pi - 2**10 + sqrt(4) + min(1, 2) + sigmoid(0) + softplus(0)").root
    assert root.constant is None
    constants = []
    node = root
    while isinstance(node, Binary):  # walk down the left spine of the sum
        constants.append(node.right.constant)
        node = node.left
    assert constants == [math.log(2), 0.5, 1.0, 2.0, 1024.0, 2 * math.pi]
    assert parse("x**(2*500)").text == "(x ** (2 * 500))"  # exactly 1000 is accepted
    assert parse("x**-1000").text == "(x ** (-1000))"
    assert parse("1e-400 + x").text == "(0 + x)"  # underflow to 0 is finite


# --- refusals -----------------------------------------------------------------------

REFUSED = [
    # (text, column, words the message contains)
    ("", 0, "empty"),
    ("   ", 0, "empty"),
    ("y", 0, "unknown name 'y'"),
    ("x + foo", 4, "unknown name 'foo'"),
    ("__import__('os')", 0, "unknown function '__import__'"),
    ("print(1)", 0, "unknown function 'print'"),
    ("x10", 0, "unknown name 'x10'"),
    ("x.real", 1, "attribute access"),
    ("(x).real", 3, "attribute access"),
    ("x[0]", 1, "subscripts"),
    ("'x'", 0, "strings"),
    ('"x"', 0, "strings"),
    ("lambda: x", 0, "keyword"),
    ("x if x else 1", 2, "keyword"),
    ("[x for x in y]", 0, "subscripts"),
    ("{x for x in y}", 0, "braces"),
    ("x for", 2, "keyword"),
    ("x = 1", 2, "assignment"),
    ("x == 1", 2, "assignment"),
    ("(y := 1)", 3, "assignment"),
    ("x, 1", 1, "',' separates arguments of min and max only"),
    ("(x, 1)", 2, "',' separates arguments of min and max only"),
    ("sin(x, 1)", 5, "sin takes 1 argument"),
    ("min(x)", 5, "min takes 2 arguments"),
    ("max(x, 1, 2)", 8, "max takes 2 arguments"),
    ("(x", 0, "'(' is never closed"),
    ("sin(x", 3, "'(' is never closed"),
    ("((x) + 1", 0, "'(' is never closed"),
    ("x)", 1, "')' has no matching '('"),
    ("()", 1, "')' appears where an operand is expected"),
    ("x 2", 2, "an operator (+ - * / ** ^) is missing"),
    ("2x", 1, "an operator (+ - * / ** ^) is missing"),
    ("x +", 3, "ends too early"),
    ("x * * 2", 4, "'*' appears where an operand is expected"),
    ("x // 2", 3, "'/' appears where an operand is expected"),
    ("x % 2", 2, "'%'"),
    ("x @ 2", 2, "'@' is not accepted"),
    ("x + π", 4, "'π' is not accepted"),
    ("x + ٣", 4, "is not accepted"),
    ("x(2)", 0, "x is a variable, not a function"),
    ("pi(2)", 0, "pi is a constant, not a function"),
    ("sin x", 0, "needs its arguments in parentheses"),
    ("x + x0", 4, "cannot be mixed"),
    ("x3 * x", 5, "cannot be mixed"),
    ("3 + 4", 0, "does not use x"),
    ("x**1001", 3, "exponent 1001 is too large"),
    ("x**-1001", 3, "exponent -1001 is too large"),
    ("x**(2*600)", 3, "exponent 1200 is too large"),
    ("9**9**9**9", 6, "too large"),
    ("2**2000 + x", 3, "too large"),
    ("1e999 * x", 0, "number '1e999' is too large to be finite"),
    ("x + 1e308*10", 9, "not a finite number"),
    ("x + 1/0", 5, "divides by zero"),
    ("x + log(0)", 4, "not a finite number"),
    ("x + sqrt(-1)", 4, "not a finite number"),
    ("x + (-8)**(1/3)", 8, "not a finite number"),
    ("x + exp(1000)", 4, "not a finite number"),
    ("x\n+ 1", 1, "line breaks"),
    ("x; 1", 1, "';' is not accepted"),
]


@pytest.mark.parametrize(("text", "column", "words"), REFUSED)
def test_refusals_name_the_problem_and_point_at_it(text: str, column: int, words: str) -> None:
    error = refusal(text)
    assert error.column == column, error.reason
    assert words in error.reason
    assert isinstance(error, SettingError)
    assert error.field == "expr"
    assert str(error) == f"expr: {error.reason}"


def test_syntax_refusals_say_what_is_accepted() -> None:
    for text in ("y", "x.real", "", "x 2", "(x"):
        assert "expected an expression in x (or x0 … x9)" in refusal(text).reason


def test_too_long_is_refused_before_scanning() -> None:
    error = refusal("x" + "+x" * MAX_LENGTH)
    assert error.column == MAX_LENGTH
    assert "at most 2,000" in error.reason
    assert parse("+".join(["x"] * 1000)[: MAX_LENGTH - 1]).dimension == 1


@pytest.mark.parametrize(
    ("opening", "closing", "column"),
    # the column of the 51st opening (of the '**' itself for powers)
    [("(", ")", 50), ("sin(", ")", 200), ("-", "", 50), ("+", "", 50), ("x**", "", 151)],
)
def test_nesting_deeper_than_the_limit_is_refused(opening: str, closing: str, column: int) -> None:
    assert parse(opening * MAX_DEPTH + "x" + closing * MAX_DEPTH).dimension == 1
    error = refusal(opening * (MAX_DEPTH + 1) + "x" + closing * (MAX_DEPTH + 1))
    assert error.column == column
    assert "nests deeper than 50" in error.reason


def test_caret_points_at_the_column() -> None:
    error = refusal("x + foo")
    assert error.caret() == "x + foo\n    ^"
    error = refusal("x\t+ y")
    assert error.caret() == "x + y\n    ^"
    assert refusal("\x00 + x").caret() == "? + x\n^"
    long = "x + " * 100 + "y"
    narrow = refusal(long).caret(width=40)
    text_line, caret_line = narrow.split("\n")
    assert len(text_line) == 40
    assert text_line[len(caret_line) - 1] == "y"


def test_check_dimension() -> None:
    parse("x").check_dimension(1)
    parse("x0 + x3").check_dimension(4)
    parse("x0 + x3").check_dimension(10)
    with pytest.raises(ExpressionError, match="exactly 1 value, got 2") as caught:
        parse("2*x").check_dimension(2)
    assert caught.value.column == 2
    with pytest.raises(ExpressionError, match="at least 4 values") as caught:
        parse("x0 + x3 + x3").check_dimension(3)
    assert caught.value.column == 5
    with pytest.raises(ExpressionError, match="at most 10"):
        parse("x0").check_dimension(11)


def test_importing_the_parser_loads_neither_torch_nor_numpy() -> None:
    code = (
        "import sys\nimport solvers.core.expression, tests.standard_functions\n"
        "solvers.core.expression.parse('sin(x0) + x1')\n"
        "print(sorted(m for m in ('torch', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --- the torch objective ------------------------------------------------------------


def value_and_grad(module: torch.nn.Module, x0: list[float], dtype: torch.dtype) -> list[Tensor]:
    x = torch.tensor(x0, dtype=dtype, requires_grad=True)
    value, predictions = module([x])
    assert value.shape == (1,)
    assert predictions.shape == (0,)
    (grad,) = torch.autograd.grad(value, x)
    return [value.detach(), grad]


AGREEMENT = [
    (ROSENBROCK, [-1.5, 2.0]),
    ("min(x, 0.5) + max(2, x) + 2**x + x**x + x**0.5 - -x + 2/x + x/3", [0.7]),
    ("sin(x)*cos(x) + tan(x) + exp(x) + log(x) + sqrt(x) + abs(-x) + tanh(x)", [0.3]),
    ("sigmoid(x0*x1) + softplus(x2 - x0) + max(x0, x2) * min(x1, 2*pi)", [0.1, -2.0, 3.0]),
    ("x0**2 + x3", [1.0, 9.0, 9.0, 2.0, 9.0]),
    ("x**4 - 3*x**2 + x", [-2.0]),
    ("--x ** -x", [2.0]),  # the exponent is step 2's result, not the constant 2
]


@pytest.mark.parametrize(("text", "x0"), AGREEMENT)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_eager_and_scripted_agree_bit_for_bit(
    text: str, x0: list[float], dtype: torch.dtype
) -> None:
    tree = parse(text)
    eager = value_and_grad(ExpressionObjective(tree, len(x0)), x0, dtype)
    scripted = value_and_grad(make_expression_objective(tree, len(x0)), x0, dtype)
    for a, b in zip(eager, scripted, strict=True):
        assert a.dtype == dtype
        assert torch.equal(a, b), (a, b)
        assert torch.isfinite(a).all()


def hand_rosenbrock(params: list[Tensor]) -> tuple[Tensor, Tensor]:
    x = params[0]
    value = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    return value.reshape(1), x.new_empty(0)


def hand_mixed(params: list[Tensor]) -> tuple[Tensor, Tensor]:
    x = params[0]
    value = torch.sin(x[0]) * torch.exp(-x[1]) / (1 + x[0] ** 2) + torch.sigmoid(x[1])
    return value.reshape(1), x.new_empty(0)


@pytest.mark.parametrize(
    ("text", "hand"),
    [(ROSENBROCK, hand_rosenbrock), ("sin(x0)*exp(-x1)/(1 + x0^2) + sigmoid(x1)", hand_mixed)],
)
def test_both_ways_equal_a_hand_written_function_bit_for_bit(text, hand) -> None:  # type: ignore[no-untyped-def]
    tree = parse(text)
    for x0 in ([-1.5, 2.0], [0.3, -0.7], [1.0, 1.0]):
        expected = value_and_grad(hand, x0, torch.float32)
        for module in (ExpressionObjective(tree, 2), make_expression_objective(tree, 2)):
            got = value_and_grad(module, x0, torch.float32)
            for a, b in zip(expected, got, strict=True):
                assert torch.equal(a, b)


def test_rosenbrock_gradient_matches_the_analytic_formula_in_float64() -> None:
    tree = parse(ROSENBROCK)
    for module in (ExpressionObjective(tree, 2), make_expression_objective(tree, 2)):
        for a, b in ((-1.5, 2.0), (0.3, -0.7), (1.0, 1.0), (2.0, 3.5)):
            value, grad = value_and_grad(module, [a, b], torch.float64)
            assert abs(float(value) - ((1 - a) ** 2 + 100 * (b - a * a) ** 2)) < 1e-12
            expected = (-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a))
            assert abs(float(grad[0]) - expected[0]) < 1e-12
            assert abs(float(grad[1]) - expected[1]) < 1e-12


def test_the_objective_refuses_a_start_of_the_wrong_size() -> None:
    with pytest.raises(ExpressionError, match="at least 2 values"):
        make_expression_objective(parse(ROSENBROCK), 1)
    with pytest.raises(ExpressionError, match="exactly 1 value"):
        ExpressionObjective(parse("x"), 2)


def test_generated_source_uses_only_whitelisted_tokens() -> None:
    text = "min(x0, -2) + max(3, x1)**x0 + 2**x1 - -softplus(x0)/1e-300 + abs(x1)**-1.5 + x0**2"
    source = expression_source(parse(text), 2)
    forward, members = source.split("def members")
    assert members == (
        "(self, params: List[Tensor]) -> Tuple[Tensor, Tensor]:\n    return self.forward(params)\n"
    )
    assert forward.splitlines()[1:3] == ["    x = params[0]", "    xs = x.unbind(-1)"]
    body = forward.splitlines()[3:]
    allowed = re.compile(
        r"^    (t\d+ = (xs\[\d\]|.+)|return t\d+\.reshape\(-1\), x\.new_empty\(0\))$"
    )
    # the square is a product of the operand with itself (same results, a cheaper op)
    assert re.search(r"^    t\d+ = (t\d+) \* \1$", forward, re.MULTILINE), forward
    words = {
        "torch.minimum", "torch.maximum", "torch.pow", "torch.full_like",
        "torch.nn.functional.softplus", "torch.abs",
    }  # fmt: skip
    for line in body:
        assert allowed.match(line), line
        for word in re.findall(r"[A-Za-z_][A-Za-z_.]*", line):
            assert word in words or re.fullmatch(r"xs?|e|t|return|reshape|x\.new_empty", word), word


def test_compiled_modules_are_independent_and_copyable() -> None:
    first = make_expression_objective(parse("x**2"), 1)
    second = make_expression_objective(parse("x**3"), 1)
    assert type(first) is not type(second)
    (value,) = value_and_grad(first, [2.0], torch.float32)[:1]
    assert float(value) == 4.0
    double = copy.deepcopy(second).to(dtype=torch.float64)
    assert float(value_and_grad(double, [2.0], torch.float64)[0]) == 8.0


def script(module: torch.nn.Module) -> torch.nn.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        scripted: torch.nn.Module = torch.jit.script(module)
    return scripted


def PlainStepChunk(objective: torch.nn.Module) -> StepChunk:
    """The engine's chunk with the book's update, recording x, f and ∇f (5 columns)."""
    return StepChunk(objective, PlainUpdate(), 5)


def run_chunk(module: torch.nn.Module, params: list[Tensor], eta: float, out: Tensor) -> int:
    """Run ``out.size(0)`` iterations at a constant η."""
    etas = torch.full((out.size(0),), eta, dtype=torch.float64)
    return int(module(params, [], etas, out, torch.zeros(1, dtype=torch.bool)))


def test_scripted_chunk_matches_the_book_loop_bit_for_bit() -> None:
    """100 iterations of Rosenbrock from (-1.5, 2), η = 1e-3, float32."""
    eta, steps = 1e-3, 100
    chunk = script(PlainStepChunk(make_expression_objective(parse(ROSENBROCK), 2)))
    x = torch.tensor([-1.5, 2.0], requires_grad=True)
    out = torch.zeros(steps, 5)
    ran = run_chunk(chunk, [x], eta, out)
    assert ran == steps

    book = torch.tensor([-1.5, 2.0], requires_grad=True)
    rows = []
    for _ in range(steps):
        value = (1 - book[0]) ** 2 + 100 * (book[1] - book[0] ** 2) ** 2
        (grad,) = torch.autograd.grad(value, book)
        rows.append(torch.cat([book.detach(), value.detach().reshape(1), grad]))
        with torch.no_grad():
            book -= eta * grad
    assert torch.equal(out, torch.stack(rows))
    assert torch.equal(x.detach(), book.detach())

    eager = PlainStepChunk(ExpressionObjective(parse(ROSENBROCK), 2))
    y = torch.tensor([-1.5, 2.0], requires_grad=True)
    eager_out = torch.zeros(steps, 5)
    run_chunk(eager, [y], eta, eager_out)
    assert torch.equal(out, eager_out)


# --- the presets --------------------------------------------------------------------


def test_there_are_at_least_seven_distinct_functions() -> None:
    assert len({f.expr for f in FUNCTIONS}) >= 7
    assert len({f.key for f in FUNCTIONS}) == len(FUNCTIONS)
    assert any(not parse(f.expr).is_vector for f in FUNCTIONS)


@pytest.mark.parametrize("preset", FUNCTIONS, ids=lambda f: f.key)
def test_preset_minima_are_stationary_with_the_stated_value(preset: StandardFunction) -> None:
    tree = parse(preset.expr)
    dim = len(preset.start)
    tree.check_dimension(dim)
    objective = ExpressionObjective(tree, dim)
    assert any(m.is_global for m in preset.minima)
    for minimum in preset.minima:
        assert len(minimum.at) == dim
        value, grad = value_and_grad(objective, list(minimum.at), torch.float64)
        assert abs(float(value) - minimum.value) < 1e-9
        assert float(grad.abs().max()) < 1e-8


@pytest.mark.parametrize(
    "preset",
    [
        pytest.param(f, marks=[pytest.mark.slow] if f.key in ("rosenbrock", "beale") else [])
        for f in FUNCTIONS
    ],
    ids=lambda f: f.key,
)
def test_plain_gradient_descent_reaches_the_stated_minimum(preset: StandardFunction) -> None:
    """The book's loop in float64, with the preset's start, η and iterations."""
    objective = ExpressionObjective(parse(preset.expr), len(preset.start))
    x = torch.tensor(preset.start, dtype=torch.float64, requires_grad=True)
    for _ in range(preset.iterations):
        value, _ = objective([x])
        (grad,) = torch.autograd.grad(value, x)
        with torch.no_grad():
            x.sub_(preset.eta * grad)
    target = preset.minima[preset.reaches]
    distance = float(torch.linalg.norm(x.detach() - torch.tensor(target.at, dtype=torch.float64)))
    assert distance < preset.tolerance
    with torch.no_grad():
        assert abs(float(objective([x])[0]) - target.value) < 1e-6


def test_a_2000_character_sum_compiles_copies_and_runs_in_a_chunk() -> None:
    """A 1,000-deep tree: nothing recursive may walk it (copy, render, codegen)."""
    tree = parse("+".join(["x0*x1"] * 333)[: MAX_LENGTH - 1])
    eager = copy.deepcopy(ExpressionObjective(tree, 2))
    chunk = script(PlainStepChunk(copy.deepcopy(make_expression_objective(tree, 2))))
    rows = []
    for module in (chunk, PlainStepChunk(eager)):
        x = torch.tensor([0.5, 2.0], requires_grad=True)
        out = torch.zeros(10, 5)
        assert run_chunk(module, [x], 1e-3, out) == 10
        rows.append(out)
    assert torch.equal(rows[0], rows[1])
    assert torch.isfinite(rows[0]).all()
