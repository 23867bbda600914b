"""Index gathering and scattering along a dim: gather, take_along_dim, index_select,
masked_fill, scatter_add (PyTorch semantics).

They are built on the GetItem / ScatterAdd gate pair of shape.py (the backward of each is the
other), given an index tuple that numpy's advanced indexing understands; repeated indices
accumulate their gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..node import Node
from .elementwise import Where
from .promotion import promote
from .reduce import normalize_dims
from .shape import GetItem, ScatterAdd


class Gather(GetItem):
    """out = a[index tuple] selecting along one dim.  da = g scattered back (repeats add up)."""

    symbol = "gather"


class IndexSelect(GetItem):
    """out = the slices of a at ``index`` along one dim.  da = g scattered back (repeats add up)."""

    symbol = "index_select"


def _raw(value: Any) -> Any:
    return value.data if isinstance(value, Node) else np.asarray(value)


def _dim(input: Any, dim: Any, op: str) -> int:
    return normalize_dims(int(dim), input.ndim, op)[0] if input.ndim else 0


def _integer_index(index: Any, op: str) -> np.ndarray:
    index = _raw(index)
    if index.dtype.kind not in "iu":
        raise TypeError(f"{op}: index must be an integer tensor, got dtype {index.dtype}")
    return index


def _check_in_range(index: np.ndarray, size: int, op: str, dim: int,
                    negative: bool = False) -> None:
    """Indices must lie in [0, size) ([-size, size) when ``negative`` indices are allowed)."""
    low = -size if negative else 0
    if index.size and (index.min() < low or index.max() >= size):
        bad = index.min() if index.min() < low else index.max()
        raise IndexError(
            f"{op}: index {int(bad)} is out of bounds for dim {dim} with size {size}"
        )


def along_dim_index(index: np.ndarray, dim: int) -> tuple:
    """The numpy index tuple picking ``a[i0, .., index[i0, .., ik], .., ik]``: ``index`` at
    ``dim`` and the positions themselves in the other dims (``index`` has a's ndim)."""
    result = []
    for d, n in enumerate(index.shape):
        if d == dim:
            result.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            result.append(np.arange(n).reshape(shape))
    return tuple(result)


def gather(input: Any, dim: int, index: Any, *, sparse_grad: bool = False) -> Any:
    """out[i][j][k] = input[index[i][j][k]][j][k] for dim 0 (likewise for other dims).

    ``index`` has input's ndim and ``index.size(d) <= input.size(d)`` for d != dim.
    """
    index = _integer_index(index, "gather")
    dim = _dim(input, dim, "gather")
    if index.ndim != input.ndim:
        raise ValueError(
            f"gather: index has {index.ndim} dims but input has {input.ndim}; they must match "
            f"(input shape {tuple(input.shape)}, index shape {index.shape})"
        )
    for d, (n_index, n_input) in enumerate(zip(index.shape, input.shape)):
        if d != dim and n_index > n_input:
            raise ValueError(
                f"gather: index shape {index.shape} is larger than input shape "
                f"{tuple(input.shape)} in dim {d} (only dim {dim} may differ)"
            )
    _check_in_range(index, input.shape[dim] if input.ndim else 1, "gather", dim)
    if input.ndim == 0:
        return Gather.apply(input, ())
    return Gather.apply(input, along_dim_index(index, dim))


def take_along_dim(input: Any, indices: Any, dim: Any = None) -> Any:
    """Values of ``input`` at ``indices`` along ``dim`` (the two broadcast in the other dims);
    with ``dim=None`` both are flattened first. numpy's ``take_along_axis``."""
    indices = _integer_index(indices, "take_along_dim")
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    dim = _dim(input, dim, "take_along_dim")
    if indices.ndim != input.ndim:
        raise ValueError(
            f"take_along_dim: input and indices should have the same number of dimensions, "
            f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for "
            "indices"
        )
    try:
        common = np.broadcast_shapes(
            tuple(1 if d == dim else n for d, n in enumerate(input.shape)),
            tuple(1 if d == dim else n for d, n in enumerate(indices.shape)),
        )
    except ValueError:
        raise ValueError(
            f"take_along_dim: shapes {tuple(input.shape)} and {indices.shape} do not broadcast "
            f"outside dim {dim}"
        ) from None
    input_shape = tuple(input.shape[dim] if d == dim else n for d, n in enumerate(common))
    index_shape = tuple(indices.shape[dim] if d == dim else n for d, n in enumerate(common))
    if input_shape != tuple(input.shape):
        input = input.expand(*input_shape)
    indices = np.broadcast_to(indices, index_shape)
    _check_in_range(indices, input.shape[dim], "take_along_dim", dim, negative=True)
    return Gather.apply(input, along_dim_index(indices % max(input.shape[dim], 1), dim))


def take_along_axis(arr: Any, indices: Any, axis: Any = -1) -> Any:
    """numpy's name for ``take_along_dim``."""
    return take_along_dim(arr, indices, axis)


def index_select(input: Any, dim: int, index: Any) -> Any:
    """The slices of ``input`` at the positions ``index`` (a 1-D integer tensor) along ``dim``."""
    index = _integer_index(index, "index_select")
    if index.ndim > 1:
        raise ValueError(f"index_select: index must be 0-D or 1-D, got shape {index.shape}")
    dim = _dim(input, dim, "index_select")
    _check_in_range(index, input.shape[dim] if input.ndim else 1, "index_select", dim)
    if input.ndim == 0:
        return IndexSelect.apply(input, ())
    return IndexSelect.apply(input, (slice(None),) * dim + (index.reshape(-1),))


def _broadcasts_to(shape: tuple, target: tuple) -> bool:
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


def masked_fill(input: Any, mask: Any, value: Any) -> Any:
    """``input`` with ``value`` where ``mask`` is True (mask broadcasts to input's shape).

    ``value`` is a number or a 0-dim tensor (differentiable); the result keeps input's dtype.
    """
    mask = _raw(mask)
    if mask.dtype != bool:
        raise TypeError(f"masked_fill: expected a bool mask, got dtype {mask.dtype}")
    if not _broadcasts_to(mask.shape, tuple(input.shape)):
        raise ValueError(
            f"masked_fill: mask of shape {mask.shape} does not broadcast to the input's shape "
            f"{tuple(input.shape)}"
        )
    if isinstance(value, Node):
        if value.ndim != 0:
            raise ValueError(
                "masked_fill: only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s)"
            )
        if value.dtype != input.dtype:
            value = value.to(input.dtype)
    else:
        value = np.asarray(value, dtype=input.dtype)
    return Where.apply(mask, value, input)


def scatter_add(input: Any, dim: int, index: Any, src: Any) -> Any:
    """``input`` plus ``src`` added at ``index`` along ``dim``: for dim 0,
    out[index[i][j]][j] += src[i][j]. Repeated indices add up. Differentiable in input and src.
    """
    index = _integer_index(index, "scatter_add")
    dim = _dim(input, dim, "scatter_add")
    src_shape = tuple(np.shape(_raw(src)))
    if not index.ndim == input.ndim == len(src_shape):
        raise ValueError(
            f"scatter_add: index {index.shape}, input {tuple(input.shape)} and src {src_shape} "
            "must have the same number of dims"
        )
    for d, n in enumerate(index.shape):
        if n > src_shape[d] or (d != dim and n > input.shape[d]):
            raise ValueError(
                f"scatter_add: index shape {index.shape} is larger than src shape {src_shape} "
                f"or (outside dim {dim}) input shape {tuple(input.shape)} in dim {d}"
            )
    _check_in_range(index, input.shape[dim], "scatter_add", dim)
    input, src = promote(input, src)
    if src_shape != index.shape:
        src = src[tuple(slice(0, n) for n in index.shape)]
    added = ScatterAdd.apply(src, tuple(input.shape), along_dim_index(index, dim))
    return input + added
