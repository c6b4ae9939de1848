"""The tree a user's expression parses into, and the parsed expression itself.

Nodes compare by identity (eq=False) and print their text lazily (repr=False): a
2,000-character sum is a tree 1,000 deep, and dataclass __eq__/__repr__ would recurse
that deep. Every walk over the tree is iterative (:func:`postorder`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from solvers.core.expression_words import MAX_DIMENSION, ExpressionError


@dataclass(frozen=True, eq=False, repr=False)
class Node:
    """Base of the tree's nodes.

    ``column`` is where the node starts (an operator's own column for binary
    nodes), for error carets; ``constant`` is the node's value when it does not
    depend on x (folded in float arithmetic), else None.
    """

    column: int
    constant: float | None

    @property
    def children(self) -> tuple[Node, ...]:
        return ()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} at column {self.column}>"

    def __copy__(self) -> Node:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Node:
        # Immutable, and a long sum is too deep for copy's recursion.
        return self


@dataclass(frozen=True, eq=False, repr=False)
class Number(Node):
    """A numeric literal (``constant`` is its value)."""


@dataclass(frozen=True, eq=False, repr=False)
class Constant(Node):
    """``pi`` or ``e``."""

    name: str


@dataclass(frozen=True, eq=False, repr=False)
class Variable(Node):
    """``x`` (index None: the only parameter) or ``xk`` (index k of the vector)."""

    name: str
    index: int | None

    @property
    def position(self) -> int:
        """Where this variable sits in the parameter vector."""
        return 0 if self.index is None else self.index


@dataclass(frozen=True, eq=False, repr=False)
class Negate(Node):
    """Unary minus."""

    operand: Node

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True, eq=False, repr=False)
class Binary(Node):
    """``left op right`` with op one of ``+ - * / **`` (``^`` is stored as ``**``)."""

    op: str
    left: Node
    right: Node

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, eq=False, repr=False)
class Call(Node):
    """A function of FUNCTIONS_1 (one argument) or FUNCTIONS_2 (two)."""

    name: str
    args: tuple[Node, ...]

    @property
    def children(self) -> tuple[Node, ...]:
        return self.args


def postorder(root: Node) -> list[Node]:
    """Every node, children before parents, left before right; no recursion."""
    order: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.children)
    order.reverse()
    return order


def number_text(value: float) -> str:
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def render(root: Node) -> str:
    """Canonical text, fully parenthesised, ``^`` written ``**``.

    Pieces are emitted left to right from an explicit stack and joined once, so
    the work is linear even for a sum a thousand terms long.
    """
    pieces: list[str] = []
    stack: list[Node | str] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
        elif isinstance(item, Number):
            assert item.constant is not None
            pieces.append(number_text(item.constant))
        elif isinstance(item, Constant | Variable):
            pieces.append(item.name)
        elif isinstance(item, Negate):
            stack.extend((")", item.operand, "(-"))
        elif isinstance(item, Binary):
            stack.extend((")", item.right, f" {item.op} ", item.left, "("))
        elif isinstance(item, Call):
            stack.append(")")
            for i, arg in enumerate(reversed(item.args)):
                stack.extend((arg, ", ") if i < len(item.args) - 1 else (arg,))
            stack.append(f"{item.name}(")
        else:  # pragma: no cover - every node type is listed above
            raise TypeError(item)
    return "".join(pieces)


@dataclass(frozen=True, eq=False)
class Expression:
    """A parsed objective: its tree and what it needs from the start values."""

    source: str
    """The text as typed."""
    root: Node
    variables: tuple[str, ...]
    """Names used, sorted: ``("x",)`` or e.g. ``("x0", "x3")``."""
    dimension: int
    """The fewest values the start needs: 1 for x, k + 1 for the highest xk."""
    is_vector: bool
    """Whether the expression is in x0 … x9 (a vector) rather than x."""
    text: str
    """Canonical rendering, fully parenthesised, for display."""
    _first_use: dict[str, int] = field(repr=False)

    def __copy__(self) -> Expression:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Expression:
        # Immutable; torch modules holding it are deep-copied by Problem.objective_on.
        return self

    def check_dimension(self, dim: int) -> None:
        """Refuse a start of ``dim`` values that does not fit the variables."""
        if not self.is_vector:
            if dim != 1:
                raise ExpressionError(
                    f"x is a single number, so the start needs exactly 1 value, got {dim}; "
                    "for a vector write x0 … x9",
                    self._first_use["x"],
                    self.source,
                )
            return
        highest = f"x{self.dimension - 1}"
        if dim < self.dimension:
            raise ExpressionError(
                f"{highest} is used, so the start needs at least {self.dimension} values "
                f"(x0 … {highest}), got {dim}",
                self._first_use[highest],
                self.source,
            )
        if dim > MAX_DIMENSION:
            raise ExpressionError(
                f"the start has {dim} values; a vector has at most {MAX_DIMENSION} (x0 … x9)",
                0,
                self.source,
            )
