"""A network's autograd graph grouped by layer: each Linear layer (with the activation
after it) and the loss, each holding its operations. Torch-free: it reads the
:class:`~solvers.pictures.graph_model.AutogradGraph` torch recorded.

A node belongs to the deepest layer whose parameters it passes gradients to (a
layer's ``addmm`` reaches its own W and b and every earlier layer's; the
activation after layer k reaches layers 1 … k), the objective's node to the loss.
"""

from __future__ import annotations

import re

from solvers.pictures.graph_model import AutogradGraph

_LAYER = re.compile(r"[Wb](\d+)$")


def layer_of_nodes(graph: AutogradGraph) -> list[int]:
    """Each node's layer (1 …), 0 for a node that reaches no parameter; the root is
    given the layer count + 1 (the loss)."""
    layer = [0] * graph.count
    for node in reversed(graph.nodes):  # breadth-first numbering: children come later
        if node.param is not None:
            found = _LAYER.match(node.param)
            layer[node.index] = int(found.group(1)) if found else 0
        else:
            layer[node.index] = max((layer[c] for c in node.children), default=0)
    if graph.count:
        layer[0] = max(layer) + 1
    return layer


def layer_groups(
    graph: AutogradGraph, sizes: tuple[int, ...], activation: str
) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(label, nodes) for layer 1 … L in forward order, then the loss; each layer's nodes
    from its input to its output (torch's numbering runs from the loss backwards)."""
    layers = layer_of_nodes(graph)
    count = len(sizes) - 1
    groups: list[tuple[str, tuple[int, ...]]] = []
    for k in range(1, count + 1):
        after = f", then {activation}" if k < count else ""
        label = f"layer {k}: Linear {sizes[k - 1]} → {sizes[k]} (W{k}, b{k}){after}"
        members = tuple(sorted((i for i, at in enumerate(layers) if at == k), reverse=True))
        groups.append((label, members))
    loss = tuple(i for i, at in enumerate(layers) if at == count + 1)
    groups.append(("loss: mean squared error", loss))
    return tuple(groups)
