"""Rearranging one tensor: squeeze/unsqueeze/flatten/unflatten, movedim, flip, roll,
repeat/tile, triu/tril, diagonal/trace, clone/contiguous.

Most are compositions of the shape gates (Reshape, Permute, Expand, GetItem), so their
gradients and higher-order gradients come from those gates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..numpy_dispatch import register_function
from .elementwise import where
from .reduce import normalize_dims
from .shape import Clone, Expand, GetItem, Permute, Reshape, Roll


class Flip(GetItem):
    """out = a reversed along some dims.  da = g reversed back."""

    symbol = "flip"


def _dims(dims: Any) -> Any:
    """Accept dims as varargs ``f(x, 0, 1)`` or one int/sequence ``f(x, (0, 1))``."""
    if len(dims) == 1:
        dims = dims[0]
    return dims


def squeeze(input: Any, dim: Any = None, *, axis: Any = None) -> Any:
    """Remove dims of size 1 (all of them, or those in ``dim``; others in ``dim`` are kept)."""
    dim = axis if dim is None else dim
    if dim is None:
        kept = tuple(n for n in input.shape if n != 1)
    else:
        axes = normalize_dims(dim, input.ndim, "squeeze")
        kept = tuple(n for d, n in enumerate(input.shape) if n != 1 or d not in axes)
    return Reshape.apply(input, kept)


def unsqueeze(input: Any, dim: int) -> Any:
    """Insert a dim of size 1 at position ``dim`` (in [-ndim - 1, ndim])."""
    dim = normalize_dims(int(dim), input.ndim + 1, "unsqueeze")[0]
    shape = list(input.shape)
    shape.insert(dim, 1)
    return Reshape.apply(input, tuple(shape))


def expand_dims(a: Any, axis: Any) -> Any:
    """numpy's name for ``unsqueeze`` (one axis or a tuple of axes)."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    ndim = a.ndim + len(axes)
    axes = normalize_dims(axes, ndim, "expand_dims")
    shape = iter(a.shape)
    return Reshape.apply(a, tuple(1 if d in axes else next(shape) for d in range(ndim)))


def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Any:
    """Merge dims ``start_dim`` .. ``end_dim`` (inclusive) into one."""
    if input.ndim == 0:
        return Reshape.apply(input, (1,))
    start = normalize_dims(int(start_dim), input.ndim, "flatten")[0]
    end = normalize_dims(int(end_dim), input.ndim, "flatten")[0]
    if start > end:
        raise ValueError(
            f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a tensor of "
            f"shape {tuple(input.shape)}"
        )
    shape = input.shape
    merged = int(np.prod(shape[start:end + 1]))
    return Reshape.apply(input, shape[:start] + (merged,) + shape[end + 1:])


