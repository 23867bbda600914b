"""Pooling gates (1-D and 2-D, any kernel/stride/padding/dilation), built on kernel offsets.

Max pooling remembers, for each output, which kernel offset held the maximum (the first one on
ties, as PyTorch), and two gates move values along those routes:

* ``PoolGather``  out = x_pad at the routed offset of each window (max pooling's value)
* ``PoolScatter`` dx  = g placed back at the routed positions (max pooling's gradient)

Each is the other's backward ("the max gate routes"). Average pooling is the same pair with
fixed equal weights: ``AvgPool`` sums each window and divides, ``AvgPoolAdjoint`` spreads
g / divisor back over each window. Adaptive average pooling and global pooling are matmuls
with fixed averaging matrices, or means.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Function, Tensor

from . import _workspace as workspace
from ._common import as_tensor
from ._windows import (
    Geometry,
    batch_first,
    batch_last,
    check_input,
    crop,
    ntuple,
    offset_regions,
    output_shape,
    pad,
    padded_shape,
)
from .sampling import along_spatial

# ---- gates (batch-last inside, see _windows) ------------------------------------------------


def max_routes(x: np.ndarray, kernel: tuple, geometry: Geometry) -> tuple:
    """(max of each window, index of the kernel offset holding it; the first one on ties).
    Branch-free: comparisons and arithmetic only (masked stores are slow on random masks)."""
    out = output_shape(x.shape[2:], kernel, geometry)
    xp = pad(batch_last(x), geometry.padding, -np.inf)
    regions = offset_regions(kernel, geometry, out)
    first = xp[regions[0]]
    best = workspace.empty(first.shape, x.dtype)
    np.copyto(best, first)
    route_type = np.int8 if len(regions) <= 127 else np.int32
    route = workspace.zeros(best.shape, route_type)
    for index, region in enumerate(regions[1:], start=1):
        candidate = xp[region]
        better = candidate > best
        np.maximum(best, candidate, out=best)
        route += better * (route_type(index) - route)
    return batch_first(best), batch_first(route)


def _overlapping(kernel: tuple, geometry: Geometry) -> bool:
    return any(st < d * (k - 1) + 1 for k, st, d in zip(kernel, geometry.stride,
                                                         geometry.dilation))


class MaxPool(Function):
    """out = max over each window of x (padding counts as -inf).  dx = g routed to the argmax
    (the first maximum of a window, as PyTorch)."""

    name = "max_pool"
    symbol = "maxpool"

    @staticmethod
    def forward(ctx: Any, x: Any, kernel: tuple, geometry: Geometry) -> Any:
        best, route = max_routes(x, kernel, geometry)
        ctx.save_for_backward(route)
        ctx.shape = x.shape
        return best

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, kernel, geometry = ctx.inputs
        (route,) = ctx.saved_tensors
        return PoolScatter.apply(grad, route, kernel, geometry, ctx.shape), None, None


class PoolScatter(Function):
    """dx = zeros(shape); dx at the routed offset of each window += g.  dg = gather(U, route)."""

    name = "pool_scatter"
    symbol = "scatter"

    @staticmethod
    def forward(ctx: Any, g: Any, route: Any, kernel: tuple, geometry: Geometry,
                shape: tuple) -> Any:
        spatial = tuple(shape[2:])
        gt, rt = batch_last(g), batch_last(route)
        target = workspace.zeros(
            (shape[1],) + padded_shape(spatial, geometry.padding) + (shape[0],), g.dtype)
        finite = bool(np.isfinite(gt).all())
        overlapping = _overlapping(kernel, geometry)
        for index, region in enumerate(offset_regions(kernel, geometry, g.shape[2:])):
            chosen = rt == index
            # g * chosen is branch-free (fast); np.where keeps inf/nan out of other positions
            share = gt * chosen if finite else np.where(chosen, gt, 0)
            if overlapping:
                target[region] += share
            else:
                target[region] = share
        return batch_first(crop(target, geometry.padding, spatial))

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, route, kernel, geometry, _ = ctx.inputs
        return PoolGather.apply(grad, route, kernel, geometry), None, None, None, None


class PoolGather(Function):
    """out = x_pad at the routed offset of each window.  dx = scatter(g, route)."""

    name = "pool_gather"
    symbol = "gather"

    @staticmethod
    def forward(ctx: Any, x: Any, route: Any, kernel: tuple, geometry: Geometry) -> Any:
        ctx.shape = x.shape
        xp = pad(batch_last(x), geometry.padding)
        rt = batch_last(route)
        out = np.zeros(rt.shape, x.dtype)
        for index, region in enumerate(offset_regions(kernel, geometry, route.shape[2:])):
            out = np.where(rt == index, xp[region], out)
        return batch_first(out)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, route, kernel, geometry = ctx.inputs
        return PoolScatter.apply(grad, route, kernel, geometry, ctx.shape), None, None, None


def _divisor_last(divisor: Any) -> Any:
    """A per-output-position divisor (*out) shaped for batch-last arrays (*out, 1)."""
    return divisor if np.ndim(divisor) == 0 else divisor[..., None]


class AvgPool(Function):
    """out = (sum of each window of x_pad) / divisor.  dx = spread(g / divisor) over windows."""

    name = "avg_pool"
    symbol = "avgpool"

    @staticmethod
    def forward(ctx: Any, x: Any, kernel: tuple, geometry: Geometry, divisor: Any) -> Any:
        ctx.shape = x.shape
        out = output_shape(x.shape[2:], kernel, geometry)
        xp = pad(batch_last(x), geometry.padding)
        regions = offset_regions(kernel, geometry, out)
        total = workspace.empty(xp[regions[0]].shape, np.result_type(x.dtype, np.float32))
        np.copyto(total, xp[regions[0]])
        for region in regions[1:]:
            total += xp[region]
        total /= _divisor_last(divisor)
        return batch_first(total)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, kernel, geometry, divisor = ctx.inputs
        return AvgPoolAdjoint.apply(grad, kernel, geometry, divisor, ctx.shape), None, None, None


class AvgPoolAdjoint(Function):
    """dx = sum over windows containing each input of g / divisor.  dg = avg_pool(U)."""

    name = "avg_pool_adjoint"
    symbol = "avgpoolT"

    @staticmethod
    def forward(ctx: Any, g: Any, kernel: tuple, geometry: Geometry, divisor: Any,
                shape: tuple) -> Any:
        spatial = tuple(shape[2:])
        share = batch_last(g) / _divisor_last(divisor)
        target = workspace.zeros(
            (shape[1],) + padded_shape(spatial, geometry.padding) + (shape[0],), share.dtype)
        for region in offset_regions(kernel, geometry, g.shape[2:]):
            target[region] += share
        return batch_first(crop(target, geometry.padding, spatial))

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, kernel, geometry, divisor, _ = ctx.inputs
        return AvgPool.apply(grad, kernel, geometry, divisor), None, None, None, None


# ---- geometry helpers ----------------------------------------------------------------------


def _pool_geometry(x: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
                   ceil_mode: bool, nd: int, op: str) -> tuple:
    """(kernel, geometry, out) with PyTorch's rules; ceil_mode adds high padding so that a last,
    partial window is kept when it starts inside the input or the low padding."""
    check_input(x, nd, op)
    kernel = ntuple(kernel_size, nd, "kernel_size", op)
    stride = kernel if stride is None or stride == () or stride == [] else ntuple(
        stride, nd, "stride", op)
    pads = ntuple(padding, nd, "padding", op)
    dilation = ntuple(dilation, nd, "dilation", op)
    if any(k < 1 for k in kernel) or any(s < 1 for s in stride) or any(d < 1 for d in dilation):
        raise ValueError(f"{op}: kernel_size, stride and dilation must be positive")
    if any(p > k // 2 for p, k in zip(pads, kernel)):
        raise ValueError(
            f"{op}: pad should be at most half of effective kernel size, but got pad={pads}, "
            f"kernel_size={kernel}"
        )
    spatial = tuple(x.shape[2:])
    padding = []
    out = []
    for s, k, p, d, st in zip(spatial, kernel, pads, dilation, stride):
        span = d * (k - 1) + 1
        numerator = s + 2 * p - span
        n = (-(-numerator // st) if ceil_mode else numerator // st) + 1
        if ceil_mode and (n - 1) * st >= s + p:
            n -= 1
        if n < 1:
            raise ValueError(
                f"{op}: input of shape {tuple(x.shape)} is too small for kernel {kernel} "
                f"(padding {pads}, dilation {dilation}): output size would be {n}"
            )
        padding.append((p, max(p, (n - 1) * st + span - s - p)))
        out.append(n)
    return kernel, Geometry(stride, tuple(padding), dilation), tuple(out)


def _window_counts(spatial: tuple, kernel: tuple, geometry: Geometry, pads: tuple,
                   count_include_pad: bool) -> np.ndarray:
    """How many elements each window averages: input positions, plus the symmetric padding if
    ``count_include_pad`` (never the extra ceil_mode padding), as PyTorch."""
    symmetric = [(p, p) for p in pads]
    inside = np.ones((1,) + spatial + (1,))
    if count_include_pad:
        inside = np.pad(inside, [(0, 0)] + symmetric + [(0, 0)], constant_values=1.0)
        extra = tuple((lo - p, hi - p) for (lo, hi), p in zip(geometry.padding, pads))
    else:
        extra = geometry.padding
    inside = pad(inside, extra)
    out = output_shape(spatial, kernel, geometry)
    counts = np.zeros((1,) + out + (1,))
    for region in offset_regions(kernel, geometry, out):
        counts += inside[region]
    return counts[0, ..., 0]


# ---- functional API ------------------------------------------------------------------------


def _max_pool(x: Any, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
              ceil_mode: bool, return_indices: bool, nd: int, op: str) -> Any:
    x = as_tensor(x)
    kernel, geometry, _ = _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode,
                                         nd, op)
    if not return_indices:
        return MaxPool.apply(x, kernel, geometry)
    _, route = max_routes(x.data, kernel, geometry)
    out = PoolGather.apply(x, route, kernel, geometry)
    return out, _flat_indices(route, tuple(x.shape[2:]), kernel, geometry)


def _flat_indices(route: np.ndarray, spatial: tuple, kernel: tuple,
                  geometry: Geometry) -> Tensor:
    """PyTorch's ``return_indices``: the flat position, within each channel's plane, of every
    window's maximum."""
    grids = np.meshgrid(*(np.arange(n) for n in route.shape[2:]), indexing="ij")
    flat = np.zeros(route.shape, np.int64)
    for index, offset in enumerate(np.ndindex(*kernel)):
        coords = [
            grid * st + o * d - lo
            for grid, st, o, d, (lo, _) in zip(
                grids, geometry.stride, offset, geometry.dilation, geometry.padding
            )
        ]
        flat = np.where(route == index, np.ravel_multi_index(coords, spatial, mode="clip"), flat)
    return Tensor._from_raw(flat)


