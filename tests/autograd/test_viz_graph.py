"""draw_graph: DOT contents (labels, values, gradients, colours, clusters, summary node),
rendering with graphviz's dot, and the error when dot is missing."""

import html
import re
import sys

import graphviz
import numpy as np
import pytest
from viz_helpers import (
    RED,
    edges,
    label_lines,
    lecture_add_mul,
    needs_dot,
    node_id_by_name,
    node_labels,
    sigmoid_neuron,
)

import autograd as ag
from autograd.viz import DotNotFoundError, GateGraph, draw_graph
from autograd.viz.labels import number


def named_lines(source, name):
    return label_lines(node_labels(source)[node_id_by_name(source, name)])


@pytest.mark.parametrize("backward_first", [False, True])
def test_lecture_add_mul_shows_values_black_and_gradients_red(backward_first):
    f, names = lecture_add_mul()
    if backward_first:
        f.backward()
    source = draw_graph(f, params=names).source
    assert isinstance(draw_graph(f), graphviz.Digraph)
    expected = {"x": (-2, -4), "y": (5, -4), "z": (-4, 3), "q": (3, -4), "f": (-12, 1)}
    for name, (value, grad) in expected.items():
        assert named_lines(source, name) == [f"<b>{name}</b>", str(value), f"{RED}{grad}</font>"]
    assert "forward value (black)" in source and "gradient (red)" in source


def test_drawing_before_backward_leaves_grad_untouched():
    f, names = lecture_add_mul()
    draw_graph(f, params=names)
    assert all(node.grad == 0.0 for node in names.values())
    f.backward()  # the graph is still usable
    assert (names["x"].grad, names["y"].grad, names["z"].grad) == (-4.0, -4.0, 3.0)


def test_gate_nodes_show_lecture_symbols_with_folded_constants():
    f, names = sigmoid_neuron()
    source = draw_graph(f, params=names).source
    gates = [text for node_id, text in node_labels(source).items() if node_id.startswith("g")]
    assert sorted(gates) == sorted(["1/x", "+1", "exp", "-x", "+", "+", "*", "*"])
    # the constants 1 and 1 are folded into their gates, not drawn as nodes
    values = [text for node_id, text in node_labels(source).items() if node_id.startswith("v")]
    assert len(values) == 5 + 8  # five inputs, eight gate outputs
    f.backward()  # the engine's gradients are the ones drawn
    for name in ("w0", "x0", "w1", "x1", "w2"):
        node = names[name]
        assert named_lines(source, name) == [
            f"<b>{name}</b>", number(node.data), f"{RED}{number(node.grad)}</font>"
        ]
    assert named_lines(source, "w0")[2] == f"{RED}-0.1966</font>"  # the course notes' -0.20


def test_edges_go_input_to_gate_to_output():
    f, names = lecture_add_mul()
    source = draw_graph(f, params=names).source
    x, q, f_id = (node_id_by_name(source, n) for n in ("x", "q", "f"))
    pairs = {(tail, head) for tail, head, _ in edges(source)}
    plus = next(h for t, h in pairs if t == x)
    assert node_labels(source)[plus] == "+"
    assert (plus, q) in pairs
    times = next(h for t, h in pairs if t == q)
    assert node_labels(source)[times] == "*" and (times, f_id) in pairs


def test_tensor_graph_shows_shape_dtype_and_statistics():
    ag.manual_seed(0)
    W = ag.randn(3, 4, requires_grad=True)
    x = ag.randn(5, 3)
    h = (x @ W).tanh()
    loss = h.sum()
    source = draw_graph(loss, params={"W": W, "x": x, "h": h}).source
    expected_grad = (1 - np.tanh(x.data @ W.data) ** 2)
    w_grad = x.data.T @ expected_grad
    lines = named_lines(source, "W")
    data = W.data.astype(np.float64)
    assert lines[1] == "float32 [3, 4]"
    assert lines[2] == f"mean {number(data.mean())}  std {number(data.std())}"
    assert lines[3] == f"min {number(data.min())}  max {number(data.max())}"
    assert lines[4] == f"{RED}grad mean {number(w_grad.mean())}  std {number(w_grad.std())}</font>"
    norm = np.sqrt((w_grad.astype(np.float64) ** 2).sum())
    largest = number(np.abs(w_grad).max())
    assert lines[5] == f"{RED}grad norm {number(norm)}  max|g| {largest}</font>"
    # the intermediate h has its gradient too (computed, not from .grad which stays None)
    assert named_lines(source, "h")[4] == f"{RED}grad mean 1  std 0</font>"
    assert W.grad is None
    # x requires no grad: grey "no grad", no gradient line
    assert named_lines(source, "x")[-1] == '<font color="#8c8c8c">no grad</font>'
    gate_texts = {t for i, t in node_labels(source).items() if i.startswith("g")}
    assert gate_texts == {"matmul", "tanh", "sum(·, (0, 1), False)"}


