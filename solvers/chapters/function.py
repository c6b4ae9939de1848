"""Your function: any expression of x (or x0 … x9) a learner types, from a typed start.

Its facts are exact where the expression is a quadratic (read from its tree) and
local at the start otherwise (solvers/problems/problem.py). Its script writes the
expression with the torch ops, in the order, that the compiled objective runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from solvers.chapters.base import Chapter, ChapterInput, ScriptParam, ScriptTemplate
from solvers.core.expression import parse
from solvers.core.expression_tree import Binary, Call, Expression, Negate, Node, Variable, postorder
from solvers.core.expression_words import TORCH_FUNCTIONS_1, TORCH_FUNCTIONS_2, ExpressionError
from solvers.core.specs import ProblemSpec
from solvers.core.validation import SettingError

if TYPE_CHECKING:
    from solvers.problems.problem import Problem

DEFAULT_EXPR = "(1-x0)**2 + 100*(x1-x0**2)**2"
"""The screen opens on Rosenbrock's banana valley..."""
DEFAULT_START = (-1.5, 2.0)
"""...from this start."""
NESTED_HEIGHT = 24
"""An expression whose tree is at most this deep is written as one line; deeper ones
as straight-line steps (``t0 = …``), which any depth fits."""


def variable_names(count: int, vector: bool) -> tuple[str, ...]:
    """The parameters' names: ``x`` for one value of a scalar expression, else x0 … x(n-1)."""
    return tuple(f"x{i}" for i in range(count)) if vector or count != 1 else ("x",)


def function_spec(
    text: str,
    start: tuple[float, ...],
    eta: float = 1e-3,
    iterations: int = 30000,
) -> ProblemSpec:
    """A typed expression as a problem, of as many variables as the start has values.
    A SettingError names ``expr`` where it does not parse, ``init`` where the start
    does not fit its variables."""
    tree = parse(text)
    try:
        tree.check_dimension(len(start))
    except ExpressionError as error:
        raise SettingError("init", error.what) from None
    return ProblemSpec(
        id="custom",
        title="Your function",
        formula=f"f = {text.strip()}",
        param_names=variable_names(len(start), tree.is_vector),
        param_shapes=((len(start),),),
        prediction_names=(),
        eta=eta,
        iterations=iterations,
        book_start=tuple(float(v) for v in start),
        heading="Your function",
        inputs=(("expr", text.strip()),),
        start_origin="",  # the start typed: the values say it all
    )


class FunctionChapter(Chapter):
    """Key 6: the learner's own function."""

    default = function_spec(DEFAULT_EXPR, DEFAULT_START)
    key = "6"
    inputs = (
        ChapterInput(
            "expr",
            "f =",
            'your function, for chapter "custom": e.g. "(1-x0)**2 + x1**2"',
            lambda text, width: expression_problem(text, width),
        ),
    )
    start_required = True
    script_exact_when_compiled = False  # the compiled expression may merge operations

    @property
    def file_part(self) -> str:
        return "custom"

    def spec(
        self,
        values: Mapping[str, str],
        start: tuple[float, ...] | None = None,
        eta: float | None = None,
        iterations: int | None = None,
    ) -> ProblemSpec:
        text = values.get("expr")
        if text is None:
            raise SettingError("expr", 'is missing; chapter "custom" needs --expr "EXPRESSION"')
        if start is None:
            raise SettingError(
                "init", "is missing; your function needs start values, one per variable"
            )
        default = self.default
        return function_spec(
            text,
            start,
            default.eta if eta is None else eta,
            default.iterations if iterations is None else iterations,
        )

    def start_names(self, count: int) -> tuple[str, ...]:
        return variable_names(count, vector=False)

    def build(self, spec: ProblemSpec) -> Problem:
        from solvers.core.degree import is_quadratic
        from solvers.problems.objectives.expression import make_expression_objective
        from solvers.problems.problem import ExpressionProblem

        expression = parse(_expression_text(spec))
        objective = make_expression_objective(expression, spec.n_params)
        return ExpressionProblem(spec, objective, expression, is_quadratic(expression))

    def script(self, spec: ProblemSpec) -> ScriptTemplate:
        text = _expression_text(spec)
        tree = parse(text)
        tree.check_dimension(spec.n_params)
        return ScriptTemplate(
            f"Your function: y = {text}",
            spec.param_names,
            (),
            (ScriptParam("x", (spec.n_params,)),),
            expression_lines(tree),
            "y",
            None,
        )


def expression_problem(text: str, width: int) -> str:
    """What is wrong with an expression, with a caret under its column; "" if nothing."""
    try:
        parse(text)
    except ExpressionError as error:
        return f"{error.caret(width)}\n{error.reason}"
    return ""


def _expression_text(spec: ProblemSpec) -> str:
    text = spec.input("expr")
    if text is None:
        raise ValueError(f"problem {spec.id!r} has no expression")
    return text


def _literal(value: float) -> str:
    """A finite float as source text, parenthesised when negative."""
    if not math.isfinite(value):
        raise ValueError(f"{value!r} cannot be written as a literal")
    text = repr(float(value))
    return f"({text})" if text.startswith("-") else text


def expression_lines(tree: Expression) -> tuple[str, ...]:
    """``y = …`` from the tree: the ops :class:`ExpressionObjective` runs, in its order."""
    if tree.root.constant is not None:
        raise ValueError("a constant expression has no gradient")
    nodes = postorder(tree.root)
    height: dict[int, int] = {}
    for node in nodes:
        height[id(node)] = 1 + max((height[id(c)] for c in node.children), default=0)
    nested = height[id(tree.root)] <= NESTED_HEIGHT
    text: dict[int, str] = {}
    lines: list[str] = []
    atomic: set[int] = set()

    def ref(node: Node) -> str:
        if node.constant is not None:
            return _literal(node.constant)
        shown = text[id(node)]
        return shown if id(node) in atomic or not nested else f"({shown})"

    def full_like(node: Node, like: Node) -> str:
        if node.constant is not None:
            return f"torch.full_like({ref(like)}, {_literal(node.constant)})"
        return ref(node)

    for node in nodes:
        if node.constant is not None:
            continue
        call = False
        if isinstance(node, Variable):
            expr, call = f"x[{node.position}]", True
        elif isinstance(node, Negate):
            expr = f"-{ref(node.operand)}"
        elif isinstance(node, Binary):
            left, right = node.left, node.right
            if node.op == "**" and right.constant is None:
                expr, call = f"torch.pow({ref(left)}, {ref(right)})", True
            else:
                expr = f"{ref(left)} {node.op} {ref(right)}"
        elif isinstance(node, Call) and node.name in TORCH_FUNCTIONS_1:
            expr, call = f"{TORCH_FUNCTIONS_1[node.name]}({ref(node.args[0])})", True
        elif isinstance(node, Call) and node.name in TORCH_FUNCTIONS_2:
            a, b = node.args
            expr, call = (
                f"{TORCH_FUNCTIONS_2[node.name]}({full_like(a, b)}, {full_like(b, a)})",
                True,
            )
        else:  # pragma: no cover - the parser accepts nothing else
            raise ValueError(f"cannot write {node!r}")
        if nested:
            text[id(node)] = expr
            if call:
                atomic.add(id(node))
        else:
            name = f"t{len(lines)}"
            lines.append(f"{name} = {expr}")
            text[id(node)] = name
    if nested:
        return (f"y = {text[id(tree.root)]}",)
    lines.append(f"y = {text[id(tree.root)]}")
    return tuple(lines)


CHAPTER = FunctionChapter()
