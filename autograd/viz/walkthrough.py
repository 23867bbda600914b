"""backward_steps: the backward pass as frames, one per gate, in the order the engine runs them.

Each frame shows what the lecture's slides show for one gate: the upstream gradient arriving at
its output, the local gradient d out / d input, and the downstream gradient it sends to each
input (downstream = upstream × local). For a Tensor gate with a many-element output the local
gradient is a Jacobian that is never formed: the frame shows the gate's vector-Jacobian product
(its backward applied to the upstream gradient), which is the downstream gradient.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..engine import parents, topological_order
from . import labels as lb
from .gradients import FREED_MESSAGE, any_freed, gate_backward, local_gradients, node_gradients
from .graph import DEFAULT_MAX_NODES, Drawer, GateGraph, Style, name_map

INFIX = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Pow": "**", "MatMul": "@"}
HIGHLIGHT = "#e69500"
HIGHLIGHT_FILL = "#ffe08a"


@dataclass(frozen=True)
class BackwardStep:
    """One chain-rule step: the gate that produced ``node`` turns ``upstream`` into
    ``downstream`` (one entry per input, None where none flows)."""

    index: int
    node: Any
    upstream: Any
    local: tuple | None  # d node / d input per input, or None (Tensor gate: VJP only)
    downstream: tuple

    @property
    def gate(self) -> type:
        return self.node._fn

    @property
    def inputs(self) -> tuple:
        return parents(self.node)

    @property
    def is_vjp(self) -> bool:
        """True when the local gradient is a Jacobian shown only through its product."""
        return self.local is None


class BackwardWalkthrough(Sequence):
    """The frames of a backward pass (a sequence of ``BackwardStep``), as text, pictures, numbered
    image files, or one HTML page with a slider."""

    _ids = itertools.count()

    def __init__(self, root: Any, steps: list, labels: dict, seed: Any) -> None:
        self.root = root
        self.steps = steps
        self.labels = labels
        self.seed = seed

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index: Any) -> Any:
        return self.steps[index]

    # ---- text -----------------------------------------------------------------------------

    def label(self, node: Any) -> str:
        if node is None:
            return "const"
        if lb.is_folded_constant(node) and node not in self.labels:
            return lb.constant(node.data)
        return self.labels.get(node, "?")

    def text(self, index: int) -> str:
        """The frame's explanation: gate, upstream, local and downstream gradients."""
        step = self.steps[index]
        out = self.label(step.node)
        root = self.label(self.root)
        lines = [
            f"step {index + 1} of {len(self)}: gate {lb.gate_text(step.node)}   "
            f"{out} = {self.expression(step)}",
            f"upstream   d{root}/d{out} = {_show(step.upstream)}",
        ]
        if step.is_vjp:
            lines.append("(Tensor gate: downstream = the gate's vector-Jacobian product, "
                         "upstream × local Jacobian)")
        for i, parent in enumerate(step.inputs):
            if step.downstream[i] is None:
                continue
            name = self.label(parent)
            down = _show(step.downstream[i])
            if step.is_vjp:
                lines.append(f"to {name}:  downstream d{root}/d{name} = {down}")
            else:
                local = _show(step.local[i])
                if lb.is_single(step.upstream) and lb.is_single(step.local[i]):
                    product = f"{_show(step.upstream)} × {local} = {down}"
                else:
                    product = down
                lines.append(f"to {name}:  local d{out}/d{name} = {local}   "
                             f"downstream d{root}/d{name} = upstream × local = {product}")
        return "\n".join(lines)

    def expression(self, step: BackwardStep) -> str:
        node = step.node
        fn = node._fn
        args = _arguments(node, self.label)
        symbol = INFIX.get(fn.__name__)
        if symbol and len(args) == 2:
            return f"{args[0]} {symbol} {args[1]}"
        return f"{fn.name}({', '.join(args)})"

    def __str__(self) -> str:
        return "\n\n".join(self.text(i) for i in range(len(self)))

    def __repr__(self) -> str:
        return f"<BackwardWalkthrough: {len(self)} steps>"

    # ---- pictures ---------------------------------------------------------------------------

    def gradients_after(self, index: int) -> dict:
        """Each node's gradient accumulated once steps 0..index have run (branches sum)."""
        grads: dict = {self.root: self.seed}
        for step in self.steps[: index + 1]:
            for parent, down in zip(step.inputs, step.downstream):
                if down is not None:
                    grads[parent] = down if parent not in grads else grads[parent] + down
        return grads

    def graph(self, index: int, *, rankdir: str = "LR",
              max_nodes: int | None = DEFAULT_MAX_NODES, title: bool = True) -> GateGraph:
        """The picture of frame ``index``: gradients known so far, the current gate highlighted,
        and (``title=True``) the frame's text above it."""
        if not 0 <= index < len(self):
            raise IndexError(f"backward_steps: frame {index} out of range (0..{len(self) - 1})")
        style = StepStyle(self, index, title)
        drawer = Drawer(self.root, params=[(n, node) for node, n in self.labels.items()],
                        rankdir=rankdir, max_nodes=max_nodes,
                        grads=self.gradients_after(index), style=style)
        return drawer.draw()

    def graphs(self, **options: Any) -> list:
        """One picture per step."""
        return [self.graph(i, **options) for i in range(len(self))]

    def save(self, directory: str | Path, format: str = "svg", prefix: str = "step",
             **options: Any) -> list:
        """Write each frame as ``directory/step_001.svg`` (or png/pdf); returns the paths."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        width = max(3, len(str(len(self))))
        paths = []
        for i in range(len(self)):
            path = directory / f"{prefix}_{i + 1:0{width}d}.{format}"
            path.write_bytes(self.graph(i, **options).pipe(format=format))
            paths.append(path)
        return paths

    def to_html(self, path: str | Path | None = None, *, title: str = "Backward pass, gate by gate",
                **options: Any) -> str:
        """One self-contained HTML page (inline SVGs, a slider, a few lines of JavaScript);
        written to ``path`` when given. Returns the HTML text."""
        page = _PAGE.format(title=html.escape(title), body=self._html_body(**options))
        if path is not None:
            Path(path).write_text(page, encoding="utf-8")
        return page

    def _repr_html_(self) -> str:
        return self._html_body()

    def _html_body(self, **options: Any) -> str:
        uid = f"gg{next(self._ids)}"
        frames = []
        for i in range(len(self)):
            graph = self.graph(i, title=False, **options)  # the text is in <pre> above it
            svg = graph.pipe(format="svg", encoding="utf-8")
            svg = svg[svg.index("<svg"):]
            svg = re.sub(r'\bid="', f'id="{uid}f{i}_', svg)
            hidden = "" if i == 0 else ' style="display:none"'
            frames.append(
                f'<div class="{uid}-frame"{hidden}><pre>{html.escape(self.text(i))}</pre>'
                f"{svg}</div>"
            )
        last = max(len(self) - 1, 0)
        return _BODY.format(uid=uid, last=last, count=len(self), frames="\n".join(frames))


class StepStyle(Style):
    """A walkthrough frame: gradients so far (``?`` where none yet), the current gate lit."""

    title_align = "left"

    def __init__(self, walkthrough: BackwardWalkthrough, index: int, title: bool = True) -> None:
        self.title = title
        self.walkthrough = walkthrough
        self.index = index
        self.step = walkthrough[index]
        self.reached = set(walkthrough.gradients_after(index))

    def grad_lines(self, drawer: Drawer, node: Any) -> list:
        if node.requires_grad and node not in self.reached:
            return [f'<font color="{lb.GREY}">?</font>']
        return drawer.default_grad_lines(node)

    def value_attrs(self, drawer: Drawer, node: Any) -> dict:
        if node is self.step.node or any(node is p for p in self.step.inputs):
            return {"color": HIGHLIGHT, "penwidth": "2.5"}
        return {}

    def gate_attrs(self, drawer: Drawer, node: Any) -> dict:
        if node is self.step.node:
            return {"fillcolor": HIGHLIGHT_FILL, "color": HIGHLIGHT, "penwidth": "2.5"}
        return {}

    def edge_attrs(self, drawer: Drawer, node: Any, index: int) -> dict:
        if node is not self.step.node:
            return {}
        down = self.step.downstream[index]
        attrs = {"color": HIGHLIGHT, "penwidth": "2.5", "dir": "back"}
        if down is not None:
            attrs.update(label=_short_show(down), fontcolor=lb.RED)
        return attrs

    def output_edge_attrs(self, drawer: Drawer, node: Any) -> dict:
        if node is not self.step.node:
            return {}
        return {"color": HIGHLIGHT, "penwidth": "2.5", "dir": "back",
                "label": _short_show(self.step.upstream), "fontcolor": lb.RED}

    def title_lines(self, drawer: Drawer) -> list:
        if not self.title:
            return []
        return [lb.escape(line) for line in self.walkthrough.text(self.index).split("\n")]


def backward_steps(root: Any, *, params: Mapping | Iterable | None = None,
                   gradient: Any = None) -> BackwardWalkthrough:
    """The backward pass from ``root`` as frames, one per gate in the engine's order.

    Each ``BackwardStep`` holds the upstream gradient, the local gradients (None for Tensor
    gates with many-element outputs: see ``is_vjp``) and the downstream gradients. The result
    prints as text, draws frames (``graph(i)``, ``graphs()``), saves numbered pictures
    (``save(dir, format="png")``) or one HTML page with a slider (``to_html(path)``). The graph
    must still be alive (before ``backward()``, or after ``backward(retain_graph=True)``);
    ``.grad`` attributes are not touched. ``params`` names nodes as in ``draw_graph``.
    """
    if not root.requires_grad:
        raise RuntimeError("backward_steps: the root does not require grad; there is no backward")
    order = topological_order([root])
    if any_freed(order):
        raise RuntimeError(FREED_MESSAGE.format(what="backward_steps"))
    grads = node_gradients(root, gradient, nodes=order)
    steps = []
    for node in order:
        upstream = grads.get(node)
        if node._fn is None or upstream is None:
            continue
        steps.append(BackwardStep(len(steps), node, upstream, local_gradients(node),
                                  gate_backward(node, upstream)))
    seed = root._seed(gradient, False)
    return BackwardWalkthrough(root, steps, _labels(root, name_map(params)), seed)


def _labels(root: Any, names: dict) -> dict:
    """Names for the graph's nodes: given names, ``L`` for the root, and n0, n1, ... in
    ``print_graph``'s order; Scalar constants keep no label (they are folded into gates)."""
    from ..textview import graph_nodes, node_labels

    labels = dict(names)
    if root not in labels:
        labels[root] = "L"
    labels = node_labels(graph_nodes(root), labels)
    return {node: label for node, label in labels.items()
            if node in names or not lb.is_folded_constant(node)}