def test_tensor_graph_after_backward_uses_stored_grads_and_says_so():
    f, names = lecture_add_mul("tensor")
    f.backward()
    source = draw_graph(f, params=names).source
    assert named_lines(source, "x")[-1] == f"{RED}-4</font>"
    assert named_lines(source, "q")[-1] == '<font color="#8c8c8c">grad —</font>'
    assert "intermediate gradients not kept" in source


def test_grads_can_be_given_or_forced():
    f, names = lecture_add_mul("tensor")
    given = {names["x"]: np.array(7.0)}
    source = draw_graph(f, params=names, grads=given).source
    assert named_lines(source, "x")[-1] == f"{RED}7</font>"
    assert named_lines(source, "y")[-1] == '<font color="#8c8c8c">grad —</font>'
    f.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        draw_graph(f, grads="compute")
    with pytest.raises(ValueError, match="grads: expected"):
        draw_graph(f, grads="everything")


def test_show_values_and_show_grads_switch_lines_off():
    f, names = lecture_add_mul()
    source = draw_graph(f, params=names, show_values=False).source
    assert named_lines(source, "x") == ["<b>x</b>", f"{RED}-4</font>"]
    source = draw_graph(f, params=names, show_grads=False).source
    assert named_lines(source, "x") == ["<b>x</b>", "-2"]
    assert "gradient (red)" not in source


def test_params_label_leaves_and_cluster_by_dotted_prefix():
    ag.manual_seed(1)
    params = {
        "layers.0.weight": ag.randn(4, 3, requires_grad=True),
        "layers.0.bias": ag.zeros(3, requires_grad=True),
        "layers.1.weight": ag.randn(3, 2, requires_grad=True),
        "head": ag.ones(2, requires_grad=True),
    }
    x = ag.randn(5, 4)
    h = (x @ params["layers.0.weight"] + params["layers.0.bias"]).relu()
    loss = ((h @ params["layers.1.weight"]) * params["head"]).sum()
    source = draw_graph(loss, params=params.items()).source  # (name, tensor) pairs work too
    clusters = dict(re.findall(r'subgraph "cluster_([\w.]+)" \{(.*?)\n\t\}', source, flags=re.S))
    assert set(clusters) == {"layers.0", "layers.1"}
    labels = node_labels(source)
    members = re.findall(r"^\s*(v\d+) \[", clusters["layers.0"], flags=re.M)
    in_zero = {label_lines(labels[i])[0] for i in members}
    assert in_zero == {"<b>weight</b>", "<b>bias</b>"}
    assert 'label="layers.0"' in clusters["layers.0"]
    head = node_id_by_name(source, "head")
    assert head not in clusters["layers.0"] + clusters["layers.1"]


def test_params_must_map_names_to_nodes():
    f, _ = lecture_add_mul()
    with pytest.raises(TypeError, match="params: 'x' maps to a float"):
        draw_graph(f, params={"x": 1.0})
    with pytest.raises(TypeError, match="draw_graph: expected a Tensor or Scalar root"):
        draw_graph(3.0)
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(f, rankdir="XY")
    with pytest.raises(ValueError, match="mode"):
        draw_graph(f, mode="pretty")
    with pytest.raises(ValueError, match="max_nodes"):
        draw_graph(f, max_nodes=0)


def chain(length, kind="scalar"):
    x = ag.Scalar(0.5) if kind == "scalar" else ag.tensor([0.5, 1.0], requires_grad=True)
    y = x
    for i in range(length):
        y = y * 1.0001 if i % 2 else y + 0.001
    return x, y


