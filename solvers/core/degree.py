"""The polynomial degree of a parsed expression, read from its tree (no torch, no numpy).

Whether f is a quadratic is a property of the expression, not of Hessian samples:
two samples of x² + sin(2πx) can agree. The pass gives an upper bound on the degree
in the variables, or None where the tree is not visibly a polynomial:

* a constant sub-tree (the parser folds it) is 0, a variable 1;
* ``+`` and ``−`` take the larger degree, ``*`` adds them, a sign keeps it;
* ``/`` by a non-zero constant keeps it; by anything else: not a polynomial;
* ``**`` by a constant whole number k ≥ 0 multiplies by k; any other power: not one;
* a function (sin, exp, abs, min, …) of anything that is not constant: not one.

It may overestimate (``x*0`` is degree 1, ``(x-x)**3`` degree 3), which only ever
makes a quadratic be taken for a general function, never the reverse: degree ≤ 2
means f(x) = ½xᵀHx + bᵀx + c exactly.
"""

from __future__ import annotations

from solvers.core.expression_tree import Binary, Call, Expression, Negate, Node, Variable, postorder


def polynomial_degree(root: Node) -> int | None:
    """An upper bound on the degree of the polynomial ``root`` is, or None if the tree is
    not visibly a polynomial (iterative: a long sum is a deep tree)."""
    degree: dict[int, int | None] = {}
    for node in postorder(root):
        degree[id(node)] = _degree(node, degree)
    return degree[id(root)]


def _degree(node: Node, known: dict[int, int | None]) -> int | None:
    if node.constant is not None:
        return 0
    if isinstance(node, Variable):
        return 1
    if isinstance(node, Negate):
        return known[id(node.operand)]
    if isinstance(node, Call):
        return None  # a function of a non-constant argument
    if not isinstance(node, Binary):  # pragma: no cover - every node type is listed
        return None
    left, right = known[id(node.left)], known[id(node.right)]
    if left is None or right is None:
        return None
    if node.op in ("+", "-"):
        return max(left, right)
    if node.op == "*":
        return left + right
    exponent = node.right.constant
    if node.op == "/":
        return left if exponent is not None and exponent != 0 else None
    if node.op == "**" and exponent is not None and exponent >= 0 and exponent.is_integer():
        return left * int(exponent)
    return None


def is_quadratic(expression: Expression) -> bool:
    """Degree ≤ 2 in the variables: f is exactly ½xᵀHx + bᵀx + c."""
    degree = polynomial_degree(expression.root)
    return degree is not None and degree <= 2
