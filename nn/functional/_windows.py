"""Sliding-window geometry shared by convolution and pooling (1, 2 or 3 spatial dims).

Arrays are (N, C, *spatial). ``Geometry`` holds per-dim stride, (low, high) padding and
dilation. Two raw-array building blocks do all the work, with python loops only over kernel
offsets (never over pixels or batch elements):

* ``windows``: a strided view (N, C, *out, *kernel) of the padded input (no copy).
* ``offset_regions``: for each kernel offset, the slices of the padded input that the offset
  touches across all output positions; scatter-adds over them give the adjoint (col2im).
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


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


def pad(x: np.ndarray, padding: tuple, value: float = 0.0) -> np.ndarray:
    """Pad the spatial dims of ``x`` by ((lo, hi), ...) with a constant."""
    if not any(lo or hi for lo, hi in padding):
        return x
    widths = ((0, 0),) * (x.ndim - len(padding)) + tuple(padding)
    return np.pad(x, widths, constant_values=value)


def windows(xp: np.ndarray, kernel: tuple, geometry: Geometry, out: tuple) -> np.ndarray:
    """View of the padded input as (N, C, *out, *kernel) windows (no copy)."""
    nd = len(kernel)
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, geometry.dilation))
    view = sliding_window_view(xp, span, axis=tuple(range(xp.ndim - nd, xp.ndim)))
    index = (
        (slice(None),) * (xp.ndim - nd)
        + tuple(slice(0, st * (n - 1) + 1, st) for st, n in zip(geometry.stride, out))
        + tuple(slice(None, None, d) for d in geometry.dilation)
    )
    return view[index]


def offset_regions(kernel: tuple, geometry: Geometry, out: tuple) -> list:
    """[(offset, slices)]: for each kernel offset, the strided region of the padded input that
    it reads at every output position (``xp[..., *slices]`` has the output's spatial shape)."""
    regions = []
    for offset in itertools.product(*(range(k) for k in kernel)):
        slices = tuple(
            slice(o * d, o * d + st * (n - 1) + 1, st)
            for o, d, st, n in zip(offset, geometry.dilation, geometry.stride, out)
        )
        regions.append((offset, slices))
    return regions


def crop(xp: np.ndarray, padding: tuple, spatial: tuple) -> np.ndarray:
    """Remove the padding from the spatial dims of a padded array."""
    if not any(lo or hi for lo, hi in padding):
        return xp
    nd = len(padding)
    index = (slice(None),) * (xp.ndim - nd) + tuple(
        slice(lo, lo + s) for (lo, _), s in zip(padding, spatial)
    )
    return xp[index]


def padded_shape(spatial: tuple, padding: tuple) -> tuple:
    return tuple(s + lo + hi for s, (lo, hi) in zip(spatial, padding))