def unflatten(input: Any, dim: int, sizes: Any) -> Any:
    """Split dim ``dim`` into ``sizes`` (one entry may be -1)."""
    dim = normalize_dims(int(dim), input.ndim, "unflatten")[0]
    sizes = tuple(int(n) for n in sizes)
    known = int(np.prod([n for n in sizes if n != -1]))
    n = input.shape[dim]
    if sizes.count(-1) > 1 or (-1 in sizes and (known == 0 or n % known)) or (
        -1 not in sizes and known != n
    ):
        raise ValueError(
            f"unflatten: sizes {sizes} do not multiply to the size {n} of dim {dim} of a "
            f"tensor of shape {tuple(input.shape)}"
        )
    sizes = tuple(n // known if s == -1 else s for s in sizes)
    return Reshape.apply(input, input.shape[:dim] + sizes + input.shape[dim + 1:])


def movedim(input: Any, source: Any, destination: Any) -> Any:
    """Move dims ``source`` to positions ``destination`` (ints or sequences); numpy's moveaxis."""
    sources = normalize_dims(source, input.ndim, "movedim")
    single = isinstance(source, (int, np.integer))
    src = (int(source) % max(input.ndim, 1),) if single else tuple(
        int(s) % max(input.ndim, 1) for s in source)
    dst_raw = (destination,) if isinstance(destination, (int, np.integer)) else destination
    dst = tuple(int(d) % max(input.ndim, 1) for d in dst_raw)
    if len(src) != len(dst) or len(set(dst)) != len(dst) or len(sources) != len(src):
        raise ValueError(
            f"movedim: source {source} and destination {destination} must be sequences of "
            f"distinct dims of the same length (tensor of shape {tuple(input.shape)})"
        )
    order = [d for d in range(input.ndim) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return Permute.apply(input, tuple(order))


def flip(input: Any, *dims: Any) -> Any:
    """Reverse the order of elements along ``dims`` (all dims when omitted, as numpy)."""
    dims = _dims(dims) if dims else None
    axes = normalize_dims(dims, input.ndim, "flip")
    index = tuple(slice(None, None, -1) if d in axes else slice(None) for d in range(input.ndim))
    return Flip.apply(input, index)


def roll(input: Any, shifts: Any, dims: Any = None) -> Any:
    """Shift elements cyclically by ``shifts`` along ``dims`` (the flattened tensor when None)."""
    if isinstance(shifts, (list, tuple)):
        shifts = tuple(int(s) for s in shifts)
    else:
        shifts = int(shifts)
    if dims is not None:
        dims = (tuple(normalize_dims(d, input.ndim, "roll")[0] for d in dims)
                if isinstance(dims, (list, tuple)) else normalize_dims(dims, input.ndim, "roll")[0])
        if isinstance(shifts, tuple) != isinstance(dims, tuple) or (
            isinstance(dims, tuple) and len(dims) != len(shifts)
        ):
            raise ValueError(f"roll: shifts {shifts} and dims {dims} must have the same length")
    elif isinstance(shifts, tuple):
        raise ValueError("roll: a tuple of shifts needs a tuple of dims")
    return Roll.apply(input, shifts, dims)


def tile(input: Any, *dims: Any) -> Any:
    """Repeat the whole tensor ``dims[d]`` times along each dim (``dims`` shorter than ndim is
    padded with ones on the left, longer adds leading dims). numpy's and PyTorch's tile."""
    reps = tuple(int(r) for r in np.atleast_1d(_dims(dims)))
    reps = (1,) * (input.ndim - len(reps)) + reps
    return repeat(input, *reps)


def repeat(input: Any, *sizes: Any) -> Any:
    """PyTorch's ``Tensor.repeat``: tile the tensor ``sizes[d]`` times along each dim
    (``len(sizes) >= ndim``; extra sizes add leading dims). Not numpy's ``repeat``."""
    reps = tuple(int(r) for r in np.atleast_1d(_dims(sizes)))
    if len(reps) < input.ndim:
        raise ValueError(
            f"repeat: the number of repeat dims {len(reps)} can not be smaller than the number "
            f"of dims {input.ndim} of the tensor (shape {tuple(input.shape)})"
        )
    shape = (1,) * (len(reps) - input.ndim) + tuple(input.shape)
    interleaved = tuple(x for n in shape for x in (1, n))
    expanded = tuple(x for r, n in zip(reps, shape) for x in (r, n))
    x = Reshape.apply(input, interleaved)
    x = Expand.apply(x, expanded)
    return Reshape.apply(x, tuple(r * n for r, n in zip(reps, shape)))


def _triangle(input: Any, diagonal: int, op: str) -> Any:
    if input.ndim < 2:
        raise ValueError(f"{op}: input tensor must have at least 2 dimensions, got shape "
                         f"{tuple(input.shape)}")
    rows, cols = input.shape[-2:]
    keep = np.ones((rows, cols), dtype=bool)
    keep = np.triu(keep, diagonal) if op == "triu" else np.tril(keep, diagonal)
    zero = np.zeros((), dtype=input.dtype)  # keeps bool and integer inputs in their dtype
    return where(keep, input, zero)


def triu(input: Any, diagonal: int = 0) -> Any:
    """The upper triangle of the last two dims (elements on and above ``diagonal``), zeros
    elsewhere; the gradient is masked the same way."""
    return _triangle(input, int(diagonal), "triu")


def tril(input: Any, diagonal: int = 0) -> Any:
    """The lower triangle of the last two dims (on and below ``diagonal``), zeros elsewhere."""
    return _triangle(input, int(diagonal), "tril")


def diagonal(input: Any, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Any:
    """The diagonal of the (dim1, dim2) planes, as a new last dim (``offset`` > 0 above the main
    diagonal). Like numpy's diagonal with PyTorch's names."""
    d1 = normalize_dims(int(dim1), input.ndim, "diagonal")[0]
    d2 = normalize_dims(int(dim2), input.ndim, "diagonal")[0]
    if d1 == d2:
        raise ValueError(f"diagonal: dim1 and dim2 cannot be the same dim ({dim1}, {dim2})")
    order = [d for d in range(input.ndim) if d not in (d1, d2)] + [d1, d2]
    moved = Permute.apply(input, tuple(order))
    n1, n2 = input.shape[d1], input.shape[d2]
    row0, col0 = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(0, min(n1 - row0, n2 - col0))
    rows = np.arange(length) + row0
    cols = np.arange(length) + col0
    return GetItem.apply(moved, (Ellipsis, rows, cols))


def trace(input: Any) -> Any:
    """Sum of the main diagonal of a 2-D tensor."""
    if input.ndim != 2:
        raise ValueError(f"trace: expected a matrix, got shape {tuple(input.shape)}")
    return diagonal(input).sum()


def clone(input: Any) -> Any:
    """A copy that owns its memory; the gradient passes through unchanged."""
    return Clone.apply(input)


def contiguous(input: Any) -> Any:
    """``input`` itself when its memory is C-contiguous, else a contiguous copy."""
    return input if input.data.flags.c_contiguous else Clone.apply(input)


register_function(np.squeeze, lambda a, axis=None: squeeze(a, axis))
register_function(np.expand_dims, expand_dims)
register_function(np.moveaxis, movedim)
register_function(np.flip, lambda m, axis=None: flip(m) if axis is None else flip(m, axis))
register_function(np.roll, lambda a, shift, axis=None: roll(a, shift, axis))
register_function(np.tile, tile)
register_function(np.triu, lambda m, k=0: triu(m, k))
register_function(np.tril, lambda m, k=0: tril(m, k))
register_function(np.diagonal, lambda a, offset=0, axis1=0, axis2=1:
                  diagonal(a, offset, axis1, axis2))
register_function(np.trace, lambda a: trace(a))
register_function(np.copy, lambda a, order="K", subok=False: clone(a))
register_function(np.ascontiguousarray, lambda a, dtype=None: contiguous(a))
