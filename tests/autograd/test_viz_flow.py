"""The gradient-flow view: edge colours and widths, flagged nodes, legend, per-parameter chart."""

import math
import sys

import numpy as np
import pytest
from viz_helpers import edges, label_lines, lecture_add_mul, node_id_by_name, node_labels

import autograd as ag
from autograd.viz import draw_gradient_flow, gradient_stats, plot_gradient_flow
from autograd.viz.flow import (
    DEAD,
    EDGE_BINS,
    EXPLODING,
    HEALTHY,
    NONFINITE,
    NONFINITE_EDGE,
    STATUS_FILL,
    VANISHING,
    ZERO_EDGE,
    classify,
)


def attr(text, name):
    """The value of one DOT attribute in an attribute list."""
    for part in text.split(" "):
        if part.startswith(f"{name}="):
            return part.split("=", 1)[1].strip('"')
    return None


def node_attrs(source, node_id):
    line = next(s for s in source.splitlines() if s.strip().startswith(f"{node_id} [label="))
    return line.rsplit(">", 1)[1]


def edge_into(source, tail, head_prefix="g"):
    return [a for t, h, a in edges(source) if t == tail and h.startswith(head_prefix)]


@pytest.mark.parametrize(
    "value, grad, expected",
    [
        (1.0, 0.1, HEALTHY),
        (1.0, 1e-6, VANISHING),  # below 1e-4 x |value|
        (100.0, 1e-3, VANISHING),  # relative to the value
        (1e-3, 1e-6, HEALTHY),
        (0.0, 1e-3, HEALTHY),  # a zero value counts as 1
        (2.0, 1e4, EXPLODING),
        (1e5, 1e4, HEALTHY),  # large, but not relative to a large value
        (1.0, math.nan, NONFINITE),
        (1.0, math.inf, NONFINITE),
        (1.0, 0.0, DEAD),
        (1.0, None, None),
        (np.array([1.0, -3.0]), np.array([0.0, 2e-8]), VANISHING),  # mean |g| = 1e-8
        (np.array([1.0, -3.0]), np.array([0.0, 0.0]), DEAD),
    ],
)
def test_classify(value, grad, expected):
    assert classify(value, grad) == expected


def test_thresholds_are_adjustable():
    assert classify(1.0, 1e-6, vanish=1e-7) == HEALTHY
    assert classify(1.0, 50.0, explode=10.0) == EXPLODING


def dead_relu_graph():
    ag.manual_seed(4)
    x = ag.randn(4, 3)
    W = ag.randn(3, 2, requires_grad=True)
    b = ag.full((2,), -100.0, requires_grad=True)  # every unit off
    V = ag.randn(3, 2, requires_grad=True)
    h = (x @ W + b).relu()
    loss = (h + x @ V).sum()
    return loss, {"W": W, "b": b, "V": V}


def test_dead_relu_is_flagged_and_carries_no_gradient():
    loss, params = dead_relu_graph()
    source = draw_gradient_flow(loss, params).source
    labels = node_labels(source)
    relu = next(i for i, t in labels.items() if t.startswith("relu"))
    assert label_lines(labels[relu]) == ["relu", "off 100%", "<b>DEAD: passes no gradient</b>"]
    assert attr(node_attrs(source, relu), "fillcolor") == STATUS_FILL[DEAD]
    for name in ("W", "b"):
        node = node_id_by_name(source, name)
        assert "<b>DEAD: zero grad</b>" in label_lines(labels[node])
        (edge,) = edge_into(source, node)
        assert attr(edge, "color") == ZERO_EDGE and attr(edge, "style") == "dashed"
    v = node_id_by_name(source, "V")
    assert not any("DEAD" in line for line in label_lines(labels[v]))
    assert attr(node_attrs(source, v), "fillcolor") == STATUS_FILL[HEALTHY]


def test_exploding_gradient_is_red_and_wide():
    x, y = ag.Scalar(2.0), ag.Scalar(3.0)
    f = x * 1e6 + y  # df/dx = 1e6, df/dy = 1
    source = draw_gradient_flow(f, {"x": x, "y": y}).source
    x_id, y_id = node_id_by_name(source, "x"), node_id_by_name(source, "y")
    assert "<b>EXPLODING</b>" in label_lines(node_labels(source)[x_id])
    assert attr(node_attrs(source, x_id), "fillcolor") == STATUS_FILL[EXPLODING]
    (x_edge,), (y_edge,) = edge_into(source, x_id), edge_into(source, y_id)
    assert attr(x_edge, "color") == EDGE_BINS[-1][1]  # >= 1e3
    assert attr(y_edge, "color") == EDGE_BINS[3][1]  # 1 .. 1e3
    assert float(attr(x_edge, "penwidth")) > float(attr(y_edge, "penwidth"))
    assert attr(x_edge, "label") == "1e+06" and attr(x_edge, "dir") == "back"


