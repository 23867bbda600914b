"""Reduction gates and functions: sum, mean, var/std, prod, cumsum, norm; all/any (no grad).

max/min and friends live in extrema.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..node import Node
from ..numpy_dispatch import register_function


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


def reduction_dims(dim: Any, ndim: int, op: str) -> tuple:
    """Like ``normalize_dims``, but an empty ``dim`` (``()`` or ``[]``) reduces over every dim,
    as in PyTorch (``x.sum(dim=())`` is ``x.sum()``)."""
    if isinstance(dim, (tuple, list)) and len(dim) == 0:
        dim = None
    return normalize_dims(dim, ndim, op)


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


def reduction_args(input: Any, dim: Any, keepdim: Any, axis: Any, keepdims: Any, op: str) -> tuple:
    """(axes tuple, keepdim bool) from PyTorch's dim/keepdim or numpy's axis/keepdims."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op}: pass either dim or axis, not both")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return reduction_dims(dim, input.ndim, op), bool(keepdim)


def reduced_count(shape: tuple, axes: tuple) -> int:
    count = 1
    for axis in axes:
        count *= shape[axis]
    return count


class Var(Function):
    """out = sum((a - mean(a))**2) / (n - correction) over dims.

    da = g * 2 (a - mean(a)) / (n - correction), broadcast back over the reduced dims.
    """

    symbol = "var"

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple, correction: float, keepdim: bool) -> Any:
        ctx.shape = a.shape
        ctx.divisor = max(reduced_count(a.shape, axes) - correction, 0)
        centered = a - np.mean(a, axis=axes, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.sum(centered * centered, axis=axes, keepdims=keepdim) / ctx.divisor
        return np.asarray(out, dtype=a.dtype)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, axes, _, keepdim = ctx.inputs
        centered = a - np.mean(a, axis=axes, keepdims=True)
        scale = 2.0 / ctx.divisor if ctx.divisor else np.inf
        da = expand_reduced(grad, ctx.shape, axes, keepdim) * (centered * scale)
        return da, None, None, None


def _require_floating(input: Any, op: str) -> None:
    dtype = np.asarray(_raw(input)).dtype if not isinstance(input, Node) else input.data.dtype
    if dtype.kind not in "fc":
        raise RuntimeError(f"{op}: only supports floating point and complex dtypes, got {dtype} "
                           f"(shape {tuple(np.shape(_raw(input)))}); use .float() first")


def _spread_args(op: str, input: Any, dim: Any, unbiased: Any, keepdim: bool, correction: Any,
                 axis: Any, keepdims: Any, ddof: Any) -> tuple:
    """var/std's arguments (PyTorch's and numpy's spellings) as (axes, correction, keepdim)."""
    if isinstance(dim, bool):  # var(x, True): PyTorch's var(input, unbiased) overload
        dim, unbiased = None, dim
    given = [c for c in (unbiased, correction, ddof) if c is not None]
    if len(given) > 1:
        raise TypeError(f"{op}: pass only one of unbiased, correction and ddof")
    if correction is None:
        correction = ddof if ddof is not None else (1 if unbiased is None else int(bool(unbiased)))
    _require_floating(input, op)
    axes, keepdim = reduction_args(input, dim, keepdim, axis, keepdims, op)
    return axes, correction, keepdim


def var(input: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None, axis: Any = None, keepdims: Any = None, ddof: Any = None) -> Any:
    """Variance over ``dim`` with Bessel's correction by default (PyTorch's ``correction=1``).

    ``unbiased=False`` or ``correction=0`` (numpy's ``ddof=0``) divides by n instead of n - 1.
    """
    return Var.apply(input, *_spread_args("var", input, dim, unbiased, keepdim, correction,
                                          axis, keepdims, ddof))


def std(input: Any, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
        correction: Any = None, axis: Any = None, keepdims: Any = None, ddof: Any = None) -> Any:
    """Standard deviation: the square root of ``var`` (same arguments).

    Its own gate, so that the gradient at a constant input is 0 (as in PyTorch) rather than
    the 0 / 0 that sqrt-of-var would give, at first and second order."""
    return Std.apply(input, *_spread_args("std", input, dim, unbiased, keepdim, correction,
                                          axis, keepdims, ddof))


class Std(Function):
    """out = sqrt(var(a)).  da = g * (a - mean(a)) / ((n - correction) * out), and 0 where
    out is 0 (a constant input: every centered value is 0 there too)."""

    symbol = "std"

    @staticmethod
    def forward(ctx: Any, a: Any, axes: tuple, correction: float, keepdim: bool) -> Any:
        return np.sqrt(Var.forward(ctx, a, axes, correction, keepdim))  # sets ctx.divisor

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, axes, _, keepdim = ctx.inputs
        centered = a - np.mean(a, axis=axes, keepdims=True)
        grad = expand_reduced(grad, ctx.shape, axes, keepdim)
        if not ctx.divisor:
            return grad * (centered * np.inf), None, None, None
        sumsq = np.sum(centered * centered, axis=axes, keepdims=True)
        zero = (_raw(sumsq) == 0).astype(_raw(a).dtype)  # a constant mask: 1 where std is 0
        safe = np.sqrt(sumsq / ctx.divisor + zero)       # never 0, so no 0 / 0 at any order
        return grad * (centered * ((1 - zero) / ctx.divisor) / safe), None, None, None


def _to_end(x: Any, dim: int) -> Any:
    """``x`` with ``dim`` moved last (a permutation, so it works on arrays and nodes)."""
    order = [d for d in range(x.ndim) if d != dim] + [dim]
    return np.transpose(x, order)


def _from_end(x: Any, dim: int) -> Any:
    order = [d for d in range(x.ndim - 1)]
    order.insert(dim, x.ndim - 1)
    return np.transpose(x, order)


def product_of_others(a: Any, dim: int) -> Any:
    """For each element, the product of the other elements along ``dim`` (no division, so zeros
    are exact). Raw arrays use exclusive cumulative products; graph nodes use a differentiable
    form (the product of a copy with the element itself replaced by 1)."""
    moved = _to_end(a, dim)
    n = moved.shape[-1]
    if isinstance(moved, np.ndarray):
        ones = np.ones(moved.shape[:-1] + (1,), dtype=moved.dtype)
        before = np.cumprod(np.concatenate([ones, moved[..., :-1]], axis=-1), axis=-1)
        after = np.cumprod(np.concatenate([ones, moved[..., :0:-1]], axis=-1), axis=-1)
        return _from_end(before * after[..., ::-1], dim)
    rows = np.broadcast_to(moved[..., None, :], moved.shape[:-1] + (n, n))
    others = Prod.apply(np.where(np.eye(n, dtype=bool), 1, rows), rows.ndim - 1, False)
    return _from_end(others, dim)


class Prod(Function):
    """out = product of a along ``dim``.  da = g * (product of the other elements along dim),
    computed without dividing by a, so inputs with zeros get exact gradients."""

    symbol = "prod"

    @staticmethod
    def forward(ctx: Any, a: Any, dim: int, keepdim: bool) -> Any:
        ctx.shape = a.shape
        return np.prod(a, axis=dim, keepdims=keepdim)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, dim, keepdim = ctx.inputs
        g = expand_reduced(grad, ctx.shape, (dim,), keepdim)
        return g * product_of_others(a, dim), None, None


def prod(input: Any, dim: Any = None, keepdim: bool = False, *, dtype: Any = None,
         axis: Any = None, keepdims: Any = None) -> Any:
    """Product over one ``dim``, or of all elements when ``dim`` is None."""
    x = input if dtype is None else input.to(dtype)
    if axis is not None:
        dim = axis
    keepdim = bool(keepdim if keepdims is None else keepdims)
    if dim is None:
        flat = Prod.apply(x.reshape(-1), 0, False)
        return flat.reshape((1,) * x.ndim) if keepdim else flat
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"prod: dim must be an int or None, got {dim!r}")
    if x.ndim == 0:  # a 0-d input is its own product (as a 1-element row, so backward works)
        normalize_dims(int(dim), 0, "prod")  # still refuse a dim other than 0 / -1
        return Prod.apply(x.reshape(1), 0, False)
    return Prod.apply(x, normalize_dims(int(dim), x.ndim, "prod")[0], keepdim)