def max_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over sliding windows of (N, C, L)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     1, "max_pool1d")


def max_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               dilation: Any = 1, ceil_mode: bool = False, return_indices: bool = False) -> Any:
    """Max over sliding windows of (N, C, H, W); stride defaults to kernel_size."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     2, "max_pool2d")


def _avg_pool(x: Any, kernel_size: Any, stride: Any, padding: Any, ceil_mode: bool,
              count_include_pad: bool, divisor_override: Any, nd: int, op: str) -> Tensor:
    x = as_tensor(x)
    kernel, geometry, _ = _pool_geometry(x, kernel_size, stride, padding, 1, ceil_mode, nd, op)
    pads = ntuple(padding, nd, "padding", op)
    if divisor_override:
        divisor: Any = float(divisor_override)
    elif not ceil_mode and (count_include_pad or not any(pads)):
        divisor = float(math.prod(kernel))
    else:
        counts = _window_counts(tuple(x.shape[2:]), kernel, geometry, pads, count_include_pad)
        divisor = counts.astype(x.dtype)
    return AvgPool.apply(x, kernel, geometry, divisor)


def avg_pool1d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """Mean over sliding windows of (N, C, L)."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None,
                     1, "avg_pool1d")


def avg_pool2d(input: Any, kernel_size: Any, stride: Any = None, padding: Any = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: Any = None) -> Tensor:
    """Mean over sliding windows of (N, C, H, W); stride defaults to kernel_size."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 2, "avg_pool2d")


def adaptive_pool_matrix(size: int, out: int) -> np.ndarray:
    """(out, size) averaging matrix of PyTorch's adaptive bins
    [floor(i * size / out), ceil((i + 1) * size / out))."""
    matrix = np.zeros((out, size))
    for i in range(out):
        start = (i * size) // out
        end = -(-((i + 1) * size) // out)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


def _adaptive_avg_pool(x: Any, output_size: Any, nd: int, op: str) -> Tensor:
    x = as_tensor(x)
    check_input(x, nd, op)
    spatial = tuple(x.shape[2:])
    sizes = (output_size,) * nd if isinstance(output_size, (int, type(None))) else tuple(
        output_size)
    if len(sizes) != nd:
        raise ValueError(f"{op}: output_size must have {nd} entries, got {output_size!r}")
    sizes = tuple(s if o is None else int(o) for s, o in zip(spatial, sizes))
    if any(o < 1 for o in sizes):
        raise ValueError(f"{op}: output_size must be positive, got {sizes}")
    if all(o == 1 for o in sizes):
        return x.mean(axis=tuple(range(2, 2 + nd)), keepdims=True)
    if all(s % o == 0 for s, o in zip(spatial, sizes)):
        kernel = tuple(s // o for s, o in zip(spatial, sizes))
        geometry = Geometry(kernel, ((0, 0),) * nd, (1,) * nd)
        return AvgPool.apply(x, kernel, geometry, float(math.prod(kernel)))
    matrices = [adaptive_pool_matrix(s, o) for s, o in zip(spatial, sizes)]
    return along_spatial(x, matrices)


def adaptive_avg_pool1d(input: Any, output_size: Any) -> Tensor:
    """Average (N, C, L) into ``output_size`` bins (PyTorch's bin edges)."""
    return _adaptive_avg_pool(input, output_size, 1, "adaptive_avg_pool1d")


def adaptive_avg_pool2d(input: Any, output_size: Any) -> Tensor:
    """Average (N, C, H, W) into an ``output_size`` grid (PyTorch's bin edges)."""
    return _adaptive_avg_pool(input, output_size, 2, "adaptive_avg_pool2d")


def global_avg_pool2d(input: Any, keepdim: bool = False) -> Tensor:
    """Mean over H and W of (N, C, H, W): (N, C), or (N, C, 1, 1) with ``keepdim``."""
    input = as_tensor(input)
    check_input(input, 2, "global_avg_pool2d")
    return input.mean(axis=(2, 3), keepdims=keepdim)
