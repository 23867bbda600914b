"""Softmax, log-softmax and logsumexp gates along one dim, computed without overflow.

All three subtract the maximum before exponentiating, so logits of +-1000 give finite results.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import resolve_dtype
from ..function import Function
from .promotion import floating
from .reduce import expand_reduced, normalize_dims, reduction_dims


def _slice_max(a: np.ndarray, axis: Any) -> np.ndarray:
    """The maximum of each slice along ``axis`` (kept as a dim of 1; zeros for an empty ``a``)."""
    return a.max(axis=axis, keepdims=True) if a.size else np.zeros((1,) * a.ndim, a.dtype)


def log_softmax_values(a: np.ndarray, axis: int) -> np.ndarray:
    """a - logsumexp(a) along ``axis``, on a raw array, without overflow (the maximum is
    subtracted first). A slice holding +inf or nan gives nans, as in PyTorch."""
    shifted = a - _slice_max(a, axis)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


class Softmax(Function):
    """out = e**a / sum(e**a) along ``dim``.  da = out * (g - sum(g * out, dim))."""

    @staticmethod
    def forward(ctx: Any, a: Any, dim: int) -> Any:
        e = np.exp(a - _slice_max(a, dim))  # a slice with +inf or nan: nans, as in PyTorch
        return e / np.sum(e, axis=dim, keepdims=True)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, dim = ctx.inputs
        out = ctx.output
        weighted = grad * out
        return weighted - out * np.sum(weighted, axis=dim, keepdims=True), None


class LogSoftmax(Function):
    """out = a - logsumexp(a) along ``dim``.  da = g - e**out * sum(g, dim)."""

    @staticmethod
    def forward(ctx: Any, a: Any, dim: int) -> Any:
        return log_softmax_values(a, dim)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, dim = ctx.inputs
        return grad - np.exp(ctx.output) * np.sum(grad, axis=dim, keepdims=True), None


class LogSumExp(Function):
    """out = ln(sum(e**a)) over dims.  da = g * e**(a - out)  (the softmax of a)."""

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple, keepdim: bool) -> Any:
        ctx.shape = a.shape
        peak = _slice_max(a, axes)
        if not np.isfinite(peak).all():  # ln(e**inf + ...) = inf, ln(0) = -inf: not nan
            peak = np.where(np.isfinite(peak), peak, 0)
        shifted = a - peak
        with np.errstate(divide="ignore"):
            out = np.log(np.sum(np.exp(shifted), axis=axes, keepdims=True)) + peak
        return out if keepdim else np.reshape(out, np.sum(shifted, axis=axes).shape)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, axes, keepdim = ctx.inputs
        out = expand_reduced(ctx.output, ctx.shape, axes, keepdim)
        return expand_reduced(grad, ctx.shape, axes, keepdim) * np.exp(a - out), None, None


def _dim(input: Any, dim: Any, op: str) -> int:
    if dim is None:
        raise TypeError(f"{op}: dim is required (the dim along which the values sum to 1)")
    return normalize_dims(int(dim), input.ndim, op)[0] if input.ndim else 0


def softmax(input: Any, dim: Any = None, dtype: Any = None, *, axis: Any = None) -> Any:
    """e**x / sum(e**x) along ``dim`` (stable for large logits). ``dtype`` casts the input first."""
    dim = axis if dim is None else dim
    x = input if dtype is None else input.to(resolve_dtype(dtype))
    if x.ndim == 0:
        return Softmax.apply(x.reshape(1), _dim(x, dim, "softmax")).reshape(())
    return Softmax.apply(x, _dim(x, dim, "softmax"))


def log_softmax(input: Any, dim: Any = None, dtype: Any = None, *, axis: Any = None) -> Any:
    """x - logsumexp(x) along ``dim`` (stable for large logits)."""
    dim = axis if dim is None else dim
    x = input if dtype is None else input.to(resolve_dtype(dtype))
    if x.ndim == 0:
        return LogSoftmax.apply(x.reshape(1), _dim(x, dim, "log_softmax")).reshape(())
    return LogSoftmax.apply(x, _dim(x, dim, "log_softmax"))


def logsumexp(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
              keepdims: Any = None) -> Any:
    """ln(sum(e**x)) over ``dim`` (int, tuple, or None for all dims), stable for large x."""
    dim = axis if dim is None else dim
    keepdim = keepdim if keepdims is None else keepdims
    input = floating(input)  # an integer input gives the default float dtype, as in PyTorch
    return LogSumExp.apply(input, reduction_dims(dim, input.ndim, "logsumexp"), bool(keepdim))