@pytest.mark.filterwarnings("ignore:divide by zero")
def test_nan_and_inf_gradients_are_flagged():
    x = ag.tensor([0.0, 1.0], requires_grad=True)  # d sqrt(x)/dx is inf at 0
    loss = x.sqrt().sum()
    source = draw_gradient_flow(loss, {"x": x}).source
    x_id = node_id_by_name(source, "x")
    assert "<b>NaN/Inf in grad</b>" in label_lines(node_labels(source)[x_id])
    (edge,) = edge_into(source, x_id)
    assert attr(edge, "color") == NONFINITE_EDGE


def test_vanishing_gradient_down_a_sigmoid_chain():
    x = ag.Scalar(1.0)
    h = x
    chain = []
    for _ in range(12):  # each sigmoid scales the gradient by at most 1/4
        h = h.sigmoid()
        chain.append(h)
    names = {"x": x, "first": chain[0], "last": chain[-1]}
    source = draw_gradient_flow(h, names).source
    labels = node_labels(source)
    status = {n: label_lines(labels[node_id_by_name(source, n)]) for n in names}
    assert "<b>VANISHING</b>" in status["x"] and "<b>VANISHING</b>" in status["first"]
    assert not any("<b>" in line for line in status["last"][1:])  # healthy near the output
    legend = labels["legend"]
    assert "vanishing: |g| &lt; 0.0001·|value|" in legend
    assert "exploding: |g| &gt; 1000·max(|value|, 1)" in legend
    for _, colour, _ in EDGE_BINS:
        assert f'bgcolor="{colour}"' in legend


def test_flow_view_after_backward_falls_back_to_node_gradients():
    f, names = lecture_add_mul()
    f.backward()  # frees the graph: gates cannot be replayed
    source = draw_gradient_flow(f, names).source
    assert "backward() freed the graph: edges show their input's total gradient" in source
    (edge,) = edge_into(source, node_id_by_name(source, "z"))
    assert attr(edge, "label") == "3"


def test_mode_flow_of_draw_graph_is_the_same_picture():
    f, names = lecture_add_mul()
    assert ag.draw_graph(f, params=names, mode="flow").source == draw_gradient_flow(
        f, names).source


def test_gradient_stats_per_parameter():
    loss, params = dead_relu_graph()
    params["unused"] = ag.ones(3, requires_grad=True)
    loss.backward()
    rows = gradient_stats(params)
    assert [r.name for r in rows] == ["W", "b", "V", "unused"]
    v = params["V"]
    assert rows[2].mean_abs_grad == pytest.approx(float(np.abs(v.grad.data).mean()))
    assert rows[2].max_abs_grad == pytest.approx(float(np.abs(v.grad.data).max()))
    assert rows[2].mean_abs_value == pytest.approx(float(np.abs(v.data).mean()))
    assert rows[2].shape == (3, 2) and rows[2].status == HEALTHY
    assert rows[0].status == DEAD and rows[0].max_abs_grad == 0.0
    assert rows[3].mean_abs_grad is None and rows[3].status is None


def test_plot_gradient_flow_bars():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    loss, params = dead_relu_graph()
    loss.backward()
    ax = plot_gradient_flow(params)
    try:
        assert [t.get_text() for t in ax.get_xticklabels()] == ["W", "b", "V"]
        maxima, means = ax.containers  # max bars first, mean bars on top
        v = np.abs(params["V"].grad.data)
        assert maxima[2].get_height() == pytest.approx(float(v.max()))
        assert means[2].get_height() == pytest.approx(float(v.mean()))
        assert np.isnan(means[0].get_height())  # a zero gradient has no bar on a log scale
        assert ax.get_yscale() == "log"
        colours = [t.get_color() for t in ax.get_xticklabels()]
        assert colours[0] == colours[1] != colours[2]  # the dead ones are marked
    finally:
        plt.close(ax.figure)


def test_plot_without_matplotlib_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    loss, params = dead_relu_graph()
    loss.backward()
    with pytest.raises(ImportError, match=r"pip install 'gategrad\[plot\]'"):
        plot_gradient_flow(params)
