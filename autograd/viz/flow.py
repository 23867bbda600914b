"""The gradient-flow view: where gradient flows well, and where it vanishes, explodes or dies.

Edges are coloured and sized by the mean |gradient| the gate sends along them (arrows point the
way the gradient flows, from the output back to the inputs). Value nodes are flagged by comparing
their gradient with their value:

* NaN/Inf    - the gradient has a NaN or an infinity;
* dead       - the gradient is exactly zero everywhere (nothing flows back through the node);
* exploding  - mean |grad| > ``explode`` * max(mean |value|, 1);
* vanishing  - mean |grad| < ``vanish`` * mean |value| (mean |value| taken as 1 when it is 0);
* healthy    - otherwise.

A gate that receives a nonzero gradient but sends exactly zero to every input (a ReLU whose
outputs are all zero) is flagged dead too; ReLU gates show the share of outputs that are off.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import parents
from . import labels as lb
from .gradients import any_freed, edge_gradients, raw_value
from .graph import (
    DEFAULT_EXPLODE,
    DEFAULT_VANISH,
    Drawer,
    GateGraph,
    Style,
    draw_graph,
    name_map,
)

HEALTHY, VANISHING, EXPLODING, NONFINITE, DEAD = (
    "healthy", "vanishing", "exploding", "nan/inf", "dead"
)
STATUS_FILL = {
    HEALTHY: "#e5f5e0",
    VANISHING: "#c6dbef",
    EXPLODING: "#fcbba1",
    NONFINITE: "#dcb8e6",
    DEAD: "#d0d0d0",
}
STATUS_TEXT = {
    VANISHING: "VANISHING",
    EXPLODING: "EXPLODING",
    NONFINITE: "NaN/Inf in grad",
    DEAD: "DEAD: zero grad",
}
# edge colours by mean |gradient|: (upper bound, colour, legend text)
EDGE_BINS = (
    (1e-6, "#9ecae1", "< 1e-6"),
    (1e-3, "#3182bd", "1e-6 .. 1e-3"),
    (1.0, "#31a354", "1e-3 .. 1"),
    (1e3, "#fd8d3c", "1 .. 1e3"),
    (math.inf, "#de2d26", "≥ 1e3"),
)
MIN_WIDTH_SPAN = 3.0  # decades of gradient magnitude from the thinnest to the widest edge
ZERO_EDGE = "#b0b0b0"
NONFINITE_EDGE = "#8e44ad"


def magnitude(grad: Any) -> float:
    """mean |grad| (nan when the gradient has a NaN or an infinity)."""
    values = np.abs(np.asarray(raw_value(grad), dtype=np.float64))
    if values.size == 0:
        return 0.0
    if not np.all(np.isfinite(values)):
        return math.nan
    return float(values.mean())


def classify(
    value: Any, grad: Any, vanish: float = DEFAULT_VANISH, explode: float = DEFAULT_EXPLODE
) -> str | None:
    """The health of a gradient relative to its value (None when there is no gradient)."""
    if grad is None:
        return None
    size = magnitude(grad)
    if math.isnan(size):
        return NONFINITE
    if size == 0:
        return DEAD
    values = np.abs(np.asarray(raw_value(value), dtype=np.float64))
    values = values[np.isfinite(values)]
    scale = float(values.mean()) if values.size else 0.0
    if scale == 0:
        scale = 1.0
    if size > explode * max(scale, 1.0):
        return EXPLODING
    if size < vanish * scale:
        return VANISHING
    return HEALTHY


def edge_colour(size: float) -> str:
    if math.isnan(size):
        return NONFINITE_EDGE
    if size == 0:
        return ZERO_EDGE
    for bound, colour, _ in EDGE_BINS:
        if size < bound:
            return colour
    return EDGE_BINS[-1][1]


class FlowStyle(Style):
    """Edge width and colour by gradient magnitude; nodes flagged; a legend."""

    show_caption = False

    def __init__(self, vanish: float = DEFAULT_VANISH, explode: float = DEFAULT_EXPLODE) -> None:
        self.vanish = vanish
        self.explode = explode
        self.edges: dict = {}
        self.status: dict = {}
        self.dead_gates: set = set()
        self.approximate = False

    def prepare(self, drawer: Drawer) -> None:
        nodes, grads = drawer.nodes, drawer.grads
        if drawer.grad_source == "stored" and any_freed(nodes):
            # the gates cannot be replayed: each edge carries (at most) its input's gradient
            self.approximate = True
            self.edges = {
                (node, index): grads[parent]
                for node in nodes if node._fn is not None
                for index, parent in enumerate(parents(node))
                if parent is not None and grads.get(parent) is not None
            }
        else:
            self.edges = edge_gradients(nodes, grads)
        for node in nodes:
            if node.requires_grad:
                self.status[node] = classify(node.data, grads.get(node), self.vanish, self.explode)
            if node._fn is not None and not self.approximate:
                upstream = grads.get(node)
                sent = [self.edges.get((node, i)) for i, p in enumerate(parents(node))
                        if p is not None and p.requires_grad]
                if (upstream is not None and sent and magnitude(upstream) > 0
                        and all(g is not None and magnitude(g) == 0 for g in sent)):
                    self.dead_gates.add(node)
        sizes = [magnitude(g) for g in self.edges.values()]
        logs = [math.log10(s) for s in sizes if s > 0 and not math.isnan(s)]
        self.low, self.high = (min(logs), max(logs)) if logs else (0.0, 0.0)

    def width(self, size: float) -> str:
        if math.isnan(size):
            return "3"
        if size == 0:
            return "1"
        span = max(self.high - self.low, MIN_WIDTH_SPAN)  # tiny differences stay tiny
        share = (math.log10(size) - (self.high - span)) / span
        return f"{0.8 + 4.2 * share:.2f}"

    def value_stat_lines(self, drawer: Drawer, node: Any) -> list:
        return [f"mean|x| {lb.number(magnitude(node.data))}"]

    def grad_lines(self, drawer: Drawer, node: Any) -> list:
        grad = drawer.grads.get(node)
        if grad is None or lb.is_single(grad) or not drawer.show_grads:
            return drawer.default_grad_lines(node)
        return [f'<font color="{lb.RED}">mean|g| {lb.number(magnitude(grad))}</font>']

    def value_lines(self, drawer: Drawer, node: Any) -> list:
        text = STATUS_TEXT.get(self.status.get(node))
        return [f"<b>{text}</b>"] if text else []

    def value_attrs(self, drawer: Drawer, node: Any) -> dict:
        status = self.status.get(node)
        if status is None:
            return {}
        attrs = {"fillcolor": STATUS_FILL[status]}
        if status != HEALTHY:
            attrs["penwidth"] = "2"
            attrs["color"] = "#333333"
        return attrs

    def gate_lines(self, drawer: Drawer, node: Any) -> list:
        lines = []
        if node._fn.__name__ == "Relu":
            off = float(np.mean(np.asarray(node.data) == 0))
            lines.append(f"off {off:.0%}")
        if node in self.dead_gates:
            lines.append("<b>DEAD: passes no gradient</b>")
        return lines

    def gate_attrs(self, drawer: Drawer, node: Any) -> dict:
        if node in self.dead_gates:
            return {"fillcolor": STATUS_FILL[DEAD], "penwidth": "2", "color": "#333333"}
        return {}

    def edge_attrs(self, drawer: Drawer, node: Any, index: int) -> dict:
        grad = self.edges.get((node, index))
        if grad is None:
            return {"dir": "back", "color": ZERO_EDGE, "style": "dotted"}
        size = magnitude(grad)
        attrs = {"dir": "back", "color": edge_colour(size), "penwidth": self.width(size)}
        if size == 0:
            attrs["style"] = "dashed"
        if lb.is_single(grad):
            text = lb.number(np.asarray(grad).reshape(()))
        else:
            text = "nan/inf" if math.isnan(size) else f"|g| {lb.number(size)}"
        attrs.update(label=text, fontcolor=lb.RED, fontsize="9")
        return attrs

    def output_edge_attrs(self, drawer: Drawer, node: Any) -> dict:
        grad = drawer.grads.get(node)
        if grad is None:
            return {"dir": "back", "color": ZERO_EDGE, "style": "dotted"}
        size = magnitude(grad)
        return {"dir": "back", "color": edge_colour(size), "penwidth": self.width(size)}

    def title_lines(self, drawer: Drawer) -> list:
        lines = ["gradient flow (arrows: the way the gradient flows)"]
        note = drawer.gradient_note()
        if note and not self.approximate:
            lines.append(f'<font color="{lb.GREY}">{note}</font>')
        if self.approximate:
            lines.append(
                f'<font color="{lb.GREY}">backward() freed the graph: edges show their input\'s '
                "total gradient; draw before backward() for per-edge gradients</font>"
            )
        return lines

    def finish(self, drawer: Drawer, graph: GateGraph) -> None:
        graph.node("legend", label=self.legend(), shape="plain", fontsize="10")

    def legend(self) -> str:
        rows = ['<tr><td colspan="2"><b>edge: mean |gradient|</b></td></tr>']
        for _, colour, text in EDGE_BINS:
            rows.append(_legend_row(colour, lb.escape(text)))
        rows.append(_legend_row(ZERO_EDGE, "0 (dashed)"))
        rows.append(_legend_row(NONFINITE_EDGE, "NaN/Inf"))
        rows.append('<tr><td colspan="2">width: log of mean |gradient|</td></tr>')
        rows.append('<tr><td colspan="2"><b>node: gradient vs value</b></td></tr>')
        vanish, explode = lb.number(self.vanish), lb.number(self.explode)
        for status, text in (
            (HEALTHY, "healthy"),
            (VANISHING, f"vanishing: |g| &lt; {vanish}·|value|"),
            (EXPLODING, f"exploding: |g| &gt; {explode}·max(|value|, 1)"),
            (NONFINITE, "NaN/Inf in gradient"),
            (DEAD, "dead: gradient exactly 0"),
        ):
            rows.append(_legend_row(STATUS_FILL[status], text))
        return (
            '<<table border="1" cellborder="0" cellspacing="1" cellpadding="2" color="#999999">'
            + "".join(rows) + "</table>>"
        )


def _legend_row(colour: str, text: str) -> str:
    return (f'<tr><td bgcolor="{colour}" width="28"> </td>'
            f'<td align="left">{text}</td></tr>')


def draw_gradient_flow(
    root: Any,
    params: Mapping | Iterable | None = None,
    *,
    vanish: float = DEFAULT_VANISH,
    explode: float = DEFAULT_EXPLODE,
    **options: Any,
) -> GateGraph:
    """A picture of how the gradient flows back from ``root``: ``draw_graph(mode="flow")``.

    Edge width and colour give the mean |gradient| a gate sends to each input; value nodes are
    flagged vanishing (mean |grad| < ``vanish`` * mean |value|), exploding (mean |grad| >
    ``explode`` * max(mean |value|, 1)), NaN/Inf or dead (exactly zero gradient); a legend
    explains the colours. Other keywords as for ``draw_graph`` (``max_nodes``, ``rankdir``...).
    """
    return draw_graph(root, params=params, mode="flow", vanish=vanish, explode=explode, **options)


@dataclass(frozen=True)
class ParameterGradient:
    """Gradient statistics of one named parameter (``None`` fields: no gradient yet)."""

    name: str
    shape: tuple
    mean_abs_grad: float | None
    max_abs_grad: float | None
    mean_abs_value: float
    status: str | None


def gradient_stats(
    params: Mapping | Iterable, *, vanish: float = DEFAULT_VANISH, explode: float = DEFAULT_EXPLODE
) -> list:
    """Mean and max |grad| of each named parameter's ``.grad``, in the order given, with its
    health (as in the gradient-flow view). ``params``: e.g. ``model.named_parameters()``."""
    rows = []
    for node, name in name_map(params).items():
        grad = raw_value(node.grad)
        value = np.asarray(raw_value(node.data), dtype=np.float64)
        if grad is None:
            mean = largest = None
        else:
            array = np.abs(np.asarray(grad, dtype=np.float64))
            mean = float(array.mean()) if array.size else 0.0
            largest = float(array.max()) if array.size else 0.0
        rows.append(ParameterGradient(
            name=name,
            shape=tuple(np.shape(value)),
            mean_abs_grad=mean,
            max_abs_grad=largest,
            mean_abs_value=float(np.abs(value).mean()) if value.size else 0.0,
            status=classify(value, grad, vanish, explode),
        ))
    return rows


def plot_gradient_flow(
    params: Mapping | Iterable,
    *,
    ax: Any = None,
    vanish: float = DEFAULT_VANISH,
    explode: float = DEFAULT_EXPLODE,
    title: str = "gradient flow per parameter",
) -> Any:
    """Bar chart of mean and max |grad| per named parameter, layer by layer (log scale).

    Call it after ``loss.backward()``; falling bars from the last layer to the first show
    vanishing gradients. Parameters flagged by ``gradient_stats`` get their name coloured.
    Needs matplotlib (``pip install 'gategrad[plot]'``). Returns the matplotlib Axes.
    """
    plt = _pyplot()
    rows = gradient_stats(params, vanish=vanish, explode=explode)
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.55 * len(rows) + 2.0), 4.0))
    positions = np.arange(len(rows))
    means = np.array([np.nan if r.mean_abs_grad is None else r.mean_abs_grad for r in rows])
    maxima = np.array([np.nan if r.max_abs_grad is None else r.max_abs_grad for r in rows])
    positive = np.concatenate([means[means > 0], maxima[maxima > 0]])
    floor = float(positive.min()) / 10 if positive.size else 1e-12
    ax.bar(positions, np.where(maxima > 0, maxima, np.nan), width=0.8, color="#9ecae1",
           label="max |grad|", bottom=0)
    ax.bar(positions, np.where(means > 0, means, np.nan), width=0.5, color="#08519c",
           label="mean |grad|")
    ax.set_yscale("log")
    ax.set_ylim(bottom=floor)
    for x, row in zip(positions, rows):
        if row.mean_abs_grad is None:
            ax.text(x, floor, "no grad", rotation=90, ha="center", va="bottom", fontsize=8)
        elif row.max_abs_grad == 0:
            ax.text(x, floor, "0", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(positions)
    ax.set_xticklabels([r.name for r in rows], rotation=60, ha="right", fontsize=8)
    for tick, row in zip(ax.get_xticklabels(), rows):
        if row.status not in (None, HEALTHY):
            tick.set_color("#de2d26")
    ax.set_ylabel("|gradient|")
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8)
    ax.grid(True, axis="y", which="major", alpha=0.3)
    ax.figure.tight_layout()
    return ax


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "plot_gradient_flow needs matplotlib, an optional dependency: "
            "pip install 'gategrad[plot]' (or pip install matplotlib)"
        ) from None
    return plt
