"""Joining and splitting tensors: cat/concatenate, stack, split, chunk, unbind, pad."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..node import Node
from ..numpy_dispatch import register_function
from .promotion import promote
from .reduce import normalize_dims
from .shape import Cat, ConstantPad, GetItem, Stack


class IndexPad(GetItem):
    """out = a[index maps] for reflect/replicate/circular padding.  da = g scattered back, so
    the gradients of the copied border elements add up."""

    symbol = "pad"


def _shape(x: Any) -> tuple:
    return tuple(np.shape(x.data if isinstance(x, Node) else x))


def _sequence(tensors: Any, op: str) -> list:
    if isinstance(tensors, Node) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}: expected a list or tuple of tensors, got {type(tensors).__name__}")
    if not tensors:
        raise ValueError(f"{op}: expected a non-empty list of tensors")
    return list(tensors)


def cat(tensors: Any, dim: int = 0, *, axis: Any = None) -> Any:
    """Join tensors along an existing dim; all shapes must agree except in ``dim``.
    Mixed dtypes are promoted (float32 with float64 gives float64)."""
    tensors = _sequence(tensors, "cat")
    dim = axis if axis is not None else dim
    shapes = [_shape(t) for t in tensors]
    ndim = len(shapes[0])
    if ndim == 0:
        raise ValueError("cat: zero-dimensional tensor (at position 0) cannot be concatenated")
    dim = normalize_dims(int(dim), ndim, "cat")[0]
    for i, shape in enumerate(shapes[1:], start=1):
        if len(shape) != ndim or any(
            a != b for d, (a, b) in enumerate(zip(shape, shapes[0])) if d != dim
        ):
            raise ValueError(
                f"cat: expected all tensors to have the same shape except in dim {dim}, but "
                f"tensor 0 has shape {shapes[0]} and tensor {i} has shape {shape}"
            )
    return Cat.apply(dim, *promote(*tensors))


def concatenate(tensors: Any, axis: int = 0, *, dim: Any = None) -> Any:
    """numpy's (and PyTorch's) other name for ``cat``; takes ``axis`` or ``dim``."""
    return cat(tensors, axis if dim is None else dim)


concat = concatenate


def stack(tensors: Any, dim: int = 0, *, axis: Any = None) -> Any:
    """Join tensors of one shape along a new dim ``dim``."""
    tensors = _sequence(tensors, "stack")
    dim = axis if axis is not None else dim
    shapes = [_shape(t) for t in tensors]
    for i, shape in enumerate(shapes[1:], start=1):
        if shape != shapes[0]:
            raise ValueError(
                f"stack: expects each tensor to be equal size, but got {shapes[0]} at entry 0 "
                f"and {shape} at entry {i}"
            )
    dim = normalize_dims(int(dim), len(shapes[0]) + 1, "stack")[0]
    return Stack.apply(dim, *promote(*tensors))


def _slice_along(input: Any, dim: int, start: int, stop: int) -> Any:
    return input[(slice(None),) * dim + (slice(start, stop),)]


def split(tensor: Any, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces along ``dim``: of ``split_size`` each (the last may be smaller), or of the sizes
    in the list ``sections`` (which must add up to the dim's size)."""
    dim = normalize_dims(int(dim), tensor.ndim, "split")[0]
    n = tensor.shape[dim]
    if isinstance(split_size_or_sections, (int, np.integer)):
        size = int(split_size_or_sections)
        if size <= 0:
            raise ValueError(f"split: split_size must be positive, got {size}")
        sizes = [min(size, n - start) for start in range(0, n, size)] or [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise ValueError(
                f"split: split_with_sizes expects split_sizes to sum exactly to {n} (input "
                f"tensor's size at dimension {dim}), but got split_sizes={sizes}"
            )
    pieces = []
    start = 0
    for size in sizes:
        pieces.append(_slice_along(tensor, dim, start, start + size))
        start += size
    return tuple(pieces)


def chunk(input: Any, chunks: int, dim: int = 0) -> tuple:
    """Split into ``chunks`` pieces of equal size ceil(n / chunks) (the last may be smaller,
    and there may be fewer pieces), as PyTorch's chunk."""
    if int(chunks) <= 0:
        raise ValueError(f"chunk: chunks must be positive, got {chunks}")
    dim = normalize_dims(int(dim), input.ndim, "chunk")[0]
    n = input.shape[dim]
    size = max(1, -(-n // int(chunks)))
    return split(input, size, dim)


def unbind(input: Any, dim: int = 0) -> tuple:
    """The slices along ``dim``, each without that dim."""
    dim = normalize_dims(int(dim), input.ndim, "unbind")[0]
    return tuple(input[(slice(None),) * dim + (i,)] for i in range(input.shape[dim]))


def _padding_widths(shape: tuple, pad: Any, op: str) -> list:
    """PyTorch's pad tuple (last dim first: left, right, then the dim before...) as per-dim
    (before, after) widths."""
    pad = [int(p) for p in pad]
    if len(pad) % 2 or len(pad) // 2 > len(shape):
        raise ValueError(
            f"{op}: padding length must be even and at most twice the number of dims; got "
            f"{len(pad)} values for a tensor of shape {shape}"
        )
    widths = [(0, 0)] * len(shape)
    for i in range(len(pad) // 2):
        widths[len(shape) - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return widths


def _index_map(n: int, before: int, after: int, mode: str) -> np.ndarray:
    positions = np.arange(-before, n + after)
    if mode == "replicate":
        return np.clip(positions, 0, n - 1)
    if mode == "circular":
        return positions % n
    period = 2 * (n - 1)
    folded = positions % period if period else np.zeros_like(positions)
    return np.where(folded < n, folded, period - folded)


def pad(input: Any, pad: Any, mode: str = "constant", value: Any = None) -> Any:
    """Pad with PyTorch's convention: ``pad = (left, right)`` pads the last dim,
    ``(left, right, top, bottom)`` the last two, and so on.

    mode 'constant' fills with ``value`` (default 0; negative widths crop); 'reflect' mirrors
    without repeating the edge; 'replicate' repeats the edge; 'circular' wraps around.
    """
    shape = tuple(input.shape)
    widths = _padding_widths(shape, pad, "pad")
    if mode == "constant":
        for n, (before, after) in zip(shape, widths):
            if n + min(before, 0) + min(after, 0) < 0:  # PyTorch crops first, then pads
                raise ValueError(f"pad: widths {tuple(pad)} crop more than the shape {shape}")
        return ConstantPad.apply(input, tuple(widths), 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise ValueError(
            f"pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}"
        )
    if value not in (None, 0):
        raise ValueError(f"pad: padding mode {mode!r} doesn't take in value argument")
    first = len(shape) - len(pad) // 2
    maps = []
    for d in range(first, len(shape)):
        (before, after), n = widths[d], shape[d]
        limit = n - 1 if mode == "reflect" else n
        if before < 0 or after < 0 or (mode != "replicate" and (before > limit or after > limit)) \
                or n == 0:
            raise ValueError(
                f"pad: {mode} padding ({before}, {after}) of dim {d} must be non-negative and "
                f"{'less than' if mode == 'reflect' else 'at most'} the dim's size {n} "
                f"(input shape {shape})"
            )
        maps.append(_index_map(n, before, after, mode))
    if not maps:
        return IndexPad.apply(input, (Ellipsis,))
    return IndexPad.apply(input, (slice(None),) * first + np.ix_(*maps))


register_function(np.concatenate, lambda arrays, axis=0: cat(list(arrays), axis))
register_function(np.stack, lambda arrays, axis=0: stack(list(arrays), axis))