@pytest.mark.parametrize("kind", ["scalar", "tensor"])
def test_hundred_thousand_gate_chain_collapses_into_a_summary_node(kind):
    x, y = chain(100_000, kind)
    if kind == "tensor":
        y = y[0]  # one more gate; a one-element root
        assert draw_graph(y, max_nodes=50).source.count("getitem") == 1
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # nothing may recurse through the graph
    try:
        source = draw_graph(y, max_nodes=50).source
    finally:
        sys.setrecursionlimit(limit)
    labels = node_labels(source)
    assert len([i for i in labels if i.startswith("v")]) == 50
    assert len([i for i in labels if i.startswith("g")]) == 50
    hidden = 99_950 if kind == "scalar" else 99_951
    assert label_lines(labels["more"]) == [
        f"... {hidden:,} more gates", "and 1 more input", "(max_nodes=50)"
    ]
    # the cut gate is fed by the summary node
    assert [(t, h) for t, h, _ in edges(source) if t == "more"] == [("more", "g49")]


def test_small_graph_has_no_summary_and_max_nodes_none_draws_all():
    _, y = chain(300)
    assert "more [" not in draw_graph(y, max_nodes=None).source
    labels = node_labels(draw_graph(y, max_nodes=None).source)
    assert len([i for i in labels if i.startswith("v")]) == 301


def test_rankdir_and_html_escaping_of_names():
    f, names = lecture_add_mul()
    source = draw_graph(f, params={"a<b>&c": names["x"]}, rankdir="TB").source
    assert "rankdir=TB" in source
    assert "<b>a&lt;b&gt;&amp;c</b>" in source


@needs_dot
@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG")])
def test_render_svg_and_png_with_dot(tmp_path, fmt, magic):
    f, names = lecture_add_mul()
    path = draw_graph(f, params=names).render(tmp_path / "addmul", format=fmt, cleanup=True)
    data = open(path, "rb").read()
    assert path.endswith(f"addmul.{fmt}") and data.startswith(magic)
    if fmt == "svg":
        texts = [html.unescape(t) for t in re.findall(r">([^<>]+)</text>", data.decode())]
        for text in ("-12", "-4", "3", "x", "q", "+", "*"):
            assert text in texts
        assert 'fill="#d62728"' in data.decode()  # gradients drawn in red


@needs_dot
def test_jupyter_display_is_inline_svg():
    f, _ = lecture_add_mul()
    bundle = draw_graph(f)._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml"} and "<svg" in bundle["image/svg+xml"]


def test_missing_dot_gives_install_help_and_keeps_source(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    f, names = lecture_add_mul()
    graph = draw_graph(f, params=names)
    with pytest.raises(DotNotFoundError) as error:
        graph.render(tmp_path / "out", format="png")
    message = str(error.value)
    for hint in ("apt-get install graphviz", "brew install graphviz", "conda install graphviz",
                 "graph.source"):
        assert hint in message
    assert isinstance(error.value, graphviz.ExecutableNotFound)
    with pytest.raises(DotNotFoundError):
        graph.pipe(format="svg")
    saved = graph.save(tmp_path / "graph.gv")
    assert open(saved).read() == graph.source and "-12" in graph.source
    bundle = graph._repr_mimebundle_()
    assert "apt-get install graphviz" in bundle["text/plain"] and "digraph" in bundle["text/plain"]


def test_exported_from_autograd():
    assert ag.draw_graph is draw_graph
    assert isinstance(draw_graph(lecture_add_mul()[0]), GateGraph)


def test_many_element_root_needs_a_seed_and_says_so():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    source = draw_graph(y, params={"x": x}).source
    assert "the root has 2 elements: pass grads=node_gradients(root, gradient=...)" in source
    grads = ag.node_gradients(y, gradient=np.array([1.0, 0.25], dtype=np.float32))
    source = draw_graph(y, params={"x": x}, grads=grads).source
    assert named_lines(source, "x")[-2:] == [
        f"{RED}grad mean 1.5  std 0.5</font>", f"{RED}grad norm 2.236  max|g| 2</font>"
    ]
