"""Activation functions. Each is one gate (or a short composition of gates) whose backward is
written in numpy vocabulary, so second derivatives come from the same formulas. Softmax,
log-softmax and softplus are the op library's gates (autograd.softmax, ...)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd import Function, Tensor, maximum, where
from autograd.node import raw
from autograd.ops.elementwise import Relu, Sigmoid, Tanh
from autograd.ops.pointwise import Erf

from ._common import as_tensor

_raw = raw


class LeakyRelu(Function):
    """out = x if x > 0 else slope * x.  dx = g * (1 if x > 0 else slope)."""

    name = "leaky_relu"

    @staticmethod
    def forward(ctx: Any, x: Any, slope: float) -> Any:
        return np.maximum(x, 0) + slope * np.minimum(x, 0)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        x, slope = ctx.inputs
        positive = _raw(x) > 0
        return grad * (slope + (1 - slope) * positive).astype(_raw(x).dtype), None


class Elu(Function):
    """out = x if x > 0 else alpha * (e**x - 1).  dx = g * (1 if x > 0 else out + alpha)."""

    name = "elu"

    @staticmethod
    def forward(ctx: Any, x: Any, alpha: float) -> Any:
        return np.maximum(x, 0) + alpha * np.expm1(np.minimum(x, 0))

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        x, alpha = ctx.inputs
        positive = _raw(x) > 0
        return grad * (positive + ~positive * (ctx.output + alpha)), None


_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715


class GeluTanh(Function):
    """out = x/2 (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x**3).
    dx = g (1/2 (1 + t) + x/2 (1 - t**2) sqrt(2/pi) (1 + 3 * 0.044715 x**2)), t = tanh(u)."""

    name = "gelu"

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x * x * x)))

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.inputs
        x2 = x * x
        t = np.tanh(_SQRT_2_OVER_PI * (x + _GELU_CUBIC * x2 * x))
        slope = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * (
            _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * x2)
        )
        return grad * slope


class GeluErf(Function):
    """out = x Phi(x) = x/2 (1 + erf(x / sqrt(2))).  dx = g (Phi(x) + x phi(x)),
    phi(x) = e**(-x**2/2) / sqrt(2 pi)."""

    name = "gelu"

    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        return 0.5 * x * (1 + Erf.apply(x * _INV_SQRT_2))

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.inputs
        cdf = 0.5 * (1 + Erf.apply(x * _INV_SQRT_2))
        return grad * (cdf + x * (_INV_SQRT_2PI * np.exp(-0.5 * (x * x))))


_INV_SQRT_2 = 1 / math.sqrt(2.0)
_INV_SQRT_2PI = 1 / math.sqrt(2.0 * math.pi)


# ---- functional API ------------------------------------------------------------------------


def relu(input: Any, inplace: bool = False) -> Tensor:
    """max(x, 0); gradient 0 at x == 0."""
    return Relu.apply(as_tensor(input))


def leaky_relu(input: Any, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x for x > 0, negative_slope * x otherwise."""
    return LeakyRelu.apply(as_tensor(input), float(negative_slope))


def prelu(input: Any, weight: Any) -> Tensor:
    """Leaky ReLU with a learned slope: one per channel (dim 1) or a single shared one."""
    input, weight = as_tensor(input), as_tensor(weight)
    if weight.ndim != 1:
        raise ValueError(f"prelu: expected a 1-D weight, got shape {tuple(weight.shape)}")
    n = weight.shape[0]
    if n != 1:
        if input.ndim < 2 or input.shape[1] != n:
            raise ValueError(
                f"prelu: weight has {n} slopes, which must match the channel dim 1 of the input "
                f"of shape {tuple(input.shape)}"
            )
        weight = weight.reshape((n,) + (1,) * (input.ndim - 2))
    return where(input.data > 0, input, input * weight)


def elu(input: Any, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x for x > 0, alpha (e**x - 1) otherwise."""
    return Elu.apply(as_tensor(input), float(alpha))


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Any, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants."""
    return Elu.apply(as_tensor(input), SELU_ALPHA) * SELU_SCALE


def gelu(input: Any, approximate: str = "none") -> Tensor:
    """x * Phi(x) (exact, with erf) or the tanh approximation (``approximate="tanh"``)."""
    input = as_tensor(input)
    if approximate == "tanh":
        return GeluTanh.apply(input)
    if approximate != "none":
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return GeluErf.apply(input)


def silu(input: Any, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (also called swish)."""
    input = as_tensor(input)
    return input * Sigmoid.apply(input)


swish = silu


def sigmoid(input: Any) -> Tensor:
    return Sigmoid.apply(as_tensor(input))


def tanh(input: Any) -> Tensor:
    return Tanh.apply(as_tensor(input))


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e**(beta x)) / beta, computed without overflow; linear above the threshold."""
    return autograd.softplus(as_tensor(input), float(beta), float(threshold))


def _softmax_dim(ndim: int, dim: Any, op: str) -> int:
    if dim is None:  # PyTorch's legacy choice for an implicit dim
        dim = 0 if ndim in (0, 1, 3) else 1
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise IndexError(
            f"{op}: Dimension out of range (expected to be in range of [{-max(ndim, 1)}, "
            f"{max(ndim, 1) - 1}], but got {dim})"
        )
    return dim % max(ndim, 1)


def softmax(input: Any, dim: Any = None, dtype: Any = None) -> Tensor:
    """e**x / sum(e**x) along ``dim``; never overflows."""
    input = as_tensor(input)
    if dtype is not None:
        input = input.to(dtype)
    return autograd.softmax(input, _softmax_dim(input.ndim, dim, "softmax"))


def log_softmax(input: Any, dim: Any = None, dtype: Any = None) -> Tensor:
    """x - logsumexp(x) along ``dim``; stable for large inputs."""
    input = as_tensor(input)
    if dtype is not None:
        input = input.to(dtype)
    return autograd.log_softmax(input, _softmax_dim(input.ndim, dim, "log_softmax"))


def maxout(input: Any, pieces: int, dim: int = -1) -> Tensor:
    """Max over groups of ``pieces`` consecutive features along ``dim``
    (size out * pieces -> out): the max gate routes the gradient to the winning piece."""
    input = as_tensor(input)
    dim = dim % input.ndim
    size = input.shape[dim]
    if pieces < 1 or size % pieces:
        raise ValueError(
            f"maxout: dim {dim} of size {size} (input shape {tuple(input.shape)}) is not "
            f"divisible into pieces={pieces}"
        )
    grouped = input.reshape(input.shape[:dim] + (size // pieces, pieces) + input.shape[dim + 1:])
    index = (slice(None),) * (dim + 1)
    out = grouped[index + (0,)]
    for k in range(1, pieces):
        out = maximum(out, grouped[index + (k,)])
    return out