class CumSum(Function):
    """out[i] = sum of a[:i + 1] along ``dim``.  da = reversed cumsum of the reversed g."""

    symbol = "cumsum"

    @staticmethod
    def forward(ctx: Any, a: Any, dim: int) -> Any:
        return np.cumsum(a, axis=dim, dtype=a.dtype if a.dtype.kind in "fc" else None)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, dim = ctx.inputs
        return np.flip(np.cumsum(np.flip(grad, dim), axis=dim), dim), None


def cumsum(input: Any, dim: Any = None, *, dtype: Any = None, axis: Any = None) -> Any:
    """Cumulative sum along ``dim`` (numpy's ``axis``; None flattens first, as numpy)."""
    x = input if dtype is None else input.to(dtype)
    dim = axis if dim is None else dim
    if dim is None:
        return CumSum.apply(x.reshape(-1), 0)
    return CumSum.apply(x, normalize_dims(int(dim), x.ndim, "cumsum")[0] if x.ndim else 0)


class Norm(Function):
    """out = (sum |a|**p)**(1/p) over dims (p = 1, 2, inf, -inf, 0 or any other float).

    da = g sign(a) |a|**(p-1) / out**(p-1); p = 2: g a / out; p = 1: g sign(a);
    p = +-inf: g sign(a) shared evenly among the elements where |a| == out. The gradient is 0
    where out == 0 (as in PyTorch).
    """

    symbol = "norm"

    @staticmethod
    def forward(ctx: Any, a: Any, p: float, axes: tuple, keepdim: bool) -> Any:
        ctx.shape = a.shape
        magnitude = np.abs(a)
        if p == np.inf:
            out = np.max(magnitude, axis=axes, keepdims=keepdim)
        elif p == -np.inf:
            out = np.min(magnitude, axis=axes, keepdims=keepdim)
        elif p == 0:
            out = np.sum(magnitude != 0, axis=axes, keepdims=keepdim)
        elif p == 1:
            out = np.sum(magnitude, axis=axes, keepdims=keepdim)
        elif p == 2:
            out = np.sqrt(np.sum(magnitude * magnitude, axis=axes, keepdims=keepdim))
        else:
            out = np.sum(magnitude**p, axis=axes, keepdims=keepdim) ** (1.0 / p)
        return np.asarray(out, dtype=a.dtype)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, p, axes, keepdim = ctx.inputs
        g = expand_reduced(grad, ctx.shape, axes, keepdim)
        out = expand_reduced(ctx.output, ctx.shape, axes, keepdim)
        a_value, out_value = _raw(a), _raw(out)
        sign = np.sign(a_value)
        if p == 0:
            return g * 0, None, None, None
        if p == 1:
            return g * sign, None, None, None
        if p in (np.inf, -np.inf):
            chosen = np.abs(a_value) == out_value
            share = chosen / np.sum(chosen, axis=axes, keepdims=True)
            return g * (sign * share), None, None, None
        zero = out_value == 0
        safe_out = np.where(zero, 1, out) if np.any(zero) else out
        if p == 2:
            local = a / safe_out
        else:
            local = sign * (np.abs(a) / safe_out) ** (p - 1)
        if np.any(zero):
            local = np.where(zero, 0, local)
        return g * local, None, None, None


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Node) else x


