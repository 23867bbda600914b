"""Convolution gates: im2col feeding one matmul, and its adjoint (col2im) for the way back.

Three gates close under differentiation, so every order of derivative is exact:

* ``Conv``            y  = conv(x, w) + b            (im2col, one matmul per group)
* ``ConvTranspose``   x' = conv_transpose(z, w) + b  (matmul, col2im: the adjoint of conv in x)
* ``ConvWeightGrad``  dw = conv_weight_grad(x, g)    (the adjoint of conv in w)

Backward of ``Conv``: dx = conv_transpose(g, w), dw = conv_weight_grad(x, g), db = sum(g).
Backward of ``ConvTranspose``: dz = conv(g, w), dw = conv_weight_grad(g, z), db = sum(g).
Backward of ``ConvWeightGrad`` (upstream U, shaped like w): dx = conv_transpose(g, U),
dg = conv(x, U). ``ConvTranspose2d`` layers are the same ``ConvTranspose`` gate.

Weight layout as in PyTorch: (out_channels, in_channels / groups, *kernel) for conv, and
(in_channels, out_channels / groups, *kernel) for conv_transpose (the adjoint's view of the
same tensor). Memory layout of im2col columns: (channel, kernel offset, output pixel, batch),
so that each group is one contiguous block feeding one matmul, and the window copy streams
(see _windows: the gates work batch-last and return (N, C, ...) views).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Function, Tensor
from autograd.ops.gemm import fast_matmul, route

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
    windows,
)

# ---- raw-array building blocks (batch-last layout, see _windows) ----------------------------


def im2col(x: np.ndarray, kernel: tuple, geometry: Geometry, groups: int) -> np.ndarray:
    """Columns of ``x`` (N, C, *S) as one array (groups, C/groups * prod(kernel), P * N):
    every window at every output position, laid out for a single matmul per group."""
    n, c = x.shape[:2]
    out = output_shape(x.shape[2:], kernel, geometry)
    xp = pad(batch_last(x), geometry.padding)  # (C, *Sp, N)
    view = windows(xp, kernel, geometry, out)  # (C, *K, *out, N)
    cols = workspace.empty(view.shape, x.dtype)
    np.copyto(cols, view)
    return cols.reshape(groups, (c // groups) * math.prod(kernel), math.prod(out) * n)


def col2im(cols: np.ndarray, spatial: tuple, kernel: tuple, geometry: Geometry,
           out: tuple) -> np.ndarray:
    """Adjoint of ``im2col``: scatter-add columns (C, *K, *out, N) back into (N, C, *spatial).
    One strided add per kernel offset."""
    channels, batch = cols.shape[0], cols.shape[-1]
    target = workspace.zeros((channels,) + padded_shape(spatial, geometry.padding) + (batch,),
                             cols.dtype)
    for offset, region in zip(np.ndindex(*kernel), offset_regions(kernel, geometry, out)):
        target[region] += cols[(slice(None),) + offset]
    return batch_first(crop(target, geometry.padding, spatial))


def _group_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-group matrix product of (G, m, k) and (G, k, n); one 2-D product when G == 1
    (``fast_matmul``'s route when BLAS is slow for its shapes, as for the weight gradient)."""
    if a.shape[0] == 1 and route(a[0], b[0]) != "plain":
        return fast_matmul(a[0], b[0])[None]
    out = workspace.empty((a.shape[0], a.shape[1], b.shape[2]), np.result_type(a, b))
    if a.shape[0] == 1:
        np.matmul(a[0], b[0], out=out[0])
    else:
        np.matmul(a, b, out=out)
    return out


