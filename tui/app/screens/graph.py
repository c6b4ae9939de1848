"""The autograd graph of one forward pass, as a collapsible tree (key ``g``).

The graph comes from :func:`solvers.pictures.graph.problem_graph` (torch, imported when the
screen opens, long after torch has loaded) as a torch-free
:class:`~solvers.pictures.graph_model.AutogradGraph`; this screen only draws it. The tree
starts at the objective's ``grad_fn``; each node's children are the nodes it
passes gradients to, down to the parameters' ``AccumulateGrad``. A node reached
again (a shared subexpression, a parameter used twice) is drawn in full once and
then as a one-line reference to its number, so the count in the title is the
count of distinct nodes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, Tree

from solvers.pictures.graph_model import AutogradGraph, format_values

if TYPE_CHECKING:
    from tui.app.screens.chapter_values import ChapterValues

EXPANDED_DEPTH = 6
"""Levels shown expanded when the screen opens (fewer for a large graph)."""
LARGE = 60
"""A graph of more nodes opens with only its top levels expanded."""


def graph_for(values: ChapterValues) -> AutogradGraph:
    """The graph of ``values``' problem: at the parameters of its run's last recorded
    iteration where it has one, else at the start its settings give (seed 0 for a
    draw). Needs torch (loaded by the time a screen can ask)."""
    from solvers.chapters.registry import problem_for
    from solvers.pictures.graph import problem_graph

    problem = problem_for(values.spec)
    if values.last is not None:
        params, where = values.last, f"iteration {values.iteration}"
    else:
        settings = values.settings
        seed = settings.seed if settings.seed is not None else 0
        params, where = problem.start_values(settings.start, seed), "the start"
    heading = values.spec.heading or values.spec.title
    return problem_graph(problem, params, title=f"{heading}, {where}")


def _label(graph: AutogradGraph, index: int, first: bool) -> Text:
    node = graph.nodes[index]
    if not first:
        return Text.assemble(("↑ ", "dim"), (graph.label(index), "italic dim"), (" (above)", "dim"))
    text = Text(f"#{index} ", style="dim")
    text.append(node.op, style="bold green" if node.is_leaf else "bold")
    if node.param is not None:
        text.append(f" {node.param}", style="bold yellow")
    if node.details:
        text.append(" (" + ", ".join(f"{k}={v}" for k, v in node.details) + ")", style="cyan")
    if node.value is not None:
        text.append(f"  = {format_values(node.value, node.shape)}")
    if node.grad is not None:
        text.append(f"  ∂ {format_values(node.grad, node.shape)}", style="magenta")
    return text


class GraphScreen(ModalScreen[None]):
    """The autograd graph of the screen's objective, with each node's value and gradient."""

    DEFAULT_CSS = """
    GraphScreen { align: center middle; }
    GraphScreen > #graph-box {
        width: 94%; height: 92%; border: thick $primary; background: $surface; padding: 0 1;
    }
    GraphScreen #graph-tree { height: 1fr; }
    GraphScreen #graph-node { height: auto; max-height: 8; border-top: solid $primary-darken-2; }
    GraphScreen #graph-head { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,g,q", "dismiss", "Close"),
        Binding("e", "expand_all", "Expand all"),
        Binding("c", "collapse_all", "Collapse all"),
    ]

    def __init__(self, graph: AutogradGraph) -> None:
        super().__init__()
        self.graph = graph

    @classmethod
    def of(cls, values: ChapterValues) -> GraphScreen:
        """The screen of ``values``' graph (:func:`graph_for`)."""
        return cls(graph_for(values))

    def compose(self) -> ComposeResult:
        with Vertical(id="graph-box"):
            yield Static(self._head(), id="graph-head")
            yield self._tree()
            yield Static("", id="graph-node")
        yield Footer(compact=True)

    def _head(self) -> str:
        graph = self.graph
        leaves = ", ".join(node.param or "?" for node in graph.leaves)
        objective = f"objective {graph.objective:.8g}; " if graph.objective is not None else ""
        what = (
            "= value in the forward pass, ∂ gradient into the node in the backward pass"
            if graph.captured
            else "ops only"
        )
        note = f"\n{graph.note}" if graph.note else ""
        return f"{graph.title}: {objective}parameters {leaves}. {what}.{note}"

    def _tree(self) -> Tree[int]:
        graph = self.graph
        if graph.groups:
            return self._grouped()
        tree: Tree[int] = Tree(_label(graph, 0, True), data=0, id="graph-tree")
        tree.guide_depth = 3
        tree.border_title = f"autograd graph: {graph.count} nodes, {len(graph.edges)} edges"
        limit = 2 if graph.count > LARGE else EXPANDED_DEPTH
        by_depth = [tree.root]
        for index, depth, first in graph.depth_first():
            if depth == 0:
                continue
            parent = by_depth[depth - 1]
            has_children = first and bool(graph.nodes[index].children)
            label = _label(graph, index, first)
            if has_children:
                added = parent.add(label, data=index, expand=depth < limit)
            else:
                added = parent.add_leaf(label, data=index)
            del by_depth[depth:]
            by_depth.append(added)
        tree.root.expand()
        return tree

    def _grouped(self) -> Tree[int]:
        """One collapsed branch per group (a network's layers, then its loss), each
        opening to its operations with the nodes each passes gradients to."""
        graph = self.graph
        tree: Tree[int] = Tree(graph.title or "graph", data=0, id="graph-tree")
        tree.border_title = (
            f"autograd graph by layer: {graph.count} nodes, {len(graph.edges)} edges"
        )
        for label, members in graph.groups:
            branch = tree.root.add(label, data=members[0] if members else 0, expand=False)
            for index in members:
                line = _label(graph, index, True)
                children = graph.nodes[index].children
                if children:
                    line.append(" → " + ", ".join(f"#{c}" for c in children), style="dim")
                branch.add_leaf(line, data=index)
        tree.root.expand()
        return tree

    def on_mount(self) -> None:
        self.query_one(Tree).focus()
        self._describe(0)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        if event.node.data is not None:
            self._describe(event.node.data)

    def _describe(self, index: int) -> None:
        graph = self.graph
        node = graph.nodes[index]
        parents = sorted(set(graph.parents(index)))
        lines = [
            graph.label(index)
            + (f"; used by {', '.join(f'#{p}' for p in parents)}" if parents else " (the root)")
        ]
        if node.value is not None:
            lines.append(f"value:    {_all(node.value)}")
        if node.grad is not None:
            lines.append(f"gradient: {_all(node.grad)}")
        self.query_one("#graph-node", Static).update(Text("\n".join(lines)))

    def action_expand_all(self) -> None:
        self.query_one(Tree).root.expand_all()

    def action_collapse_all(self) -> None:
        root = self.query_one(Tree).root
        root.collapse_all()
        root.expand()


def _all(values: tuple[float, ...]) -> str:
    shown = ", ".join(f"{v:.9g}" for v in values[:24])
    return shown + (", …" if len(values) > 24 else "")
