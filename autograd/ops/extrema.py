"""Maxima and minima: amax/amin (ties share the gradient evenly), max/min (full reduction, or
along a dim with (values, indices) like PyTorch), argmax/argmin (no gradient)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..function import Function
from ..node import Node
from ..numpy_dispatch import register_function
from .elementwise import Maximum, Minimum, _value
from .index import Gather, along_dim_index
from .promotion import promote
from .reduce import expand_reduced, normalize_dims, reduction_args


class MaxResult(NamedTuple):
    """What ``max(x, dim)`` returns: the values and the positions they were taken from."""

    values: Any
    indices: Any


class MinResult(NamedTuple):
    """What ``min(x, dim)`` returns: the values and the positions they were taken from."""

    values: Any
    indices: Any


class AMax(Function):
    """out = the largest element of a over dims.  The max gate routes: g goes to the elements
    equal to the maximum, shared evenly among ties."""

    symbol = "max"
    reduce = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx: Any, a: Any, axes: tuple, keepdim: bool) -> Any:
        ctx.shape = a.shape
        return cls.reduce(a, axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, axes, keepdim = ctx.inputs
        out = expand_reduced(_value(ctx.output), ctx.shape, axes, keepdim)
        chosen = _value(a) == out
        share = chosen / np.sum(chosen, axis=axes, keepdims=True)
        return expand_reduced(grad, ctx.shape, axes, keepdim) * share, None, None


class AMin(AMax):
    """out = the smallest element of a over dims.  g goes to the elements equal to the minimum,
    shared evenly among ties."""

    symbol = "min"
    reduce = staticmethod(np.min)


def _check_not_empty(input: Any, axes: tuple, op: str) -> None:
    if any(input.shape[a] == 0 for a in axes) or (not axes and input.size == 0):
        raise ValueError(
            f"{op}: cannot reduce over a zero-size dim (input shape {tuple(input.shape)}, "
            f"dims {axes})"
        )


def amax(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
         keepdims: Any = None) -> Any:
    """Largest elements over ``dim`` (int, tuple, None or () for all); ties share the gradient."""
    if dim == ():
        dim = None
    axes, keepdim = reduction_args(input, dim, keepdim, axis, keepdims, "amax")
    _check_not_empty(input, axes, "amax")
    return AMax.apply(input, axes, keepdim)


def amin(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
         keepdims: Any = None) -> Any:
    """Smallest elements over ``dim`` (int, tuple, None or () for all); ties share the
    gradient."""
    if dim == ():
        dim = None
    axes, keepdim = reduction_args(input, dim, keepdim, axis, keepdims, "amin")
    _check_not_empty(input, axes, "amin")
    return AMin.apply(input, axes, keepdim)


def _extreme(input: Any, dim: Any, keepdim: bool, axis: Any, keepdims: Any, op: str) -> Any:
    """max/min: the whole tensor (ties share the gradient), a (values, indices) pair along one
    dim (the gradient goes to the selected element), or elementwise against another tensor."""
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    if isinstance(dim, (Node, np.ndarray)):
        gate = Maximum if op == "max" else Minimum
        return gate.apply(*promote(input, dim))
    if dim is None:
        return (amax if op == "max" else amin)(input)
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{op}: dim must be an int (or None, or a tensor), got {dim!r}")
    dim = normalize_dims(int(dim), input.ndim, op)[0] if input.ndim else 0
    _check_not_empty(input, (dim,) if input.ndim else (), op)
    arg = np.argmax if op == "max" else np.argmin
    result = MaxResult if op == "max" else MinResult
    if input.ndim == 0:
        return result(Gather.apply(input, ()), type(input)._from_raw(np.zeros((), np.int64)))
    indices = arg(input.data, axis=dim, keepdims=True)
    index = along_dim_index(indices, dim)
    if not keepdim:
        index = tuple(np.squeeze(i, axis=dim) for i in index)
        indices = np.squeeze(indices, axis=dim)
    return result(Gather.apply(input, index), type(input)._from_raw(indices))


def max(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,  # noqa: A001
        keepdims: Any = None) -> Any:
    """``max(x)``: the largest element (ties share the gradient evenly).
    ``max(x, dim, keepdim=False)``: a (values, indices) named tuple; the gradient goes to the
    selected element (the first maximum). ``max(x, other)``: elementwise ``maximum``."""
    return _extreme(input, dim, keepdim, axis, keepdims, "max")


def min(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,  # noqa: A001
        keepdims: Any = None) -> Any:
    """``min(x)``, ``min(x, dim, keepdim=False)`` -> (values, indices), or ``min(x, other)``;
    see ``max``."""
    return _extreme(input, dim, keepdim, axis, keepdims, "min")


def _arg_extreme(input: Any, dim: Any, keepdim: bool, axis: Any, keepdims: Any, op: str) -> Any:
    if axis is not None:
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    arg = np.argmax if op == "argmax" else np.argmin
    data = input.data
    if data.size == 0:
        raise ValueError(f"{op}: cannot take the {op} of an empty tensor (shape {data.shape})")
    if dim is None:
        flat = arg(data.reshape(-1))
        return type(input)._from_raw(
            np.reshape(flat, (1,) * data.ndim) if keepdim else np.asarray(flat, dtype=np.int64)
        )
    dim = normalize_dims(int(dim), data.ndim, op)[0] if data.ndim else None
    return type(input)._from_raw(np.asarray(arg(data, axis=dim, keepdims=bool(keepdim))))


def argmax(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
           keepdims: Any = None) -> Any:
    """Position of the largest element (of the flattened tensor when ``dim`` is None); the first
    one among ties. An int64 tensor without gradient."""
    return _arg_extreme(input, dim, keepdim, axis, keepdims, "argmax")


def argmin(input: Any, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
           keepdims: Any = None) -> Any:
    """Position of the smallest element; see ``argmax``."""
    return _arg_extreme(input, dim, keepdim, axis, keepdims, "argmin")


register_function(np.amax, lambda a, axis=None, out=None, keepdims=False: amax(a, axis, keepdims))
register_function(np.amin, lambda a, axis=None, out=None, keepdims=False: amin(a, axis, keepdims))
register_function(np.max, lambda a, axis=None, out=None, keepdims=False: amax(a, axis, keepdims))
register_function(np.min, lambda a, axis=None, out=None, keepdims=False: amin(a, axis, keepdims))
