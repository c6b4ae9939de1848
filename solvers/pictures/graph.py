"""The autograd graph of one forward pass, read from what torch recorded.

:func:`build_graph` runs the objective once on fresh leaf tensors, walks
``value.grad_fn.next_functions`` down to the parameters' ``AccumulateGrad``
nodes (each node once, by identity, with every edge), then runs the backward
pass, and returns a torch-free :class:`~solvers.pictures.graph_model.AutogradGraph`.
Nothing is typed in: the graph is whatever torch recorded for the objective.

How values and gradients are captured (not recomputed):

* **Gradients**: a pre-hook on every node (``Node.register_prehook``) receives
  the gradient flowing into the node, i.e. with respect to its output, when
  the engine is about to run it. It works for every node alike, inner views and
  ``AccumulateGrad`` leaves included (where it is the parameter's whole
  gradient, already summed over its uses), and needs no output tensor. Tensor
  hooks would need each intermediate tensor, which the objective does not hand
  out.
* **Forward values**: a ``TorchDispatchMode`` around the forward pass keeps
  every tensor each aten op returns; once the forward is done, each of those
  tensors' ``grad_fn`` is the node that op recorded, so the map node → value is
  exact, for every op including those Python never sees (``x[0, 0]`` is two
  ``select``s, one of them internal). A ``TorchFunctionMode`` misses such
  internal ops, and the saved tensors (``_saved_self`` …) are a node's
  *inputs*, only for some ops, and freed by the backward pass.

A TorchScript module's graph is whatever its executor ran: the first calls record
ordinary nodes (with repeated subexpressions merged), later ones a single fused
``CppFunction`` for the whole differentiable graph. So the graph of an expression
is built from the eager :class:`~solvers.problems.objectives.expression.ExpressionObjective`
(the ops as written, in the order written): :func:`expression_graph`, and
:func:`problem_graph` for a problem whose objective is scripted
(:func:`eager_objective`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import torch
from torch import Tensor

from solvers.compat.torch import NoDynamoSkip, TorchDispatchMode, saved_for_backward
from solvers.core.expression import parse
from solvers.pictures.graph_model import LEAF_OP, AutogradGraph, GraphEdge, GraphNode
from solvers.pictures.network_graph import layer_groups
from solvers.problems.network import NetworkProblem
from solvers.problems.objectives.expression import ExpressionObjective
from solvers.problems.problem import DTYPE, Problem


class _KeepOutputs(NoDynamoSkip, TorchDispatchMode):  # type: ignore[no-untyped-call]
    """Keeps every tensor each aten op returns during the forward pass."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.outputs: list[Tensor] = []

    def __torch_dispatch__(
        self,
        func: Any,
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        out = func(*args, **(kwargs or {}))
        for item in out if isinstance(out, tuple | list) else (out,):
            if isinstance(item, Tensor):
                self.outputs.append(item)
        return out


def _flat(tensor: Tensor) -> tuple[float, ...]:
    return tuple(float(v) for v in tensor.detach().reshape(-1).cpu().tolist())


def _details(node: Any) -> tuple[tuple[str, str], ...]:
    """The scalars torch saved on ``node`` for its backward (exponent, alpha, dim …)."""
    found: list[tuple[str, str]] = []
    for name, saved in saved_for_backward(node):
        if isinstance(saved, Tensor) and saved.dim() == 0 and not saved.requires_grad:
            saved = float(saved)  # a constant operand, e.g. the 2 of ``/ 2``
        if isinstance(saved, bool | int | float):
            shown = f"{saved:g}" if isinstance(saved, float) else str(saved)
            found.append((name, shown))
    return tuple(found)


def build_graph(
    objective: torch.nn.Module,
    params: Sequence[Tensor],
    names: Sequence[str],
    *,
    title: str = "",
    backward: bool = True,
) -> AutogradGraph:
    """The graph of ``objective(params)``, captured in one forward and one backward pass.

    ``params`` must be leaf tensors requiring grad (they receive ``.grad``);
    ``names`` names them. With ``backward`` False, only the forward values are kept.
    """
    if len(params) != len(names):
        raise ValueError(f"{len(params)} parameters but {len(names)} names")
    capture = _KeepOutputs()
    with capture:
        value, _ = objective(list(params))
    root = value.grad_fn
    if root is None:
        raise ValueError("the objective does not depend on its parameters: it has no graph")
    computed: dict[Any, Tensor] = {}
    for out in capture.outputs:
        fn = out.grad_fn
        if fn is not None and fn not in computed and out.output_nr == 0:
            computed[fn] = out.detach()
    del capture

    index: dict[Any, int] = {root: 0}
    order: list[Any] = [root]
    edges: list[GraphEdge] = []
    queue = deque([root])
    while queue:
        fn = queue.popleft()
        for slot, (child, _) in enumerate(fn.next_functions):
            if child is None:
                continue
            if child not in index:
                index[child] = len(order)
                order.append(child)
                queue.append(child)
            edges.append(GraphEdge(index[fn], index[child], slot))

    grads: dict[int, Tensor] = {}
    handles = []
    if backward:
        for i, fn in enumerate(order):

            def keep(grad_outputs: tuple[Tensor | None, ...], i: int = i) -> None:
                first = next((g for g in grad_outputs if g is not None), None)
                if first is not None:
                    grads[i] = first.detach().clone()

            handles.append(fn.register_prehook(keep))
    details = [_details(fn) for fn in order]  # before the backward frees what was saved
    if backward:
        try:
            value.sum().backward()
        finally:
            for handle in handles:
                handle.remove()

    param_name = {id(p): n for p, n in zip(params, names, strict=True)}
    nodes = []
    for i, fn in enumerate(order):
        op = type(fn).__name__
        param: str | None = None
        shape: tuple[int, ...] = ()
        values: tuple[float, ...] | None = None
        if op == LEAF_OP:
            variable = fn.variable
            param = param_name.get(id(variable), "?")
            shape, values = tuple(variable.shape), _flat(variable)
        elif fn in computed:
            shape, values = tuple(computed[fn].shape), _flat(computed[fn])
        children = tuple(index[c] for c, _ in fn.next_functions if c is not None)
        constants = sum(1 for c, _ in fn.next_functions if c is None)
        grad = _flat(grads[i]) if i in grads else None
        nodes.append(GraphNode(i, op, children, constants, param, shape, values, grad, details[i]))
    return AutogradGraph(
        tuple(nodes), tuple(edges), title, float(value.detach().reshape(-1)[0]), backward
    )


def eager_objective(problem: Problem) -> torch.nn.Module | None:
    """The eager twin of a problem's TorchScript objective, where the problem has one
    (its ``eager_objective`` attribute); None otherwise."""
    twin = getattr(problem, "eager_objective", None)
    return twin if isinstance(twin, torch.nn.Module) else None


def problem_graph(
    problem: Problem,
    values: Sequence[float] | None = None,
    *,
    title: str = "",
    objective: torch.nn.Module | None = None,
    device: torch.device | None = None,
) -> AutogradGraph:
    """The graph of ``problem``'s objective at the flat parameter ``values`` (default:
    its start with seed 0). A TorchScript objective is replaced by its eager twin
    (``objective``, else :func:`eager_objective`); without one its graph is drawn as
    torch records it, and says so."""
    at = tuple(values) if values is not None else problem.start_values(None, 0)
    where = device or torch.device("cpu")
    params = problem.make_params(tuple(float(v) for v in at), where)
    module = objective if objective is not None else problem.objective_on(where, DTYPE)
    note = ""
    if isinstance(module, torch.jit.ScriptModule):
        twin = eager_objective(problem)
        if twin is not None:
            module = twin.to(device=where, dtype=DTYPE)
        else:
            note = (
                "a TorchScript module: after its first runs torch records its ops as one "
                "fused node (CppFunction)"
            )
    graph = build_graph(module, params, list(problem.spec.param_tensors), title=title)
    if note:
        graph = AutogradGraph(
            graph.nodes, graph.edges, graph.title, graph.objective, graph.captured, note
        )
    if isinstance(problem, NetworkProblem):
        graph = replace(graph, groups=layer_groups(graph, problem.sizes, problem.activation))
    return graph


def expression_graph(
    text: str, dim: int, values: Sequence[float], *, title: str = "", name: str = "x"
) -> AutogradGraph:
    """The graph of the expression ``text`` in ``dim`` variables at ``values``, from the
    eager :class:`ExpressionObjective` (the compiled twin runs the same ops)."""
    objective = ExpressionObjective(parse(text), dim)
    x = torch.tensor([float(v) for v in values], dtype=DTYPE).requires_grad_(True)
    return build_graph(objective, [x], [name], title=title)
