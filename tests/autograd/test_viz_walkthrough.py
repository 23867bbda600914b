"""backward_steps: frames in the engine's order with upstream, local and downstream gradients."""

import re

import numpy as np
import pytest
from viz_helpers import (
    RED,
    lecture_add_mul,
    needs_dot,
    node_id_by_name,
    node_labels,
    sigmoid_neuron,
)

import autograd as ag
from autograd.viz import BackwardStep, backward_steps, node_gradients


def test_lecture_add_mul_frames():
    f, names = lecture_add_mul()
    steps = backward_steps(f, params=names)
    assert len(steps) == 2 and all(isinstance(s, BackwardStep) for s in steps)
    first, second = steps
    assert first.node is f and first.gate.symbol == "*"
    assert (first.upstream, first.local, first.downstream) == (1.0, (-4.0, 3.0), (-4.0, 3.0))
    assert second.node is names["q"] and second.gate.symbol == "+"
    assert (second.upstream, second.local, second.downstream) == (-4.0, (1.0, 1.0), (-4.0, -4.0))
    assert all(node.grad == 0.0 for node in names.values())  # .grad untouched
    text = steps.text(1)
    assert text.splitlines() == [
        "step 2 of 2: gate +   q = x + y",
        "upstream   df/dq = -4",
        "to x:  local dq/dx = 1   downstream df/dx = upstream × local = -4 × 1 = -4",
        "to y:  local dq/dy = 1   downstream df/dy = upstream × local = -4 × 1 = -4",
    ]


def test_steps_follow_the_engine_order_and_accumulate_to_the_gradients():
    f, names = sigmoid_neuron()
    steps = backward_steps(f, params=names)
    symbols = [s.gate.symbol for s in steps]
    assert symbols[:4] == ["/", "+", "exp", "-x"] and len(steps) == 8
    final = steps.gradients_after(len(steps) - 1)
    f.backward()
    for name in ("w0", "x0", "w1", "x1", "w2"):
        assert final[names[name]] == pytest.approx(names[name].grad, rel=1e-12)
    # every step: downstream = upstream x local for these one-element gates
    for step in steps:
        for local, down in zip(step.local, step.downstream):
            if down is not None:
                assert down == pytest.approx(step.upstream * local, rel=1e-12)


def test_tensor_steps_run_in_the_order_the_engine_applies_gates():
    ag.manual_seed(5)
    x = ag.randn(4, 3)
    W = ag.randn(3, 2, requires_grad=True)
    b = ag.randn(2, requires_grad=True)
    h = (x @ W + b).tanh()
    loss = (h * h).mean()
    steps = backward_steps(loss)
    # the engine's order, seen through hooks on every gate output during a real backward
    seen = []
    for step in steps:
        step.node.register_hook(lambda g, node=step.node: seen.append(node))
    grads = node_gradients(loss)
    loss.backward()
    assert [s.node for s in steps] == seen[len(steps):]  # node_gradients ran the hooks too
    final = steps.gradients_after(len(steps) - 1)
    np.testing.assert_allclose(final[W], W.grad.data, rtol=1e-6)
    np.testing.assert_allclose(final[b], b.grad.data, rtol=1e-6)
    for step in steps:
        np.testing.assert_array_equal(step.upstream, grads[step.node])
    matmul = next(s for s in steps if s.gate.name == "matmul")
    assert matmul.is_vjp and matmul.local is None
    assert "vector-Jacobian product" in steps.text(matmul.index)
    mean = steps[0]
    assert mean.gate.name == "mean" and not mean.is_vjp  # one-element output: local = dmean/dx
    np.testing.assert_allclose(mean.local[0], np.full((4, 2), 1 / 8, dtype=np.float32))


def test_frame_pictures_light_the_current_gate_and_fill_in_gradients():
    f, names = lecture_add_mul()
    steps = backward_steps(f, params=names)
    first = steps.graph(0).source
    labels = node_labels(first)
    x, q = node_id_by_name(first, "x"), node_id_by_name(first, "q")
    assert labels[x].endswith('<font color="#8c8c8c">?</font>')  # not reached yet
    assert labels[q].endswith(f"{RED}-4</font>")
    assert "step 1 of 2: gate *" in first and 'fillcolor="#ffe08a"' in first
    second = steps.graph(1).source
    assert node_labels(second)[node_id_by_name(second, "x")].endswith(f"{RED}-4</font>")
    assert "step 1 of 2" not in steps.graph(0, title=False).source
    with pytest.raises(IndexError, match="frame 2 out of range"):
        steps.graph(2)


def test_unnamed_nodes_get_numbered_labels_and_root_is_L():
    x = ag.Scalar(3.0)
    y = (x * x).exp()
    steps = backward_steps(y, params={"x": x})
    assert steps.text(0).splitlines()[0] == "step 1 of 2: gate exp   L = exp(n0)"
    assert steps.text(1).splitlines()[0] == "step 2 of 2: gate *   n0 = x * x"
    a, b = steps[1].downstream  # x used twice: two edges, and the branches sum
    assert steps[1].local == (3.0, 3.0) and a == b == steps[1].upstream * 3.0
    y.backward()
    assert a + b == pytest.approx(x.grad, rel=1e-12)


def test_freed_graph_is_refused():
    f, _ = lecture_add_mul()
    f.backward()
    with pytest.raises(RuntimeError, match="backward_steps: .*retain_graph=True"):
        backward_steps(f)


@needs_dot
def test_save_numbered_pictures(tmp_path):
    f, names = lecture_add_mul()
    paths = backward_steps(f, params=names).save(tmp_path / "frames", format="png")
    assert [p.name for p in paths] == ["step_001.png", "step_002.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths)


@needs_dot
def test_html_page_is_self_contained_with_a_slider(tmp_path):
    f, names = sigmoid_neuron()
    steps = backward_steps(f, params=names)
    page = steps.to_html(tmp_path / "walk.html")
    assert (tmp_path / "walk.html").read_text(encoding="utf-8") == page
    assert page.startswith("<!DOCTYPE html>")
    assert re.search(r'<input type="range" id="(gg\d+)-slider" min="0" max="7"', page)
    assert page.count("<svg") == len(steps) == 8
    assert page.count("<script>") == 1
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing loaded from elsewhere
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # frames' SVG ids do not clash
    assert "upstream × local" in page
    assert "<svg" in steps._repr_html_()  # Jupyter shows the same slider inline
