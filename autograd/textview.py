"""A text view of a graph: gates in topological order with values and gradients."""

from __future__ import annotations

from collections.abc import Mapping
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


def print_graph(root: Any, names: Mapping[str, Any] | None = None, file: Any = None) -> str:
    """Print (and return) a table of the graph under ``root``: one row per node in
    topological order with its gate, inputs, forward value and gradient.

    ``names`` maps a name to a node (e.g. ``dict(x=x, y=y)`` or ``model.named_parameters()``);
    other nodes are numbered.
    """
    nodes = graph_nodes(root)
    label = {node: name for name, node in dict(names or {}).items()}
    counter = 0
    for node in nodes:
        if node not in label:
            label[node] = f"n{counter}"
            counter += 1
    rows = [("node", "gate", "inputs", "value", "grad")]
    for node in nodes:
        fn = node._fn
        gate = ("input" if node.requires_grad else "const") if fn is None else fn.symbol
        inputs = ", ".join(label[p] if p is not None else "const" for p in parents(node))
        rows.append((label[node], gate, inputs, format_value(node.data), format_value(node.grad)))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    text = "\n".join(lines)
    print(text, file=file)
    return text
