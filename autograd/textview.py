"""A text view of a graph: gates in topological order with values and gradients."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .engine import parents
from .node import raw


def graph_nodes(root: Any) -> list:
    """Every node that ``root`` depends on, inputs first (iterative; no recursion)."""
    order: list = []
    seen: set = set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        for parent in reversed(parents(node)):
            if parent is not None and parent not in seen:
                stack.append((parent, False))
    return order


def node_labels(nodes: Iterable, names: Mapping | None = None) -> dict:
    """``{node: label}``: the given names, Scalar constants by their value, and n0, n1, ...
    for the other ``nodes`` in order."""
    from .viz.labels import constant, is_folded_constant

    labels = dict(names or {})
    taken = set(labels.values())
    counter = 0
    for node in nodes:
        if node in labels:
            continue
        if is_folded_constant(node):
            labels[node] = constant(node.data)
            continue
        while f"n{counter}" in taken:
            counter += 1
        labels[node] = f"n{counter}"
        counter += 1
    return labels


def format_value(value: Any) -> str:
    """A short text for a float or an array (shape and a few statistics)."""
    if value is None:
        return "-"
    value = raw(value)
    array = np.asarray(value)
    if array.size == 1:
        return f"{array.item():.4g}"
    stats = f"mean={array.mean():.3g} |max|={np.abs(array).max():.3g}"
    return f"{array.dtype}{list(array.shape)} {stats}"


def print_graph(
    root: Any,
    params: Mapping | Iterable | None = None,
    *,
    grads: Any = "auto",
    file: Any = None,
    names: Mapping | None = None,
) -> str:
    """Print (and return) a table of the graph under ``root``: one row per node in
    topological order with its gate, inputs, forward value and gradient.

    ``params`` (alias ``names``) maps a name to a node (e.g. ``dict(x=x, y=y)`` or
    ``model.named_parameters()``); other nodes are numbered. ``grads`` as in ``draw_graph``:
    "auto" shows d root / d node at every node while the graph is alive (computed without
    touching ``.grad``), the stored ``.grad`` after ``backward()`` has freed it.
    """
    from .viz.gradients import resolve_gradients
    from .viz.graph import name_map

    nodes = graph_nodes(root)
    given = name_map(params if params is not None else names)
    label = node_labels(nodes, given)
    gradients, _ = resolve_gradients(root, nodes, grads)
    rows = [("node", "gate", "inputs", "value", "grad")]
    for node in nodes:
        fn = node._fn
        gate = ("input" if node.requires_grad else "const") if fn is None else fn.symbol
        inputs = ", ".join(label[p] if p is not None else "const" for p in parents(node))
        grad = gradients.get(node) if node.requires_grad else None
        rows.append((label[node], gate, inputs, format_value(node.data), format_value(grad)))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    text = "\n".join(lines)
    print(text, file=file)
    return text
