"""draw_graph: a picture of a Scalar or Tensor graph, forward values in black, gradients in red.

Value nodes (Scalars, Tensors) and gate nodes alternate: ``x -> (+) -> q -> (*) -> f``. Scalar
graphs are drawn lecture style (numbers, gate symbols, constants folded into the gate: ``+1``,
``*-1``, ``1/x``); Tensor nodes show dtype, shape and statistics of value and gradient. The walk
is iterative and stops drawing after ``max_nodes`` value nodes (a summary node counts the rest).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import parents
from ..node import Node
from . import labels as lb
from .gradients import is_freed, resolve_gradients
from .render import GateGraph

DEFAULT_MAX_NODES = 200
DEFAULT_VANISH = 1e-4  # gradient-flow view: mean |grad| below this times mean |value|
DEFAULT_EXPLODE = 1e3  # gradient-flow view: mean |grad| above this times max(mean |value|, 1)
LEAF_FILL = "#dbe9f7"  # leaves that require grad (inputs, parameters)
CONSTANT_FILL = "#f0f0f0"  # nodes without gradient
GATE_FILL = "#f7f7f7"
FONT = "Helvetica"


def name_map(params: Any) -> dict:
    """``{node: name}`` from a mapping name -> node or an iterable of (name, node) pairs."""
    if params is None:
        return {}
    items = params.items() if isinstance(params, Mapping) else params
    names: dict = {}
    for pair in items:
        try:
            name, node = pair
        except (TypeError, ValueError):
            raise TypeError(
                "params: expected a mapping name -> Tensor/Scalar or (name, tensor) pairs "
                f"(e.g. dict(model.named_parameters())), got an item {pair!r}"
            ) from None
        if not isinstance(node, Node):
            raise TypeError(
                f"params: {name!r} maps to a {type(node).__name__}; expected a Tensor or Scalar"
            )
        names.setdefault(node, str(name))
    return names


@dataclass
class Selection:
    """The value nodes drawn (nearest to the root first) and counts of those left out."""

    nodes: list
    hidden_gates: int = 0
    hidden_leaves: int = 0
    cut: set = field(default_factory=set)  # drawn gate outputs with an input left out
    freed: bool = False  # a backward() without retain_graph released some gate's saved values


def select_nodes(root: Any, max_nodes: int | None, names: Mapping) -> Selection:
    """Breadth-first from the root (iterative); Scalar constants are folded, not drawn."""
    if max_nodes is not None and max_nodes < 1:
        raise ValueError(f"max_nodes: expected a positive number or None, got {max_nodes}")
    kept: list = []
    kept_set: set = set()
    seen = {root}
    queue = deque([root])
    hidden_gates = hidden_leaves = 0
    freed = False
    limit = float("inf") if max_nodes is None else max_nodes
    while queue:
        node = queue.popleft()
        if not freed and node._fn is not None and is_freed(node):
            freed = True
        if len(kept) < limit:
            kept.append(node)
            kept_set.add(node)
        elif node._fn is None:
            hidden_leaves += 1
        else:
            hidden_gates += 1
        if node._fn is None:
            continue
        for parent in parents(node):
            if parent is None or parent in seen:
                continue
            if lb.is_folded_constant(parent) and parent not in names:
                continue
            seen.add(parent)
            queue.append(parent)
    cut = set()
    if hidden_gates or hidden_leaves:
        for node in kept:
            if node._fn is not None and any(
                p is not None and p not in kept_set and p in seen for p in parents(node)
            ):
                cut.add(node)
    return Selection(kept, hidden_gates, hidden_leaves, cut, freed)


class Style:
    """How nodes and edges look; draw_graph's plain lecture style. Subclasses add modes."""

    show_caption = True
    title_align = "center"

    def prepare(self, drawer: Drawer) -> None:
        pass

    def value_lines(self, drawer: Drawer, node: Any) -> list:
        """Lines added at the end of a value node's label."""
        return []

    def value_stat_lines(self, drawer: Drawer, node: Any) -> list:
        """The statistics of a many-element value."""
        return lb.value_stats(node.data)

    def grad_lines(self, drawer: Drawer, node: Any) -> list:
        return drawer.default_grad_lines(node)

    def value_attrs(self, drawer: Drawer, node: Any) -> dict:
        return {}

    def gate_lines(self, drawer: Drawer, node: Any) -> list:
        return []

    def gate_attrs(self, drawer: Drawer, node: Any) -> dict:
        return {}

    def edge_attrs(self, drawer: Drawer, node: Any, index: int) -> dict:
        """Attributes of the edge from input ``index`` of ``node``'s gate to the gate."""
        return {}

    def output_edge_attrs(self, drawer: Drawer, node: Any) -> dict:
        """Attributes of the edge from ``node``'s gate to ``node``."""
        return {}

    def title_lines(self, drawer: Drawer) -> list:
        return []

    def finish(self, drawer: Drawer, graph: GateGraph) -> None:
        pass


