"""Linear algebra gates."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function


def _swap(x: Any) -> Any:
    return np.swapaxes(x, -1, -2)


class MatMul(Function):
    """out = a @ b (1-D, 2-D and batched with broadcasting).  da = g @ b^T, db = a^T @ g.

    A 1-D left operand is a row vector and a 1-D right operand a column vector, as in numpy;
    broadcast batch dims are summed back by the engine.
    """

    symbol = "@"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        a_shape, b_shape = np.shape(a), np.shape(b)
        if len(a_shape) == 0 or len(b_shape) == 0:
            raise ValueError(
                f"matmul: both arguments must be at least 1-D, got shapes {a_shape} and {b_shape}"
            )
        k_a = a_shape[-1]
        k_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
        if k_a != k_b:
            raise ValueError(
                f"matmul: cannot multiply shapes {a_shape} and {b_shape}: "
                f"inner dimensions {k_a} and {k_b} differ"
            )
        try:
            return np.matmul(a, b)
        except ValueError:
            raise ValueError(
                f"matmul: batch dimensions of shapes {a_shape} and {b_shape} do not broadcast"
            ) from None

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.inputs
        needs_a, needs_b = ctx.needs_input_grad
        if a.ndim == 1 and b.ndim == 1:
            return (grad * b if needs_a else None), (grad * a if needs_b else None)
        if a.ndim == 1:
            row = grad[..., None, :]
            da = (row @ _swap(b))[..., 0, :] if needs_a else None
            db = a[:, None] * row if needs_b else None
            return da, db
        if b.ndim == 1:
            column = grad[..., :, None]
            da = column * b if needs_a else None
            db = (_swap(a) @ column)[..., 0] if needs_b else None
            return da, db
        da = grad @ _swap(b) if needs_a else None
        db = _swap(a) @ grad if needs_b else None
        return da, db
