"""Sliding-window geometry shared by convolution and pooling (1, 2 or 3 spatial dims).

Tensors are (N, C, *spatial) to the user. Inside the window gates the arrays are handled
*batch-last*, (C, *spatial, N): then one kernel offset at one output row is a contiguous run
of (output width x batch) numbers, so window copies and scatter-adds stream through memory
instead of hopping in runs of a few pixels. Gate outputs are allocated batch-last and handed
back as (N, C, ...) views, so a chain of conv / relu / pool layers never converts in between.

``Geometry`` holds per-dim stride, (low, high) padding and dilation. The python loops here run
over kernel offsets only, never over pixels or batch elements.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import _workspace as workspace


class Geometry(NamedTuple):
    stride: tuple
    padding: tuple  # ((low, high), ...) per spatial dim
    dilation: tuple


def ntuple(value: Any, n: int, name: str, op: str) -> tuple:
    """``value`` (an int or a sequence of n ints) as a tuple of n ints."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    values = tuple(int(v) for v in value)
    if len(values) == 1:
        return values * n
    if len(values) != n:
        raise ValueError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")
    return values


def output_shape(spatial: tuple, kernel: tuple, geometry: Geometry) -> tuple:
    """Output size per dim: (S + lo + hi - dilation*(k-1) - 1) // stride + 1."""
    return tuple(
        (s + lo + hi - d * (k - 1) - 1) // st + 1
        for s, k, (lo, hi), d, st in zip(
            spatial, kernel, geometry.padding, geometry.dilation, geometry.stride
        )
    )


def batch_last(x: np.ndarray) -> np.ndarray:
    """(N, C, *S) -> (C, *S, N) view."""
    return np.moveaxis(x, 0, -1)


def batch_first(x: np.ndarray) -> np.ndarray:
    """(C, *S, N) -> (N, C, *S) view."""
    return np.moveaxis(x, -1, 0)


def pad(xt: np.ndarray, padding: tuple, value: float = 0.0) -> np.ndarray:
    """Pad the spatial dims of a batch-last (C, *S, N) array by ((lo, hi), ...) with a constant.
    Returns a contiguous array (a copy when it had to pad or was not contiguous)."""
    if not any(lo or hi for lo, hi in padding):
        if xt.flags.c_contiguous:
            return xt
        out = workspace.empty(xt.shape, xt.dtype)
        np.copyto(out, xt)
        return out
    spatial = xt.shape[1:-1]
    out = workspace.empty((xt.shape[0],) + padded_shape(spatial, padding) + (xt.shape[-1],),
                          xt.dtype)
    out.fill(value)
    interior = (slice(None),) + tuple(slice(lo, lo + s) for (lo, _), s in zip(padding, spatial))
    out[interior + (slice(None),)] = xt
    return out


def padded_shape(spatial: tuple, padding: tuple) -> tuple:
    return tuple(s + lo + hi for s, (lo, hi) in zip(spatial, padding))


def windows(xp: np.ndarray, kernel: tuple, geometry: Geometry, out: tuple) -> np.ndarray:
    """View of a padded batch-last array (C, *Sp, N) as (C, *kernel, *out, N) (no copy)."""
    nd = len(kernel)
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, geometry.dilation))
    view = sliding_window_view(xp, span, axis=tuple(range(1, nd + 1)))  # (C, *O', N, *span)
    index = (
        (slice(None),)
        + tuple(slice(0, st * (n - 1) + 1, st) for st, n in zip(geometry.stride, out))
        + (slice(None),)
        + tuple(slice(None, None, d) for d in geometry.dilation)
    )
    order = (0,) + tuple(range(nd + 2, 2 * nd + 2)) + tuple(range(1, nd + 2))
    return view[index].transpose(order)


def offset_regions(kernel: tuple, geometry: Geometry, out: tuple) -> list:
    """For each kernel offset, the index of the region of a padded batch-last array (C, *Sp, N)
    that the offset reads at every output position (shaped (C, *out, N))."""
    regions = []
    for offset in itertools.product(*(range(k) for k in kernel)):
        slices = tuple(
            slice(o * d, o * d + st * (n - 1) + 1, st)
            for o, d, st, n in zip(offset, geometry.dilation, geometry.stride, out)
        )
        regions.append((slice(None),) + slices + (slice(None),))
    return regions


def crop(xp: np.ndarray, padding: tuple, spatial: tuple) -> np.ndarray:
    """Remove the padding from the spatial dims of a batch-last array."""
    if not any(lo or hi for lo, hi in padding):
        return xp
    index = (slice(None),) + tuple(
        slice(lo, lo + s) for (lo, _), s in zip(padding, spatial)
    ) + (slice(None),)
    return xp[index]


_DIM_NAMES = {1: "L", 2: "H, W", 3: "D, H, W"}


def check_input(x: Any, nd: int, op: str) -> None:
    """Raise a clear error unless ``x`` is (N, C, *spatial) with ``nd`` spatial dims."""
    if x.ndim != nd + 2:
        raise ValueError(
            f"{op}: expected a {nd + 2}-D input of shape (N, C, {_DIM_NAMES[nd]}), got a "
            f"{x.ndim}-D input of shape {tuple(x.shape)}"
            + (" (for a single sample add a batch dim: x[None])" if x.ndim == nd + 1 else "")
        )
