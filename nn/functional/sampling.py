"""Resampling: nearest and (bi)linear interpolation, and separable matrices along spatial dims.

Linear interpolation and adaptive average pooling are linear maps applied one spatial dim at a
time: ``along_spatial(x, [M_h, M_w])`` multiplies each dim by a fixed (out, in) matrix with the
matmul gate, so their gradients are the transposed matrices, for free.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor

from ._common import as_tensor


def along_spatial(x: Tensor, matrices: list) -> Tensor:
    """Apply one (out, in) matrix to each spatial dim of (N, C, *spatial)."""
    nd = len(matrices)
    out = x
    for axis, matrix in enumerate(matrices):
        if matrix is None:
            continue
        m = Tensor._from_raw(matrix.astype(x.dtype, copy=False))
        last = axis == nd - 1
        moved = out if last else out.transpose(2 + axis, -1)
        moved = moved @ m.T
        out = moved if last else moved.transpose(2 + axis, -1)
    return out


def linear_matrix(size: int, out: int, align_corners: bool, scale: float | None) -> np.ndarray:
    """(out, size) linear-interpolation weights with PyTorch's source coordinates:
    align_corners: src = dst * (size - 1) / (out - 1); otherwise
    src = max((dst + 0.5) * scale - 0.5, 0) with scale = size / out (or 1 / scale_factor)."""
    dst = np.arange(out, dtype=np.float64)
    if align_corners:
        src = dst * ((size - 1) / (out - 1)) if out > 1 else np.zeros(out)
    else:
        ratio = size / out if scale is None else 1.0 / scale
        src = np.maximum((dst + 0.5) * ratio - 0.5, 0.0)
    low = np.minimum(np.floor(src).astype(np.int64), size - 1)
    high = np.minimum(low + 1, size - 1)
    frac = src - low
    matrix = np.zeros((out, size))
    np.add.at(matrix, (np.arange(out), low), 1 - frac)
    np.add.at(matrix, (np.arange(out), high), frac)
    return matrix


def _nearest_index(size: int, out: int, scale: float | None) -> np.ndarray:
    ratio = size / out if scale is None else 1.0 / scale
    return np.minimum(np.floor(np.arange(out) * ratio).astype(np.int64), size - 1)


def interpolate(input: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None) -> Tensor:
    """Resize the spatial dims of (N, C, L) / (N, C, H, W) by nearest or (bi)linear sampling.

    Give either ``size`` or ``scale_factor``; modes "nearest", "linear" (3-D), "bilinear" (4-D).
    """
    x = as_tensor(input)
    nd = x.ndim - 2
    if nd < 1:
        raise ValueError(f"interpolate: expected (N, C, ...) input, got shape {tuple(x.shape)}")
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    spatial = tuple(x.shape[2:])
    if size is not None:
        sizes = (int(size),) * nd if isinstance(size, (int, np.integer)) else tuple(
            int(s) for s in size)
        scales: tuple = (None,) * nd
    else:
        scales = (float(scale_factor),) * nd if isinstance(scale_factor, (int, float)) else tuple(
            float(s) for s in scale_factor)
        sizes = tuple(int(math.floor(s * f)) for s, f in zip(spatial, scales))
    if len(sizes) != nd or len(scales) != nd:
        raise ValueError(f"interpolate: expected {nd} output sizes for input {tuple(x.shape)}")
    if mode == "nearest":
        if align_corners is not None:
            raise ValueError("interpolate: align_corners only has an effect for linear modes")
        return _nearest(x, spatial, sizes, scales)
    expected = {"linear": 1, "bilinear": 2, "trilinear": 3}.get(mode)
    if expected is None:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported")
    if expected != nd:
        raise ValueError(
            f"interpolate: mode {mode!r} expects a {expected + 2}-D input, got shape "
            f"{tuple(x.shape)}"
        )
    matrices = [
        linear_matrix(s, o, bool(align_corners), f) for s, o, f in zip(spatial, sizes, scales)
    ]
    return along_spatial(x, matrices)


def _nearest(x: Tensor, spatial: tuple, sizes: tuple, scales: tuple) -> Tensor:
    factors = [o // s if o % s == 0 else 0 for s, o in zip(spatial, sizes)]
    exact = all(
        k > 0 and (f is None or f == k) for k, f in zip(factors, scales)
    )
    if exact:  # integer factors: repeat each element with a broadcast (fast, exact)
        n, c = x.shape[:2]
        expanded_shape = (n, c)
        view_shape = (n, c)
        for s, k in zip(spatial, factors):
            view_shape += (s, 1)
            expanded_shape += (s, k)
        return x.reshape(view_shape).expand(expanded_shape).reshape((n, c) + tuple(sizes))
    indices = [_nearest_index(s, o, f) for s, o, f in zip(spatial, sizes, scales)]
    grids = np.ix_(*indices)
    return x[(slice(None), slice(None)) + grids]


def upsample(input: Any, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    """Same as ``interpolate``."""
    return interpolate(input, size, scale_factor, mode, align_corners)
