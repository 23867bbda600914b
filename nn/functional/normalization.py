"""Normalisation: one ``Standardize`` gate (zero mean, unit variance over some axes) shared by
batch, layer and group norm; the affine scale and shift are ordinary mul/add gates."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Function, Tensor
from autograd.engine import GradMode

from ._common import as_tensor


def inverse_std(x: Any, axes: tuple, eps: float) -> Any:
    """1 / sqrt(var(x) + eps) over ``axes`` (biased variance); on raw arrays or graph nodes."""
    centred = x - x.mean(axis=axes, keepdims=True)
    return 1 / np.sqrt((centred * centred).mean(axis=axes, keepdims=True) + eps)


class Standardize(Function):
    """xhat = (x - mean) / sqrt(var + eps), statistics over ``axes`` (biased variance).

    dx = (g - mean(g) - xhat * mean(g * xhat)) / sqrt(var + eps)   (means over ``axes``).
    ``stats`` passes (mean, var) already computed from x, or None.
    """

    name = "standardize"
    symbol = "norm"

    @staticmethod
    def forward(ctx: Any, x: Any, axes: tuple, eps: float, stats: Any) -> Any:
        mean, var = stats if stats is not None else batch_stats(x, axes)
        inv = (1 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
        xhat = (x - mean) * inv
        ctx.save_for_backward(inv)
        return xhat

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        x, axes, eps, _ = ctx.inputs
        xhat = ctx.output
        if GradMode.create_graph:
            inv = inverse_std(x, axes, eps)
        else:
            (inv,) = ctx.saved_tensors
        mean_g = grad.mean(axis=axes, keepdims=True)
        mean_gx = (grad * xhat).mean(axis=axes, keepdims=True)
        return (grad - mean_g - xhat * mean_gx) * inv, None, None, None


def batch_stats(x: np.ndarray, axes: tuple) -> tuple:
    """(mean, biased variance) over ``axes`` with kept dims, in x's dtype."""
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=axes, keepdims=True)
    return mean.astype(x.dtype, copy=False), var.astype(x.dtype, copy=False)


def _affine(y: Tensor, weight: Any, bias: Any, shape: tuple) -> Tensor:
    if weight is not None:
        y = y * as_tensor(weight).reshape(shape)
    if bias is not None:
        y = y + as_tensor(bias).reshape(shape)
    return y


def batch_norm(input: Any, running_mean: Any, running_var: Any, weight: Any = None,
               bias: Any = None, training: bool = False, momentum: float | None = 0.1,
               eps: float = 1e-5, num_batches_tracked: Any = None) -> Tensor:
    """Normalise each channel (dim 1) of (N, C, ...).

    Training (or no running statistics): batch mean and biased variance; the running mean
    and the running *unbiased* variance are updated in place with ``momentum`` (a cumulative
    average when momentum is None). Evaluation: the running statistics, a fixed affine map.
    """
    x = as_tensor(input)
    if x.ndim < 2:
        raise ValueError(f"batch_norm: expected an input (N, C, ...), got shape {tuple(x.shape)}")
    channels = x.shape[1]
    shape = (1, channels) + (1,) * (x.ndim - 2)
    axes = (0,) + tuple(range(2, x.ndim))
    for name, value in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                        ("running_var", running_var)):
        if value is not None and tuple(value.shape) != (channels,):
            raise ValueError(
                f"batch_norm: expected {name} of shape ({channels},) for an input with "
                f"{channels} channels (shape {tuple(x.shape)}), got {tuple(value.shape)}"
            )
    use_batch = training or running_mean is None or running_var is None
    if use_batch:
        count = x.numel() // channels
        if training and count <= 1:
            raise ValueError(
                "batch_norm: Expected more than 1 value per channel when training, got input "
                f"size {tuple(x.shape)}"
            )
        mean, var = batch_stats(x.data, axes)
        if training and running_mean is not None and running_var is not None:
            if num_batches_tracked is not None:
                num_batches_tracked.data += 1
            factor = momentum
            if factor is None:
                tracked = num_batches_tracked
                factor = 1.0 / float(tracked.data) if tracked is not None else 0.0
            unbiased = var.reshape(-1) * (count / max(count - 1, 1))
            _blend(running_mean, mean.reshape(-1), factor)
            _blend(running_var, unbiased, factor)
        y = Standardize.apply(x, axes, float(eps), (mean, var))
        return _affine(y, weight, bias, shape)
    inv = 1 / np.sqrt(running_var.data.astype(x.dtype) + eps)
    scale: Any = inv.reshape(shape)
    if weight is not None:
        scale = as_tensor(weight).reshape(shape) * scale
    shift = -running_mean.data.astype(x.dtype).reshape(shape) * scale
    if bias is not None:
        shift = shift + as_tensor(bias).reshape(shape)
    return x * scale + shift


def _blend(running: Tensor, value: np.ndarray, factor: float) -> None:
    """running = (1 - factor) * running + factor * value, in place (dtype kept)."""
    data = running.data
    np.copyto(data, (1 - factor) * data + factor * value, casting="unsafe")
    running._version += 1


def layer_norm(input: Any, normalized_shape: Any, weight: Any = None, bias: Any = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over the trailing dims ``normalized_shape`` of each sample; elementwise affine."""
    x = as_tensor(input)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0 or tuple(x.shape[x.ndim - k:]) != shape or x.ndim < k:
        raise ValueError(
            f"layer_norm: Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(n) for n in shape)}], but got input of size {tuple(x.shape)}"
        )
    axes = tuple(range(x.ndim - k, x.ndim))
    y = Standardize.apply(x, axes, float(eps), None)
    return _affine(y, weight, bias, shape)


def group_norm(input: Any, num_groups: int, weight: Any = None, bias: Any = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise each group of channels of each sample (N, C, ...); per-channel affine."""
    x = as_tensor(input)
    if x.ndim < 2:
        raise ValueError(f"group_norm: expected an input (N, C, ...), got shape {tuple(x.shape)}")
    channels = x.shape[1]
    if channels % num_groups:
        raise ValueError(
            f"group_norm: Expected number of channels in input ({channels}) to be divisible by "
            f"num_groups ({num_groups})"
        )
    grouped = x.reshape(x.shape[0], num_groups, -1)
    y = Standardize.apply(grouped, (2,), float(eps), None).reshape(x.shape)
    return _affine(y, weight, bias, (1, channels) + (1,) * (x.ndim - 2))