def _arguments(node: Any, label: Any) -> list:
    inputs = parents(node)
    args = getattr(node._ctx, "_args", None) if node._is_array else None
    if not args:
        return [label(p) for p in inputs]
    shown = []
    for i, arg in enumerate(args):
        node_arg = inputs[i] if i < len(inputs) else None
        shown.append(label(node_arg) if node_arg is not None else lb.short_repr(arg, 24))
    return shown


def _show(value: Any) -> str:
    """A gradient as text: the number, or dtype, shape and statistics."""
    if value is None:
        return "-"
    if lb.is_single(value):
        return lb.number(np.asarray(value).reshape(()))
    stats = "; ".join(lb.grad_stats(value))
    return f"{lb.shape_text(value)} ({stats})"


def _short_show(value: Any) -> str:
    if lb.is_single(value):
        return lb.number(np.asarray(value).reshape(()))
    size = float(np.mean(np.abs(np.asarray(value, dtype=np.float64))))
    return f"|g| {lb.number(size)}"


_BODY = """<div id="{uid}" class="gategrad-walkthrough">
<div style="font-family:sans-serif;margin:0.5em 0">
<button type="button" id="{uid}-prev">&#9664;</button>
<input type="range" id="{uid}-slider" min="0" max="{last}" value="0" style="width:50%">
<button type="button" id="{uid}-next">&#9654;</button>
<span id="{uid}-counter">1 / {count}</span>
</div>
{frames}
<script>
(function () {{
  var frames = document.querySelectorAll(".{uid}-frame");
  var slider = document.getElementById("{uid}-slider");
  var counter = document.getElementById("{uid}-counter");
  function show(i) {{
    i = Math.max(0, Math.min(frames.length - 1, i));
    for (var k = 0; k < frames.length; k++) frames[k].style.display = k === i ? "" : "none";
    slider.value = i;
    counter.textContent = (i + 1) + " / " + frames.length;
  }}
  slider.addEventListener("input", function () {{ show(+slider.value); }});
  document.getElementById("{uid}-prev").onclick = function () {{ show(+slider.value - 1); }};
  document.getElementById("{uid}-next").onclick = function () {{ show(+slider.value + 1); }};
  document.addEventListener("keydown", function (e) {{
    if (e.key === "ArrowLeft") show(+slider.value - 1);
    if (e.key === "ArrowRight") show(+slider.value + 1);
  }});
}})();
</script>
</div>"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; }}
pre {{ background: #f7f7f7; padding: 0.6em; border-radius: 4px; }}
svg {{ max-width: 100%; height: auto; }}
</style>
</head>
<body>
<h2>{title}</h2>
<p>Each frame applies one gate's chain rule: downstream gradient = upstream gradient &times;
local gradient. Use the slider, the buttons or the arrow keys.</p>
{body}
</body>
</html>
"""