def _by_group(y: np.ndarray, groups: int) -> np.ndarray:
    """(N, C, *spatial) as (groups, C/groups, prod(spatial) * N) (free for batch-last data)."""
    return batch_last(y).reshape(groups, y.shape[1] // groups, -1)


def _spatial_axes(ndim: int) -> tuple:
    return (0,) + tuple(range(2, ndim))


# ---- gates ---------------------------------------------------------------------------------


class Conv(Function):
    """y[n, o] = sum_{c, k} w[o, c, k] * x_pad[n, c, p*stride + k*dilation] + b[o].

    dx = conv_transpose(g, w), dw = conv_weight_grad(x, g), db = g summed over batch and space.
    """

    name = "conv"
    symbol = "conv"

    @staticmethod
    def forward(ctx: Any, x: Any, w: Any, b: Any, geometry: Geometry, groups: int) -> Any:
        kernel = w.shape[2:]
        out = output_shape(x.shape[2:], kernel, geometry)
        cols = im2col(x, kernel, geometry, groups)
        ctx.save_for_backward(cols)
        ctx.spatial = x.shape[2:]
        y = _group_matmul(w.reshape(groups, w.shape[0] // groups, -1), cols)
        y = y.reshape((w.shape[0],) + out + (x.shape[0],))  # batch-last (O, *out, N)
        if b is not None:
            y += b.reshape((-1,) + (1,) * (len(out) + 1))
        return batch_first(y)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        x, w, b, geometry, groups = ctx.inputs
        (cols,) = ctx.saved_tensors
        needs_x, needs_w, needs_b = ctx.needs_input_grad[:3]
        dx = ConvTranspose.apply(grad, w, None, geometry, groups, ctx.spatial) if needs_x else None
        dw = ConvWeightGrad.apply(x, grad, geometry, groups, w.shape[2:], cols) if needs_w else None
        db = grad.sum(axis=_spatial_axes(grad.ndim)) if needs_b else None
        return dx, dw, db, None, None


class ConvTranspose(Function):
    """x' = conv_transpose(z, w) + b: the adjoint of conv in its input, into ``spatial``.

    dz = conv(g, w), dw = conv_weight_grad(g, z), db = g summed over batch and space.
    """

    name = "conv_transpose"
    symbol = "convT"

    @staticmethod
    def forward(ctx: Any, z: Any, w: Any, b: Any, geometry: Geometry, groups: int,
                spatial: tuple) -> Any:
        kernel = w.shape[2:]
        out = z.shape[2:]
        if output_shape(spatial, kernel, geometry) != tuple(out):
            raise ValueError(
                f"conv_transpose: an output of spatial size {tuple(spatial)} does not match an "
                f"input of spatial size {tuple(out)} for kernel {tuple(kernel)} and {geometry}"
            )
        channels = w.shape[1] * groups
        per_group = w.reshape(groups, w.shape[0] // groups, -1)
        cols = _group_matmul(per_group.transpose(0, 2, 1), _by_group(z, groups))
        cols = cols.reshape((channels,) + tuple(kernel) + tuple(out) + (z.shape[0],))
        y = col2im(cols, tuple(spatial), kernel, geometry, out)
        if b is not None:
            y += b.reshape((-1,) + (1,) * len(out))
        return y

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        z, w, b, geometry, groups, _ = ctx.inputs
        needs_z, needs_w, needs_b = ctx.needs_input_grad[:3]
        dz = Conv.apply(grad, w, None, geometry, groups) if needs_z else None
        dw = ConvWeightGrad.apply(grad, z, geometry, groups, w.shape[2:], None) if needs_w else None
        db = grad.sum(axis=_spatial_axes(grad.ndim)) if needs_b else None
        return dz, dw, db, None, None, None


class ConvWeightGrad(Function):
    """dw[o, c, k] = sum_{n, p} g[n, o, p] * x_pad[n, c, p*stride + k*dilation] (adjoint of conv
    in w). ``cols`` optionally passes im2col(x) already computed by the forward pass.

    With upstream U (shaped like w): dx = conv_transpose(g, U), dg = conv(x, U).
    """

    name = "conv_weight_grad"
    symbol = "convW"

    @staticmethod
    def forward(ctx: Any, x: Any, g: Any, geometry: Geometry, groups: int, kernel: tuple,
                cols: Any) -> Any:
        if cols is None:
            cols = im2col(x, kernel, geometry, groups)
        dw = _group_matmul(_by_group(g, groups), cols.transpose(0, 2, 1))
        return dw.reshape((g.shape[1], x.shape[1] // groups) + tuple(kernel))

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        x, g, geometry, groups, _, _ = ctx.inputs
        needs_x, needs_g = ctx.needs_input_grad[:2]
        dx = ConvTranspose.apply(g, grad, None, geometry, groups, x.shape[2:]) if needs_x else None
        dg = Conv.apply(x, grad, None, geometry, groups) if needs_g else None
        return dx, dg, None, None, None, None


# ---- functional API ------------------------------------------------------------------------

def conv_padding(padding: Any, kernel: tuple, dilation: tuple, stride: tuple, op: str) -> tuple:
    """((lo, hi), ...) from an int, a tuple, "valid" or "same" (extra padding goes high)."""
    nd = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{op}: padding='same' is not supported for strided convolutions")
            totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(
            f"{op}: padding must be an int, a tuple, 'valid' or 'same', got {padding!r}"
        )
    values = ntuple(padding, nd, "padding", op)
    if any(p < 0 for p in values):
        raise ValueError(f"{op}: negative padding is not supported, got {padding!r}")
    return tuple((p, p) for p in values)


def _conv(x: Any, weight: Any, bias: Any, stride: Any, padding: Any, dilation: Any, groups: int,
          nd: int, op: str) -> Tensor:
    x, weight, bias = as_tensor(x), as_tensor(weight), as_tensor(bias)
    check_input(x, nd, op)
    if weight.ndim != nd + 2:
        raise ValueError(
            f"{op}: expected a {nd + 2}-D weight (out_channels, in_channels/groups, kernel...), "
            f"got shape {tuple(weight.shape)}"
        )
    out_channels, per_group = weight.shape[:2]
    if groups < 1 or out_channels % groups:
        raise ValueError(
            f"{op}: out_channels {out_channels} (weight shape {tuple(weight.shape)}) must be "
            f"divisible by groups={groups}"
        )
    if x.shape[1] != per_group * groups:
        raise ValueError(
            f"{op}: expected input with {per_group * groups} channels (weight of shape "
            f"{tuple(weight.shape)}, groups={groups}), got {x.shape[1]} channels in an input of "
            f"shape {tuple(x.shape)}"
        )
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(
            f"{op}: expected a bias of shape ({out_channels},), got {tuple(bias.shape)}"
        )
    kernel = tuple(weight.shape[2:])
    stride = ntuple(stride, nd, "stride", op)
    dilation = ntuple(dilation, nd, "dilation", op)
    if any(s < 1 for s in stride) or any(d < 1 for d in dilation):
        raise ValueError(f"{op}: stride and dilation must be positive, got {stride}, {dilation}")
    geometry = Geometry(stride, conv_padding(padding, kernel, dilation, stride, op), dilation)
    out = output_shape(tuple(x.shape[2:]), kernel, geometry)
    if any(n < 1 for n in out):
        raise ValueError(
            f"{op}: input of shape {tuple(x.shape)} (padding {padding}) is smaller than the "
            f"kernel {kernel} with dilation {dilation}: the output size would be {out}"
        )
    return Conv.apply(x, weight, bias, geometry, groups)


def conv1d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """1-D convolution (cross-correlation) of (N, C, L) with weight (O, C/groups, k)."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """2-D convolution (cross-correlation) of (N, C, H, W) with weight (O, C/groups, kh, kw)."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input: Any, weight: Any, bias: Any = None, stride: Any = 1, padding: Any = 0,
           dilation: Any = 1, groups: int = 1) -> Tensor:
    """3-D convolution of (N, C, D, H, W) with weight (O, C/groups, kd, kh, kw)."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def _conv_transpose(x: Any, weight: Any, bias: Any, stride: Any, padding: Any,
                    output_padding: Any, groups: int, dilation: Any, output_size: Any,
                    nd: int, op: str) -> Tensor:
    x, weight, bias = as_tensor(x), as_tensor(weight), as_tensor(bias)
    check_input(x, nd, op)
    if weight.ndim != nd + 2:
        raise ValueError(
            f"{op}: expected a {nd + 2}-D weight (in_channels, out_channels/groups, kernel...), "
            f"got shape {tuple(weight.shape)}"
        )
    if x.shape[1] != weight.shape[0] or weight.shape[0] % groups:
        raise ValueError(
            f"{op}: expected input with {weight.shape[0]} channels (weight of shape "
            f"{tuple(weight.shape)}, groups={groups}), got {x.shape[1]} channels in an input of "
            f"shape {tuple(x.shape)}"
        )
    out_channels = weight.shape[1] * groups
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise ValueError(f"{op}: expected a bias of shape ({out_channels},), got {bias.shape}")
    kernel = tuple(weight.shape[2:])
    stride = ntuple(stride, nd, "stride", op)
    dilation = ntuple(dilation, nd, "dilation", op)
    pads = ntuple(padding, nd, "padding", op)
    extra = ntuple(output_padding, nd, "output_padding", op)
    if any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(
            f"{op}: output_padding {extra} must be smaller than either stride {stride} or "
            f"dilation {dilation}"
        )
    base = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + 1
        for n, s, p, d, k in zip(x.shape[2:], stride, pads, dilation, kernel)
    )
    if output_size is not None:
        wanted = tuple(int(n) for n in tuple(output_size)[-nd:])
        if any(not b <= w < b + s for b, w, s in zip(base, wanted, stride)):
            raise ValueError(
                f"{op}: requested output size {wanted} is not reachable; valid sizes lie in "
                f"[{base}, {tuple(b + s - 1 for b, s in zip(base, stride))}]"
            )
        spatial = wanted
    else:
        spatial = tuple(b + e for b, e in zip(base, extra))
    if any(n < 1 for n in spatial):
        raise ValueError(f"{op}: the output size {spatial} would not be positive")
    geometry = Geometry(stride, tuple((p, p) for p in pads), dilation)
    return ConvTranspose.apply(x, weight, bias, geometry, groups, spatial)


def conv_transpose1d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1, output_size: Any = None) -> Tensor:
    """Transposed 1-D convolution (the gradient of conv1d with respect to its input)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, output_size, 1, "conv_transpose1d")


def conv_transpose2d(input: Any, weight: Any, bias: Any = None, stride: Any = 1,
                     padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                     dilation: Any = 1, output_size: Any = None) -> Tensor:
    """Transposed 2-D convolution (the gradient of conv2d with respect to its input);
    weight (in_channels, out_channels/groups, kh, kw)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, output_size, 2, "conv_transpose2d")
