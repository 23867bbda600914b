"""print_graph: a table of the graph for terminals and logs."""

import io

import numpy as np
from viz_helpers import lecture_add_mul

import autograd as ag
from autograd.textview import format_value, graph_nodes, node_labels


def rows(text):
    return [line.split() for line in text.splitlines()[2:]]


def test_lecture_table_in_topological_order():
    f, names = lecture_add_mul()
    out = io.StringIO()
    text = ag.print_graph(f, {n: names[n] for n in "xyzq"}, file=out)
    assert out.getvalue() == text + "\n"
    assert text.splitlines()[0].split() == ["node", "gate", "inputs", "value", "grad"]
    assert rows(text) == [
        ["x", "input", "-2", "-4"],
        ["y", "input", "5", "-4"],
        ["q", "+", "x,", "y", "3", "-4"],
        ["z", "input", "-4", "3"],
        ["n0", "*", "q,", "z", "-12", "1"],
    ]


def test_tensor_table_shows_intermediate_gradients_before_backward():
    f, names = lecture_add_mul("tensor")
    text = ag.print_graph(f, names=names, file=io.StringIO())  # names: alias of params
    assert ["q", "+", "x,", "y", "3", "-4"] in rows(text)
    f.backward()
    after = ag.print_graph(f, names, file=io.StringIO())
    assert ["q", "+", "x,", "y", "3", "-"] in rows(after)  # not kept after backward()
    assert ["x", "input", "-2", "-4"] in rows(after)


def test_array_values_are_summarised():
    x = ag.tensor([[1.0, -3.0], [2.0, 0.0]], requires_grad=True)
    assert format_value(x) == "float32[2, 2] mean=0 |max|=3"
    assert format_value(None) == "-"
    text = ag.print_graph((x * x).sum(), {"x": x}, file=io.StringIO())
    grad = 2 * x.data
    assert f"mean={grad.mean():.3g} |max|={np.abs(grad).max():.3g}" in text


def test_graph_nodes_and_labels():
    f, names = lecture_add_mul()
    order = graph_nodes(f)
    assert order[-1] is f and order.index(names["q"]) > order.index(names["x"])
    labels = node_labels(order, {names["x"]: "n0"})
    assert labels[names["x"]] == "n0" and labels[names["y"]] == "n1"  # no clash with given names
