"""The lecture's worked examples, with exact numbers, on Scalar and on Tensor."""

import math

import numpy as np
import pytest

import autograd as ag


def test_add_mul_scalar():
    x, y, z = ag.Scalar(-2.0), ag.Scalar(5.0), ag.Scalar(-4.0)
    q = x + y
    f = q * z
    f.backward()
    assert (q.data, f.data) == (3.0, -12.0)
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
    assert q.grad == -4.0  # Scalars keep intermediate gradients (lecture style)


def test_add_mul_tensor():
    x, y, z = (ag.tensor(v, requires_grad=True) for v in (-2.0, 5.0, -4.0))
    q = x + y
    f = q * z
    f.backward()
    assert (q.item(), f.item()) == (3.0, -12.0)
    assert (x.grad.item(), y.grad.item(), z.grad.item()) == (-4.0, -4.0, 3.0)
    assert q.grad is None  # non-leaf tensors keep no .grad unless retain_grad()


@pytest.mark.parametrize("kind", ["scalar", "tensor"])
def test_sigmoid_neuron(kind):
    make = ag.Scalar if kind == "scalar" else (lambda v: ag.tensor(v, requires_grad=True))
    w0, w1, w2, x0, x1 = (make(v) for v in (2.0, -3.0, -3.0, -1.0, -2.0))
    f = 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())
    f.backward()
    value = lambda v: float(getattr(v, "data", v))  # noqa: E731
    assert value(f) == pytest.approx(0.73, abs=0.005)
    expected = {w0: -0.20, x0: 0.39, w1: -0.39, x1: -0.59, w2: 0.20}
    for node, grad in expected.items():
        assert value(node.grad) == pytest.approx(grad, abs=0.005)
    # exact: df/d(dot) = f (1 - f)
    s = 1 / (1 + math.exp(-1.0))
    assert value(w2.grad) == pytest.approx(s * (1 - s), rel=1e-6)
    assert value(x0.grad) == pytest.approx(2.0 * s * (1 - s), rel=1e-6)
    assert np.isfinite(value(x1.grad))
