"""The gradients pictures show: every node's gradient, and what each gate sends to each input."""

import numpy as np
import pytest
from viz_helpers import lecture_add_mul

import autograd as ag
from autograd.engine import parents, topological_order
from autograd.viz import gate_backward, local_gradients, node_gradients
from autograd.viz.gradients import edge_gradients


def broadcast_graph():
    ag.manual_seed(3)
    a = ag.randn(3, 1, requires_grad=True)
    b = ag.randn(4, requires_grad=True)
    c = a * b + a  # a used twice; broadcasting (3,1) x (4,) -> (3,4)
    d = (c.tanh() * c).sum(dim=1)
    loss = (d * d).mean()
    return loss, a, b, c, d


def test_node_gradients_match_backward_without_touching_grad():
    loss, a, b, c, d = broadcast_graph()
    grads = node_gradients(loss)
    assert a.grad is None and b.grad is None
    c.retain_grad()
    d.retain_grad()
    loss.backward()
    for node in (a, b, c, d):
        assert grads[node].shape == node.shape and grads[node].dtype == node.dtype
        np.testing.assert_array_equal(grads[node], node.grad.data)
    assert grads[loss] == 1.0


def test_node_gradients_of_scalars_and_seed():
    f, names = lecture_add_mul()
    grads = node_gradients(f, gradient=2.0)
    assert [grads[names[n]] for n in "xyzq"] == [-8.0, -8.0, 6.0, -8.0]
    assert all(isinstance(grads[names[n]], float) for n in "xyz")


def test_edge_gradients_sum_to_node_gradients():
    """Branches sum: the gradients sent along a node's outgoing edges add up to its gradient."""
    loss, a, b, c, d = broadcast_graph()
    order = topological_order([loss])
    grads = node_gradients(loss)
    edges = edge_gradients(order, grads)
    for node in (a, b, c, d):
        total = sum(grad for (gate, i), grad in edges.items() if parents(gate)[i] is node)
        np.testing.assert_allclose(total, grads[node], rtol=1e-6)
        assert np.shape(total) == node.shape  # unbroadcast by the engine's sum_to_shape
    assert len([key for key in edges if parents(key[0])[key[1]] is a]) == 2


def test_gate_backward_and_local_gradients_on_scalar_gates():
    f, names = lecture_add_mul()
    q, z = names["q"], names["z"]
    assert gate_backward(f, 1.0) == (z.data, q.data)  # the mul gate swaps its inputs
    assert gate_backward(f, 0.5) == (0.5 * z.data, 0.5 * q.data)
    assert local_gradients(f) == (-4.0, 3.0)
    assert local_gradients(q) == (1.0, 1.0)  # the add gate distributes
    m = ag.scalar.maximum(names["x"], names["y"])
    assert local_gradients(m) == (0.0, 1.0)  # the max gate routes to the larger input


def test_local_gradients_only_for_one_element_outputs():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    s = y.sum()
    assert local_gradients(y) is None  # a Jacobian: only its product is shown
    ds_dy, axes, keepdim = local_gradients(s)  # one entry per forward argument
    assert axes is None and keepdim is None
    np.testing.assert_array_equal(ds_dy, np.ones(3, dtype=np.float32))


def test_hooks_are_honoured_like_in_backward():
    x = ag.tensor([1.0, -2.0], requires_grad=True)
    y = x * 3.0
    y.register_hook(lambda g: g * 10)
    loss = y.sum()
    grads = node_gradients(loss)
    loss.backward()
    np.testing.assert_array_equal(grads[x], x.grad.data)
    np.testing.assert_array_equal(grads[x], [30.0, 30.0])


def test_freed_graph_and_bad_roots_raise_clear_errors():
    f, names = lecture_add_mul("tensor")
    f.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        node_gradients(f)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        gate_backward(f, np.array(1.0))
    with pytest.raises(ValueError, match="leaf"):
        gate_backward(names["x"], np.array(1.0))
    with pytest.raises(RuntimeError, match="does not require grad"):
        node_gradients(ag.tensor(1.0))
    f, _ = lecture_add_mul("tensor")
    f.backward(retain_graph=True)
    assert node_gradients(f)[f] == 1.0  # a retained graph can be drawn after backward
