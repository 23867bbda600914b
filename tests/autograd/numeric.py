"""Central differences in float64, for tests.

``check_gradients(fn, *arrays)`` compares the backward pass of ``fn`` (Tensors -> Tensor) with
central differences of <v, fn(x)> for a random cotangent v. ``check_second_order`` compares the
gradient of <w, grad> (recorded with ``create_graph=True``) with central differences of the
analytic first gradient. The inputs are wrapped without copying, so non-contiguous views reach
the gates as they are.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import autograd as ag

EPS = 1e-6


def _tensors(arrays: tuple, requires_grad: bool = True) -> list:
    return [ag.from_numpy(a).requires_grad_(requires_grad) for a in arrays]


def _value(fn: Callable, arrays: tuple) -> np.ndarray:
    with ag.no_grad():
        return np.asarray(fn(*_tensors(arrays, False)).data, dtype=np.float64)


def central_differences(scalar_fn: Callable, arrays: tuple, eps: float = EPS) -> list:
    """d scalar_fn(*arrays) / d arrays, one element at a time."""
    grads = []
    for k, array in enumerate(arrays):
        base = [np.array(a, dtype=np.float64) for a in arrays]
        grad = np.zeros(array.shape)
        for position in np.ndindex(*array.shape):
            original = base[k][position]
            base[k][position] = original + eps
            up = scalar_fn(*base)
            base[k][position] = original - eps
            down = scalar_fn(*base)
            base[k][position] = original
            grad[position] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads


def analytic_gradients(fn: Callable, arrays: tuple, cotangent: np.ndarray) -> list:
    tensors = _tensors(arrays)
    out = fn(*tensors)
    out.backward(np.asarray(cotangent, dtype=out.dtype))
    return [np.zeros(a.shape) if t.grad is None else t.grad.data for t, a in zip(tensors, arrays)]


def _cotangent(fn: Callable, arrays: tuple, seed: int) -> np.ndarray:
    out = _value(fn, arrays)
    return np.random.default_rng(seed).standard_normal(out.shape)


def check_gradients(fn: Callable, *arrays: np.ndarray, atol: float = 1e-6, rtol: float = 1e-5,
                    seed: int = 0) -> None:
    """Assert that backward of ``fn`` matches central differences (float64 inputs)."""
    cotangent = _cotangent(fn, arrays, seed)
    analytic = analytic_gradients(fn, arrays, cotangent)
    numeric = central_differences(
        lambda *xs: float(np.sum(_value(fn, xs) * cotangent)), arrays
    )
    for k, (a, n) in enumerate(zip(analytic, numeric)):
        assert a.shape == n.shape, f"input {k}: gradient shape {a.shape} != {n.shape}"
        np.testing.assert_allclose(a, n, atol=atol, rtol=rtol, err_msg=f"input {k}")


def second_order_gradients(fn: Callable, arrays: tuple, cotangent: np.ndarray,
                           directions: list) -> list:
    """d/dx <directions, d<cotangent, fn(x)>/dx>, with the inner gradient recorded."""
    tensors = _tensors(arrays)
    out = fn(*tensors)
    out.backward(ag.from_numpy(np.asarray(cotangent, dtype=out.dtype)), create_graph=True)
    first = [t.grad for t in tensors]
    for t in tensors:
        t.grad = None
    total = None
    for g, w in zip(first, directions):
        if g is not None and g.requires_grad:
            term = (g * ag.from_numpy(w)).sum()
            total = term if total is None else total + term
    if total is None:  # the first gradient does not depend on the inputs
        return [np.zeros(a.shape) for a in arrays]
    total.backward()
    return [np.zeros(a.shape) if t.grad is None else t.grad.data for t, a in zip(tensors, arrays)]


def check_second_order(fn: Callable, *arrays: np.ndarray, atol: float = 1e-5,
                       rtol: float = 1e-4, seed: int = 1) -> None:
    """Assert that differentiating the gradient (create_graph=True) matches central
    differences of the analytic gradient."""
    rng = np.random.default_rng(seed)
    cotangent = _cotangent(fn, arrays, seed)
    directions = [rng.standard_normal(a.shape) for a in arrays]
    analytic = second_order_gradients(fn, arrays, cotangent, directions)

    def inner(*xs: np.ndarray) -> float:
        grads = analytic_gradients(fn, xs, cotangent)
        return float(sum(np.sum(g * w) for g, w in zip(grads, directions)))

    numeric = central_differences(inner, arrays)
    for k, (a, n) in enumerate(zip(analytic, numeric)):
        np.testing.assert_allclose(a, n, atol=atol, rtol=rtol, err_msg=f"input {k}")


def numerical_gradient(f: Callable[..., float], arrays: list, index: int, eps: float = 1e-6):
    """d f(*arrays) / d arrays[index] by central differences (f returns a float)."""
    x = arrays[index]
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        plus = f(*arrays)
        flat[k] = old - eps
        minus = f(*arrays)
        flat[k] = old
        grad.reshape(-1)[k] = (plus - minus) / (2 * eps)
    return grad