class Drawer:
    """Builds the DOT picture of one graph: selection, names, gradients, then a style."""

    def __init__(
        self,
        root: Any,
        *,
        params: Any = None,
        show_values: bool = True,
        show_grads: bool = True,
        rankdir: str = "LR",
        max_nodes: int | None = DEFAULT_MAX_NODES,
        grads: Any = "auto",
        style: Style | None = None,
        needs_grads: bool = False,
    ) -> None:
        if not isinstance(root, Node):
            raise TypeError(
                f"draw_graph: expected a Tensor or Scalar root, got {type(root).__name__}"
            )
        if rankdir not in ("LR", "RL", "TB", "BT"):
            raise ValueError(f"rankdir: expected 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
        self.root = root
        self.names = name_map(params)
        self.show_values = show_values
        self.show_grads = show_grads
        self.rankdir = rankdir
        self.style = style or Style()
        self.selection = select_nodes(root, max_nodes, self.names)
        self.nodes = self.selection.nodes
        self.ids = {node: f"v{i}" for i, node in enumerate(self.nodes)}
        self.is_array = root._is_array
        if show_grads or needs_grads:
            self.grads, self.grad_source = resolve_gradients(
                root, self.nodes, grads, freed=self.selection.freed
            )
        else:
            self.grads, self.grad_source = {}, None

    # ---- labels -----------------------------------------------------------------------------

    def display_name(self, node: Any) -> str | None:
        name = self.names.get(node)
        if name is None:
            return None
        return name.rsplit(".", 1)[-1] if "." in name else name

    def default_grad_lines(self, node: Any) -> list:
        if not self.show_grads or not node.requires_grad:
            return []
        grad = self.grads.get(node)
        if grad is None:
            return [f'<font color="{lb.GREY}">grad —</font>']
        if lb.is_single(grad):
            text = lb.number(np.asarray(grad).reshape(()))
            return [f'<font color="{lb.RED}">{text}</font>']
        return [f'<font color="{lb.RED}">grad {line}</font>' for line in lb.grad_stats(grad)]

    def value_label(self, node: Any) -> str:
        lines = []
        name = self.display_name(node)
        if name is not None:
            lines.append(f"<b>{lb.escape(name)}</b>")
        data = node.data
        if node._is_array:
            lines.append(lb.escape(lb.shape_text(data)))
        if self.show_values:
            if lb.is_single(data):
                lines.append(lb.number(np.asarray(data).reshape(())))
            else:
                lines.extend(lb.escape(line) for line in self.style.value_stat_lines(self, node))
        if not node.requires_grad:
            lines.append(f'<font color="{lb.GREY}">no grad</font>')
        lines.extend(self.style.grad_lines(self, node))
        lines.extend(self.style.value_lines(self, node))
        return "<" + "<br/>".join(lines or [" "]) + ">"

    def gate_label(self, node: Any) -> str:
        lines = [lb.escape(lb.gate_text(node))]
        lines.extend(self.style.gate_lines(self, node))
        return "<" + "<br/>".join(lines) + ">"

    # ---- the picture --------------------------------------------------------------------------

    def draw(self) -> GateGraph:
        style = self.style
        style.prepare(self)
        graph = GateGraph(
            name="gategrad",
            graph_attr={"rankdir": self.rankdir, "fontname": FONT, "nodesep": "0.25",
                        "ranksep": "0.35"},
            node_attr={"fontname": FONT, "fontsize": "11"},
            edge_attr={"fontname": FONT, "fontsize": "10", "arrowsize": "0.7"},
        )
        title = style.title_lines(self)
        if style.show_caption:
            title = title + self.caption_lines()
        if title:
            if style.title_align == "left":
                text = "".join(line + '<br align="left"/>' for line in title)
            else:
                text = "<br/>".join(title)
            graph.attr(label="<" + text + ">", labelloc="t", labeljust="l", fontsize="12")
        clustered: dict = {}
        for node in self.nodes:
            vid = self.ids[node]
            attrs = {"shape": "box", "style": "rounded,filled", "fillcolor": "white"}
            if node._fn is None:
                attrs["fillcolor"] = LEAF_FILL if node.requires_grad else CONSTANT_FILL
            if node is self.root:
                attrs["penwidth"] = "2"
            attrs.update(style.value_attrs(self, node))
            statement = (vid, self.value_label(node), attrs)
            name = self.names.get(node)
            if name is not None and "." in name:
                clustered.setdefault(name.rsplit(".", 1)[0], []).append(statement)
            else:
                graph.node(vid, label=statement[1], **attrs)
            if node._fn is not None:
                self._draw_gate(graph, node)
        self._draw_clusters(graph, clustered)
        self._draw_summary(graph)
        style.finish(self, graph)
        return graph

    def _draw_gate(self, graph: GateGraph, node: Any) -> None:
        vid = self.ids[node]
        gid = "g" + vid[1:]
        if self.is_array:
            attrs = {"shape": "box", "style": "rounded,filled", "fillcolor": GATE_FILL,
                     "color": "#777777"}
        else:
            attrs = {"shape": "circle", "style": "filled", "fillcolor": GATE_FILL,
                     "color": "#777777", "margin": "0.02", "fontsize": "13"}
        attrs.update(self.style.gate_attrs(self, node))
        graph.node(gid, label=self.gate_label(node), **attrs)
        graph.edge(gid, vid, **self.style.output_edge_attrs(self, node))
        for index, parent in enumerate(parents(node)):
            pid = self.ids.get(parent) if parent is not None else None
            if pid is not None:
                graph.edge(pid, gid, **self.style.edge_attrs(self, node, index))
        if node in self.selection.cut:
            graph.edge("more", gid, style="dashed", color=lb.GREY)

    def _draw_clusters(self, graph: GateGraph, clustered: dict) -> None:
        """Parameters grouped by dotted prefix: ``layers.0.weight`` in cluster ``layers.0``.

        One level only: nesting ``layers.0`` inside ``layers`` would pull every layer's
        parameters into one column, far from the gates that use them.
        """
        for prefix, statements in clustered.items():
            with graph.subgraph(name=f"cluster_{prefix}") as sub:
                sub.attr(label=prefix, style="rounded,dashed", color="#4a78a8",
                         fontcolor="#4a78a8", fontname=FONT, fontsize="11")
                for vid, label, attrs in statements:
                    sub.node(vid, label=label, **attrs)

    def _draw_summary(self, graph: GateGraph) -> None:
        selection = self.selection
        if not (selection.hidden_gates or selection.hidden_leaves):
            return
        lines = [f"... {selection.hidden_gates:,} more gates"]
        if selection.hidden_leaves:
            count = selection.hidden_leaves
            lines.append(f"and {count:,} more input{'' if count == 1 else 's'}")
        lines.append(f"(max_nodes={len(self.nodes)})")
        graph.node("more", label="<" + "<br/>".join(lines) + ">", shape="note", style="filled",
                   fillcolor="#fafafa", color=lb.GREY, fontcolor="#555555")

    def caption_lines(self) -> list:
        lines = []
        if self.show_values and self.show_grads:
            lines.append(f'forward value (black), <font color="{lb.RED}">gradient (red)</font>')
        note = self.gradient_note()
        if note and self.show_grads:
            lines.append(f'<font color="{lb.GREY}">{note}</font>')
        return lines

    def gradient_note(self) -> str | None:
        """Why some gradients are missing from the picture, if they are."""
        if self.grad_source != "stored":
            return None
        if not any(n.requires_grad and self.grads.get(n) is None for n in self.nodes):
            return None
        root = self.root
        if not root.requires_grad:
            return "the root does not require grad: no gradient flows"
        if root._is_array and np.size(root.data) != 1:
            return (f"the root has {np.size(root.data)} elements: pass "
                    "grads=node_gradients(root, gradient=...) to draw gradients")
        return ("backward() freed the graph: intermediate gradients not kept "
                "(draw before backward() to see them)")


def draw_graph(
    root: Any,
    *,
    params: Mapping | Iterable | None = None,
    show_values: bool = True,
    show_grads: bool = True,
    rankdir: str = "LR",
    max_nodes: int | None = DEFAULT_MAX_NODES,
    grads: Any = "auto",
    mode: str = "values",
    vanish: float = DEFAULT_VANISH,
    explode: float = DEFAULT_EXPLODE,
) -> GateGraph:
    """A picture of the graph that produced ``root`` (a ``graphviz.Digraph``).

    Value nodes show forward values in black and gradients in red; gate nodes show the
    operation (Scalar graphs: the lecture's symbols ``+``, ``*``, ``max``, ``1/x``; Tensor
    graphs: the operation's name, and tensor nodes show dtype, shape and statistics).

    ``params``: name -> node (e.g. ``dict(model.named_parameters())``); named nodes are labelled,
    dotted names are grouped in clusters by prefix. ``max_nodes``: value nodes drawn, nearest to
    the root first (None: all); the rest is counted in a summary node. ``grads``: "auto" draws
    d root / d node computed by a backward pass of its own while the graph is alive (``.grad``
    untouched) and the stored ``.grad`` once ``backward()`` has freed it; "compute", "stored",
    or a mapping node -> gradient. ``mode="flow"`` draws the gradient-flow view (see
    ``draw_gradient_flow``; ``vanish`` and ``explode`` are its thresholds).
    """
    if mode == "values":
        style: Style = Style()
    elif mode == "flow":
        from .flow import FlowStyle

        style = FlowStyle(vanish=vanish, explode=explode)
    else:
        raise ValueError(f"draw_graph: mode must be 'values' or 'flow', got {mode!r}")
    drawer = Drawer(
        root,
        params=params,
        show_values=show_values,
        show_grads=show_grads,
        rankdir=rankdir,
        max_nodes=max_nodes,
        grads=grads,
        style=style,
        needs_grads=mode == "flow",
    )
    return drawer.draw()
