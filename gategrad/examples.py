"""The lecture's worked examples, backpropagated on Scalars."""

from __future__ import annotations

from autograd import Scalar


def add_mul_example() -> tuple:
    """f = (x + y) * z at x=-2, y=5, z=-4: q = 3, f = -12, df/dx = -4, df/dy = -4, df/dz = 3."""
    x, y, z = Scalar(-2.0), Scalar(5.0), Scalar(-4.0)
    q = x + y
    f = q * z
    f.backward()
    return f, {"x": x, "y": y, "z": z, "q": q, "f": f}


def sigmoid_neuron_example() -> tuple:
    """f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2))) at w = (2, -3, -3), x = (-1, -2): f = 0.73."""
    w0, w1, w2 = Scalar(2.0), Scalar(-3.0), Scalar(-3.0)
    x0, x1 = Scalar(-1.0), Scalar(-2.0)
    dot = w0 * x0 + w1 * x1 + w2
    f = 1 / (1 + (-dot).exp())
    f.backward()
    return f, {"w0": w0, "x0": x0, "w1": w1, "x1": x1, "w2": w2, "dot": dot, "f": f}
