"""Shape gates: reshape, permute, expand, indexing, dtype casts."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function


class Reshape(Function):
    """out = a viewed with a new shape.  da = g reshaped back."""

    symbol = "reshape"

    @staticmethod
    def forward(ctx: Any, a: Any, shape: tuple) -> Any:
        ctx.shape = a.shape
        try:
            return np.reshape(a, shape)
        except ValueError:
            raise ValueError(
                f"reshape: shape {list(shape)} is invalid for input of shape {a.shape} "
                f"({a.size} elements)"
            ) from None

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        return grad.reshape(ctx.shape), None


class Permute(Function):
    """out = a with its dims reordered by ``axes``.  da = g with the inverse order."""

    symbol = "permute"

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple) -> Any:
        return np.transpose(a, axes)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, axes = ctx.inputs
        return np.transpose(grad, np.argsort(axes)), None


class Expand(Function):
    """out = a broadcast to ``shape`` (a view).  da = g summed back to a's shape (by the engine)."""

    symbol = "expand"

    @staticmethod
    def forward(ctx: Any, a: Any, shape: tuple) -> Any:
        try:
            return np.broadcast_to(a, shape)
        except ValueError:
            raise ValueError(
                f"expand: cannot broadcast shape {np.shape(a)} to {tuple(shape)}"
            ) from None

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        return grad, None


def is_basic_index(index: Any) -> bool:
    """True when ``index`` uses only ints, slices, None and Ellipsis (no repeated elements)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(
        item is None or item is Ellipsis or isinstance(item, (int, np.integer, slice))
        for item in items
    )


class GetItem(Function):
    """out = a[index] (numpy indexing).  da = g scattered back; repeated indices accumulate."""

    symbol = "[]"

    @staticmethod
    def forward(ctx: Any, a: Any, index: Any) -> Any:
        ctx.shape = a.shape
        try:
            return a[index]
        except IndexError as error:
            raise IndexError(f"getitem: {error} (tensor shape {a.shape})") from None

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, index = ctx.inputs
        return ScatterAdd.apply(grad, ctx.shape, index), None


class ScatterAdd(Function):
    """out = zeros(shape); out[index] += g (repeated indices add up).  dg = dout[index]."""

    symbol = "scatter_add"

    @staticmethod
    def forward(ctx: Any, grad: Any, shape: tuple, index: Any) -> Any:
        out = np.zeros(shape, dtype=grad.dtype)
        if is_basic_index(index):
            out[index] = grad
        else:
            np.add.at(out, index, grad)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, _, index = ctx.inputs
        return GetItem.apply(grad, index), None, None


class Cast(Function):
    """out = a converted to ``dtype``.  da = g (cast back to a's dtype by the engine)."""

    symbol = "to"

    @staticmethod
    def forward(ctx: Any, a: Any, dtype: Any) -> Any:
        return a.astype(dtype)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        return grad, None
