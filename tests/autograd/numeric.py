"""Central differences in float64, for tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


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
