"""Helpers for the picture tests: read node labels and edges out of DOT source."""

from __future__ import annotations

import os
import re
import shutil

import pytest

import autograd as ag

RED = '<font color="#d62728">'

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and not os.environ.get("CI"),
    reason="graphviz's dot is not installed (CI installs it and never skips)",
)


def node_labels(source: str) -> dict:
    """{node id: HTML label text} for every node statement with an HTML label."""
    labels = {}
    for match in re.finditer(r"^\s*(\w+) \[label=<(.*)> ?", source, flags=re.M):
        labels[match.group(1)] = match.group(2)
    return labels


def label_lines(label: str) -> list:
    """The lines of an HTML label (``<br/>`` separated), tags kept."""
    return label.split("<br/>")


def node_id_by_name(source: str, name: str) -> str:
    ids = [i for i, text in node_labels(source).items() if text.startswith(f"<b>{name}</b>")]
    assert len(ids) == 1, (name, ids)
    return ids[0]


def edges(source: str) -> list:
    """[(tail, head, attribute text)] for every edge statement."""
    return [(m.group(1), m.group(2), m.group(3) or "")
            for m in re.finditer(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$", source, flags=re.M)]


def lecture_add_mul(kind: str = "scalar") -> tuple:
    """f = (x + y) * z at x=-2, y=5, z=-4 (the course notes' first example)."""
    if kind == "scalar":
        x, y, z = ag.Scalar(-2.0), ag.Scalar(5.0), ag.Scalar(-4.0)
    else:
        x, y, z = (ag.tensor(v, requires_grad=True) for v in (-2.0, 5.0, -4.0))
    q = x + y
    f = q * z
    return f, {"x": x, "y": y, "z": z, "q": q, "f": f}


def sigmoid_neuron() -> tuple:
    """f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2))) at w = (2, -3, -3), x = (-1, -2)."""
    w0, w1, w2 = ag.Scalar(2.0), ag.Scalar(-3.0), ag.Scalar(-3.0)
    x0, x1 = ag.Scalar(-1.0), ag.Scalar(-2.0)
    f = 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())
    return f, {"w0": w0, "x0": x0, "w1": w1, "x1": x1, "w2": w2, "f": f}
