"""The autograd graph of one forward pass, as plain data: no torch, no textual.

:mod:`solvers.pictures.graph` builds an :class:`AutogradGraph` from what torch recorded;
a display (the app's graph screen, a test) reads it without importing torch.
Nodes are numbered breadth-first from the objective's ``grad_fn`` (node 0). A
node reached along several edges (a shared subexpression, a parameter used
twice) is one node with several parents.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from math import prod

LEAF_OP = "AccumulateGrad"
"""The op of a parameter's leaf node."""
MAX_SHOWN = 6
"""Numbers :func:`format_values` writes before it elides the rest."""


@dataclass(frozen=True)
class GraphNode:
    """One autograd node (a ``grad_fn``, or a parameter's ``AccumulateGrad``)."""

    index: int
    op: str
    """The node's class name as torch names it: ``PowBackward0``, ``AccumulateGrad``."""
    children: tuple[int, ...]
    """Nodes this one passes gradients to (its ``next_functions`` that need a gradient),
    in torch's order; a child used twice is listed twice."""
    constants: int = 0
    """Inputs that need no gradient (data, constants): ``None`` in ``next_functions``."""
    param: str | None = None
    """The parameter's name, for an ``AccumulateGrad`` leaf."""
    shape: tuple[int, ...] = ()
    """Shape of the value the node computed (of the parameter, for a leaf)."""
    value: tuple[float, ...] | None = None
    """What the node computed in the forward pass, flat (None: not captured)."""
    grad: tuple[float, ...] | None = None
    """The gradient that flowed into the node in the backward pass, flat (None: none)."""
    details: tuple[tuple[str, str], ...] = ()
    """Scalars torch saved for the backward pass, e.g. ``("exponent", "2")``."""

    @property
    def is_leaf(self) -> bool:
        return self.op == LEAF_OP


@dataclass(frozen=True)
class GraphEdge:
    """``parent`` passes a gradient to ``child`` through its input ``slot``."""

    parent: int
    child: int
    slot: int


@dataclass(frozen=True)
class AutogradGraph:
    """Every node reachable from the objective's ``grad_fn``, each once, and its edges."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    title: str = ""
    """What the graph is of, e.g. "Chapter 3 at iteration 12"."""
    objective: float | None = None
    """The objective's value in this forward pass."""
    captured: bool = False
    """Values and gradients were captured (a forward and a backward pass ran)."""
    note: str = ""
    """Anything the reader should know about how the graph was obtained."""
    groups: tuple[tuple[str, tuple[int, ...]], ...] = ()
    """Named groups of its nodes, in the order to show them (a network's layers, each
    with its operations); () where the graph is shown as a tree from the objective."""
    _parents: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        parents: dict[int, list[int]] = {}
        for edge in self.edges:
            parents.setdefault(edge.child, []).append(edge.parent)
        self._parents.update({k: tuple(v) for k, v in parents.items()})

    @property
    def root(self) -> GraphNode:
        return self.nodes[0]

    @property
    def count(self) -> int:
        """Number of distinct nodes."""
        return len(self.nodes)

    def parents(self, index: int) -> tuple[int, ...]:
        """Nodes that pass a gradient to node ``index`` (one entry per edge)."""
        return self._parents.get(index, ())

    @property
    def leaves(self) -> tuple[GraphNode, ...]:
        """The parameters' ``AccumulateGrad`` nodes."""
        return tuple(node for node in self.nodes if node.is_leaf)

    def leaf(self, name: str) -> GraphNode:
        """The leaf of the parameter called ``name``."""
        for node in self.leaves:
            if node.param == name:
                return node
        raise KeyError(name)

    def ops(self) -> list[str]:
        """Every node's op, in node order."""
        return [node.op for node in self.nodes]

    def depth_first(self) -> Iterator[tuple[int, int, bool]]:
        """(node, depth, first time) in tree order from the root, iteratively; a node
        seen before is yielded again (``first`` False) but its children are not."""
        seen: set[int] = set()
        stack: list[tuple[int, int]] = [(0, 0)]
        while stack:
            index, depth = stack.pop()
            first = index not in seen
            seen.add(index)
            yield index, depth, first
            if first:
                children = self.nodes[index].children
                stack.extend((child, depth + 1) for child in reversed(children))

    def label(self, index: int) -> str:
        """One line for node ``index``: number, op, parameter, saved scalars."""
        node = self.nodes[index]
        text = f"#{index} {node.op}"
        if node.param is not None:
            text += f" {node.param}"
        if node.details:
            text += " (" + ", ".join(f"{k}={v}" for k, v in node.details) + ")"
        if node.constants:
            text += f" +{node.constants} const"
        return text


def format_values(values: tuple[float, ...] | None, shape: tuple[int, ...] = ()) -> str:
    """Numbers as short text: ``1.5`` for one, ``[1.5, 2, …] (2x3)`` for more."""
    if values is None:
        return "—"
    shown = ", ".join(f"{v:.6g}" for v in values[:MAX_SHOWN])
    if len(values) == 1:
        return shown
    if len(values) > MAX_SHOWN:
        shown += ", …"
    size = "x".join(str(n) for n in shape) if shape and prod(shape) == len(values) else ""
    return f"[{shown}]" + (f" ({size})" if size else "")
