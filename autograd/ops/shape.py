"""Shape gates: reshape, permute, expand, indexing, casts, clone, cat, stack, pad, roll.

The user-facing functions built on them are in views.py and joining.py."""

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


class Clone(Function):
    """out = a copy of a (contiguous).  da = g."""

    symbol = "clone"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.array(a, copy=True, order="C")

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad


class Cat(Function):
    """out = the inputs joined along ``dim``.  Each input's gradient is its slice of g."""

    symbol = "cat"

    @staticmethod
    def forward(ctx: Any, dim: int, *arrays: Any) -> Any:
        ctx.sizes = [np.shape(a)[dim] for a in arrays]
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        dim = ctx.inputs[0]
        needs = ctx.needs_input_grad
        lead = (slice(None),) * dim
        grads: list = [None]
        start = 0
        for i, size in enumerate(ctx.sizes):
            grads.append(grad[lead + (slice(start, start + size),)] if needs[i + 1] else None)
            start += size
        return tuple(grads)


class Stack(Function):
    """out = the inputs stacked along a new ``dim``.  Each input's gradient is g at its index."""

    symbol = "stack"

    @staticmethod
    def forward(ctx: Any, dim: int, *arrays: Any) -> Any:
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        dim = ctx.inputs[0]
        needs = ctx.needs_input_grad
        lead = (slice(None),) * dim
        count = len(needs) - 1
        return (None,) + tuple(
            grad[lead + (i,)] if needs[i + 1] else None for i in range(count)
        )


class ConstantPad(Function):
    """out = a with ``widths[d] = (before, after)`` elements of ``value`` added around each dim
    (negative widths crop).  da = g padded by the negated widths (i.e. cropped back)."""

    symbol = "pad"

    @staticmethod
    def forward(ctx: Any, a: Any, widths: tuple, value: Any) -> Any:
        crop = tuple(
            slice(-before if before < 0 else 0, n + after if after < 0 else n)
            for n, (before, after) in zip(a.shape, widths)
        )
        grow = tuple((max(before, 0), max(after, 0)) for before, after in widths)
        cropped = a[crop]
        if not any(b or f for b, f in grow):
            return cropped.copy()
        return np.pad(cropped, grow, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, widths, _ = ctx.inputs
        negated = tuple((-before, -after) for before, after in widths)
        return ConstantPad.apply(grad, negated, 0), None, None


class Roll(Function):
    """out = a shifted cyclically by ``shifts`` along ``dims`` (flattened when dims is None).
    da = g rolled back by -shifts."""

    symbol = "roll"

    @staticmethod
    def forward(ctx: Any, a: Any, shifts: Any, dims: Any) -> Any:
        return np.roll(a, shifts, axis=dims)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, shifts, dims = ctx.inputs
        back = -shifts if isinstance(shifts, int) else tuple(-s for s in shifts)
        return np.roll(grad, back, axis=dims), None, None
