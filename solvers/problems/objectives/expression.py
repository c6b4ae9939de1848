"""A parsed expression as a torch objective, eager or compiled with TorchScript.

Why two ways: :class:`ExpressionObjective` evaluates the tree with torch ops one
by one (easy to read, step through and test); :func:`make_expression_objective`
emits TorchScript source for the same steps in the same order (two rewritten to
cheaper ops with the same results, see :func:`expression_source`) and compiles it, so
that :class:`solvers.run.engine.StepChunk` can be scripted around it and run
without the GIL. Both give bit-identical values and gradients on the CPU.

The source is generated from the parsed tree only: operators and function names
come from fixed tables, constants are ``repr(float)`` of already-finite floats,
variables are ``x[..., k]`` eagerly and the pieces of one ``x.unbind(-1)`` compiled
(one run's x is (dim,), a compare's (M, dim)).
No user text reaches the compiler.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from solvers.core.expression_tree import Binary, Call, Expression, Negate, Node, Variable, postorder
from solvers.core.expression_words import TORCH_FUNCTIONS_1, TORCH_FUNCTIONS_2

Operand = int | float
"""A step's operand: the index of an earlier step's result, or a constant."""

_TORCH_1 = TORCH_FUNCTIONS_1
_EAGER_1: dict[str, Callable[[Tensor], Tensor]] = {
    "sin": torch.sin,
    "cos": torch.cos,
    "tan": torch.tan,
    "exp": torch.exp,
    "log": torch.log,
    "sqrt": torch.sqrt,
    "abs": torch.abs,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softplus": torch.nn.functional.softplus,
}
_TORCH_2 = TORCH_FUNCTIONS_2
_EAGER_2: dict[str, Callable[[Tensor, Tensor], Tensor]] = {
    "min": torch.minimum,
    "max": torch.maximum,
}
_OPERATORS = ("+", "-", "*", "/", "**")
_SERIAL = itertools.count()
"""Numbers each compiled module's class: TorchScript refuses to define forward twice
on one class name."""


@dataclass(frozen=True)
class Step:
    """One op of the straight-line program: ``kind`` is "select", "neg", an operator
    or a function name; operands are earlier steps or constants."""

    kind: str
    operands: tuple[Operand, ...]


def program(tree: Expression) -> list[Step]:
    """The tree as straight-line steps in evaluation order (Python's, left to right).

    Constant sub-trees become float operands; every use of a variable is its own
    ``x[k]`` select, as a hand-written ``x[0] ... x[0]`` would be.
    """
    if tree.root.constant is not None:
        raise ValueError("a constant expression has no gradient")
    steps: list[Step] = []
    slot: dict[int, int] = {}

    def operand(node: Node) -> Operand:
        return node.constant if node.constant is not None else slot[id(node)]

    for node in postorder(tree.root):
        if node.constant is not None:
            continue
        if isinstance(node, Variable):
            step = Step("select", (node.position,))
        elif isinstance(node, Negate):
            step = Step("neg", (operand(node.operand),))
        elif isinstance(node, Binary):
            step = Step(node.op, (operand(node.left), operand(node.right)))
        elif isinstance(node, Call):
            step = Step(node.name, tuple(operand(a) for a in node.args))
        else:  # pragma: no cover - numbers and constants are always folded
            raise TypeError(node)
        slot[id(node)] = len(steps)
        steps.append(step)
    return steps


def _literal(value: float) -> str:
    """A finite float as source text, parenthesised when negative."""
    assert math.isfinite(value)
    text = repr(float(value))
    return f"({text})" if value < 0 or text.startswith("-") else text


def expression_source(tree: Expression, dim: int) -> str:
    """TorchScript source of ``forward(self, params)`` for ``tree`` on ``dim`` values.

    Two rewrites make it cheaper than the eager steps and leave every value and
    gradient bit for bit the same (tested against them and a hand-written loop):
    the variables come from one ``x.unbind(-1)`` (one op forward and one ``stack``
    backward, instead of a select and a dense zero-filled gradient per use), and
    ``a ** 2`` is ``a * a`` (ATen computes a square as ``a * a``; its gradient
    ``g·(2a)`` and the product's ``g·a + g·a`` are both ``2·round(g·a)``): fewer
    ops per iteration for the same values.
    """
    tree.check_dimension(dim)
    lines = [
        "def forward(self, params: List[Tensor]) -> Tuple[Tensor, Tensor]:",
        "    x = params[0]",
        "    xs = x.unbind(-1)",
    ]

    def ref(value: Operand) -> str:
        return _literal(value) if isinstance(value, float) else f"t{value}"

    def tensor_ref(value: Operand, like: Operand) -> str:
        # min/max need two tensors: a constant becomes a tensor shaped like the other.
        if isinstance(value, float):
            return f"torch.full_like({ref(like)}, {ref(value)})"
        return ref(value)

    steps = program(tree)
    for i, step in enumerate(steps):
        ops = step.operands
        if step.kind == "select":
            expr = f"xs[{int(ops[0])}]"
        elif step.kind == "neg":
            expr = f"-{ref(ops[0])}"
        elif step.kind == "**":
            a, b = ops
            if isinstance(b, float) and b == 2.0 and not isinstance(a, float):
                # a constant 2 only: an int operand is a step's index (step 2 is not 2)
                expr = f"{ref(a)} * {ref(a)}"
            elif isinstance(b, float):
                expr = f"{ref(a)} ** {ref(b)}"
            else:
                expr = f"torch.pow({ref(a)}, {ref(b)})"
        elif step.kind in _OPERATORS:
            expr = f"{ref(ops[0])} {step.kind} {ref(ops[1])}"
        elif step.kind in _TORCH_1:
            expr = f"{_TORCH_1[step.kind]}({ref(ops[0])})"
        elif step.kind in _TORCH_2:
            a, b = ops
            expr = f"{_TORCH_2[step.kind]}({tensor_ref(a, b)}, {tensor_ref(b, a)})"
        else:  # pragma: no cover - the parser accepts nothing else
            raise ValueError(step.kind)
        lines.append(f"    t{i} = {expr}")
    lines.append(f"    return t{len(steps) - 1}.reshape(-1), x.new_empty(0)")
    lines += [
        "def members(self, params: List[Tensor]) -> Tuple[Tensor, Tensor]:",
        "    return self.forward(params)",
    ]
    return "\n".join(lines) + "\n"


class ExpressionObjective(torch.nn.Module):
    """The expression evaluated eagerly with torch ops, one step at a time.

    ``params`` is ``[x]`` with x of shape (dim,), or (M, dim) for a compare's M
    members; ``x`` alone is x[..., 0]. The value has one element per member.
    """

    def __init__(self, tree: Expression, dim: int) -> None:
        super().__init__()
        tree.check_dimension(dim)
        self.tree = tree
        self.dim = dim
        self.steps = program(tree)

    def forward(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        x = params[0]
        values: list[Tensor] = []

        def get(value: Operand) -> Tensor | float:
            return value if isinstance(value, float) else values[value]

        def tensor(value: Operand, like: Tensor | float) -> Tensor:
            if isinstance(value, float):
                assert isinstance(like, Tensor)
                return torch.full_like(like, value)
            return values[value]

        for step in self.steps:
            ops = step.operands
            kind = step.kind
            out: Tensor
            if kind == "select":
                out = x[..., int(ops[0])]
            elif kind == "neg":
                out = -values[int(ops[0])]
            elif kind in _EAGER_1:
                out = _EAGER_1[kind](values[int(ops[0])])
            elif kind in _EAGER_2:
                a, b = get(ops[0]), get(ops[1])
                out = _EAGER_2[kind](tensor(ops[0], b), tensor(ops[1], a))
            else:
                out = _binary(kind, get(ops[0]), get(ops[1]))
            values.append(out)
        return values[-1].reshape(-1), x.new_empty(0)

    def members(self, params: list[Tensor]) -> tuple[Tensor, Tensor]:
        """The same steps on (M, dim): they select from the right, so one per member."""
        return self.forward(params)


def _binary(op: str, a: Tensor | float, b: Tensor | float) -> Tensor:
    """``a op b`` with Python's operators, as the generated source writes them."""
    if op == "**" and not isinstance(b, float):
        return torch.pow(a, b)
    result: Tensor
    if op == "+":
        result = a + b  # type: ignore[assignment]
    elif op == "-":
        result = a - b  # type: ignore[assignment]
    elif op == "*":
        result = a * b  # type: ignore[assignment]
    elif op == "/":
        result = a / b  # type: ignore[assignment]
    else:
        result = a**b
    return result


def make_expression_objective(tree: Expression, dim: int) -> torch.nn.Module:
    """The expression compiled to a TorchScript module, ready to script inside a chunk.

    ``torch.jit.ScriptModule.define`` compiles the generated ``forward`` directly
    (no ``torch.jit.script`` of a Python class, which would need source files). Each
    module gets a class of its own name, since TorchScript keys methods by class.
    """
    source = expression_source(tree, dim)
    name = f"ExpressionForward{next(_SERIAL)}"
    cls = type(name, (torch.jit.ScriptModule,), {"__qualname__": name, "__module__": __name__})
    with warnings.catch_warnings():
        # TorchScript is deprecated in favour of torch.compile; see solvers.run.descent.
        warnings.simplefilter("ignore", DeprecationWarning)
        module: torch.nn.Module = cls()
        module.define(source)  # type: ignore[operator]
    return module