def norm(input: Any, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None,
         *, ord: Any = None, axis: Any = None, keepdims: Any = None) -> Any:  # noqa: A002
    """Vector p-norm over ``dim`` (all elements when None): p = 1, 2, inf, -inf, 0, any float,
    or 'fro' (the 2-norm of the entries). numpy's ``ord``/``axis``/``keepdims`` are aliases."""
    x = input if dtype is None else input.to(dtype)
    if ord is not None:
        p = ord
    if p is None or p == "fro":
        p = 2
    if isinstance(p, str):
        raise ValueError(f"norm: p={p!r} is not supported (use 1, 2, inf, -inf, 0, a float "
                         "or 'fro')")
    axes, keepdim = reduction_args(x, dim, keepdim, axis, keepdims, "norm")
    return Norm.apply(x, float(p), axes, keepdim)


def all(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,  # noqa: A001
        keepdims: Any = None) -> Any:
    """True where every element over ``dim`` is nonzero (a bool tensor without gradient)."""
    axes, keepdim = reduction_args(input, dim, keepdim, axis, keepdims, "all")
    return type(input)._from_raw(np.all(input.data, axis=axes, keepdims=keepdim))


def any(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,  # noqa: A001
        keepdims: Any = None) -> Any:
    """True where some element over ``dim`` is nonzero (a bool tensor without gradient)."""
    axes, keepdim = reduction_args(input, dim, keepdim, axis, keepdims, "any")
    return type(input)._from_raw(np.any(input.data, axis=axes, keepdims=keepdim))


register_function(np.var, lambda a, axis=None, dtype=None, out=None, ddof=0, keepdims=False:
                  var(a if dtype is None else a.to(dtype), axis=axis, ddof=ddof,
                      keepdims=keepdims))
register_function(np.std, lambda a, axis=None, dtype=None, out=None, ddof=0, keepdims=False:
                  std(a if dtype is None else a.to(dtype), axis=axis, ddof=ddof,
                      keepdims=keepdims))
register_function(np.prod, lambda a, axis=None, dtype=None, out=None, keepdims=False:
                  prod(a, axis, keepdims, dtype=dtype))
register_function(np.cumsum, lambda a, axis=None, dtype=None, out=None:
                  cumsum(a, axis, dtype=dtype))
