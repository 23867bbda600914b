"""Reduction gates: sum and mean over dims."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function


def normalize_dims(dim: Any, ndim: int, op: str) -> tuple:
    """``dim`` (None, int or tuple, negatives allowed) as a sorted tuple of axes."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    result = []
    for d in dims:
        d = int(d)
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(
                f"{op}: Dimension out of range (expected to be in range of "
                f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {d})"
            )
        result.append(d % max(ndim, 1))
    if len(set(result)) != len(result):
        raise ValueError(f"{op}: dim {dims} appears multiple times in the list of dims")
    return tuple(sorted(result)) if ndim else ()


def expand_reduced(grad: Any, shape: tuple, axes: tuple, keepdim: bool) -> Any:
    """Broadcast the gradient of a reduction over ``axes`` back to ``shape``."""
    if not keepdim:
        kept = tuple(1 if i in axes else n for i, n in enumerate(shape))
        grad = grad.reshape(kept)
    return np.broadcast_to(grad, shape)


class Sum(Function):
    """out = sum of a over dims.  da = g broadcast back over the summed dims."""

    symbol = "sum"

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple, keepdim: bool) -> Any:
        ctx.shape = a.shape
        return np.sum(a, axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, axes, keepdim = ctx.inputs
        return expand_reduced(grad, ctx.shape, axes, keepdim), None, None


class Mean(Function):
    """out = mean of a over dims (n elements).  da = g / n broadcast back over those dims."""

    symbol = "mean"

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple, keepdim: bool) -> Any:
        ctx.shape = a.shape
        ctx.count = int(np.prod([a.shape[i] for i in axes])) if axes else 1
        out = np.mean(a, axis=axes, keepdims=keepdim)
        return out.astype(a.dtype, copy=False) if hasattr(out, "astype") else out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, axes, keepdim = ctx.inputs
        return expand_reduced(grad / ctx.count, ctx.shape, axes, keepdim), None, None
