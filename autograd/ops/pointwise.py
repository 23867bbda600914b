"""Pointwise math gates beyond the arithmetic of elementwise.py, and their functions.

Each gate's backward uses operators, dispatch-registered numpy ufuncs or other gates, so it
runs on raw arrays and, under ``create_graph=True``, on graph nodes (higher-order gradients).
The functions take Tensors (the unary ones also Scalars) and are bound as Tensor methods in
``autograd/api.py``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..node import Node
from ..numpy_dispatch import register_function, register_ufunc
from .elementwise import Sigmoid, _value, route
from .promotion import floating, promote

LN2 = math.log(2.0)
LN10 = math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Square(Function):
    """out = a**2.  da = 2 a g."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return a * a

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.inputs
        return grad * (2 * a)


class Reciprocal(Function):
    """out = 1 / a.  da = -g out**2."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.reciprocal(a) if isinstance(a, np.ndarray) else 1.0 / a

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        out = ctx.output
        return -grad * (out * out)


class Rsqrt(Function):
    """out = a**(-1/2).  da = -g out**3 / 2."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return 1 / np.sqrt(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        out = ctx.output
        return grad * (-0.5 * out * out * out)


def _erf_values(a: Any) -> Any:
    """The error function on floats or arrays (scipy's when installed, else math.erf)."""
    if not isinstance(a, np.ndarray):
        return math.erf(a)
    if _scipy_erf is not None:
        return _scipy_erf(a).astype(a.dtype, copy=False)
    return np.asarray(_math_erf(a)).astype(a.dtype)


try:  # optional speed-up; the fallback is exact to double precision but slower
    from scipy.special import erf as _scipy_erf
except ImportError:  # pragma: no cover - depends on the environment
    _scipy_erf = None
_math_erf = np.frompyfunc(math.erf, 1, 1)


class Erf(Function):
    """out = erf(a).  da = g 2/sqrt(pi) exp(-a**2)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return _erf_values(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.inputs
        return grad * (TWO_OVER_SQRT_PI * np.exp(-(a * a)))


class Softplus(Function):
    """out = log(1 + e**(beta a)) / beta, and a itself where beta a > threshold.

    da = g sigmoid(beta a) (g where beta a > threshold, as in PyTorch).
    """

    @staticmethod
    def forward(ctx: Any, a: Any, beta: float, threshold: float) -> Any:
        scaled = a * beta
        soft = np.logaddexp(0, scaled) / beta
        out = np.where(scaled > threshold, a, soft)
        return out.astype(np.result_type(a), copy=False) if isinstance(a, np.ndarray) else out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, beta, threshold = ctx.inputs
        linear = _value(a) * beta > threshold
        slope = Sigmoid.apply(a * beta)
        if np.any(linear):
            slope = np.where(linear, 1, slope)
        return grad * slope, None, None


class Sin(Function):
    """out = sin(a).  da = g cos(a)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.sin(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.inputs
        return grad * np.cos(a)


class Cos(Function):
    """out = cos(a).  da = -g sin(a)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.cos(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.inputs
        return grad * -np.sin(a)


class Tan(Function):
    """out = tan(a).  da = g (1 + out**2)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.tan(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        out = ctx.output
        return grad * (1 + out * out)


class Log1p(Function):
    """out = ln(1 + a), accurate near 0.  da = g / (1 + a)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.log1p(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.inputs
        return grad / (1 + a)


class Expm1(Function):
    """out = e**a - 1, accurate near 0.  da = g (out + 1)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.expm1(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad * (ctx.output + 1)


class Log2(Function):
    """out = log2(a).  da = g / (a ln 2)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.log2(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.inputs
        return grad / (a * LN2)


class Log10(Function):
    """out = log10(a).  da = g / (a ln 10)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.log10(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.inputs
        return grad / (a * LN10)


class Exp2(Function):
    """out = 2**a.  da = g out ln 2."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.exp2(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad * (ctx.output * LN2)


class LogAddExp(Function):
    """out = ln(e**a + e**b), without overflow.  da = g e**(a - out), db = g e**(b - out)."""

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return np.logaddexp(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.inputs
        out = ctx.output
        needs_a, needs_b = ctx.needs_input_grad
        da = grad * np.exp(a - out) if needs_a else None
        db = grad * np.exp(b - out) if needs_b else None
        return da, db


class StepFunction(Function):
    """Base of piecewise-constant gates (sign, floor, ceil, round, trunc): da = 0 everywhere,
    as in PyTorch (the true derivative is 0 almost everywhere)."""

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        zero = grad * 0
        return (zero,) + (None,) * (len(ctx.inputs) - 1)


class Sign(StepFunction):
    """out = sign(a) (-1, 0 or 1).  da = 0."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.sign(a)


class Floor(StepFunction):
    """out = floor(a).  da = 0."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.floor(a)


class Ceil(StepFunction):
    """out = ceil(a).  da = 0."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.ceil(a)


class Trunc(StepFunction):
    """out = a rounded toward zero.  da = 0."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.trunc(a)


class Round(StepFunction):
    """out = a rounded to ``decimals`` digits, halves to even (as PyTorch and numpy).  da = 0."""

    @staticmethod
    def forward(ctx: Any, a: Any, decimals: int) -> Any:
        return np.round(a, decimals)


class Clamp(Function):
    """out = min(max(a, lo), hi) (hi wins where lo > hi).  Gradients as in PyTorch:

    da = g where lo <= a <= hi;  dlo = g where a < lo < hi;  dhi = g where a > hi or hi < lo.
    ``lo``/``hi`` may be None (no bound), numbers or tensors.
    """

    @staticmethod
    def forward(ctx: Any, a: Any, lo: Any, hi: Any) -> Any:
        out = a
        if lo is not None:
            out = np.maximum(out, lo)
        if hi is not None:
            out = np.minimum(out, hi)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, lo, hi = (_value(x) for x in ctx.inputs)
        needs_a, needs_lo, needs_hi = ctx.needs_input_grad
        da = dlo = dhi = None
        if needs_a:
            inside = np.ones(np.shape(a), dtype=bool)
            if lo is not None:
                inside = inside & (a >= lo)
            if hi is not None:
                inside = inside & (a <= hi)
            da = route(grad, inside)
        if needs_lo:
            below = a < lo if hi is None else (a < lo) & (lo < hi)
            dlo = route(grad, below)
        if needs_hi:
            above = a > hi if lo is None else (a > hi) | (hi < lo)
            dhi = route(grad, above)
        return da, dlo, dhi


# ---- user-facing functions (also Tensor methods) ---------------------------------------------


def _unary(gate: type, name: str) -> Any:
    """The op as a function; integer inputs go to the default float dtype except for the
    ops in ``_KEEP_DTYPE`` (square, sign, floor, ceil, trunc keep integers, as in PyTorch)."""

    def function(input: Any) -> Any:
        if gate is Square and isinstance(input, Node) and input.dtype == np.bool_:
            input = input.long()  # PyTorch: the square of a bool tensor is int64
        return gate.apply(input if gate in _KEEP_DTYPE else floating(input))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Elementwise {name}: " + (gate.__doc__ or "").split("\n")[0]
    return function


_KEEP_DTYPE = (Square, Sign, Floor, Ceil, Trunc)
square = _unary(Square, "square")
reciprocal = _unary(Reciprocal, "reciprocal")
rsqrt = _unary(Rsqrt, "rsqrt")
erf = _unary(Erf, "erf")
sin = _unary(Sin, "sin")
cos = _unary(Cos, "cos")
tan = _unary(Tan, "tan")
log1p = _unary(Log1p, "log1p")
expm1 = _unary(Expm1, "expm1")
log2 = _unary(Log2, "log2")
log10 = _unary(Log10, "log10")
exp2 = _unary(Exp2, "exp2")
sign = _unary(Sign, "sign")
floor = _unary(Floor, "floor")
ceil = _unary(Ceil, "ceil")
trunc = _unary(Trunc, "trunc")


def round(input: Any, decimals: int = 0) -> Any:  # noqa: A001
    """Round halves to even (``decimals`` digits after the point); zero gradient."""
    return Round.apply(input, int(decimals))


def softplus(input: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    """log(1 + e**(beta x)) / beta, linear where beta x > threshold (PyTorch's softplus)."""
    return Softplus.apply(input, beta, threshold)


def logaddexp(input: Any, other: Any) -> Any:
    """ln(e**input + e**other), computed without overflow."""
    return LogAddExp.apply(*promote(input, other))


def clamp(input: Any, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    """Limit values to [min, max]; either bound may be None, a number or a tensor.

    Where min > max the result is max (as in PyTorch and numpy).
    """
    if min is None and max is None:
        raise ValueError("clamp: at least one of 'min' or 'max' must not be None")
    operands = [input] + [bound for bound in (min, max) if bound is not None]
    if any(isinstance(x, (Node, np.ndarray)) for x in operands[1:]) or not _is_floating(input):
        promoted = iter(promote(*operands))
        input = next(promoted)
        min = None if min is None else next(promoted)
        max = None if max is None else next(promoted)
    return Clamp.apply(input, min, max)


def _is_floating(x: Any) -> bool:
    dtype = getattr(_value(x), "dtype", None)
    return dtype is None or dtype.kind in "fc"


def clip(input: Any, min: Any = None, max: Any = None, *,  # noqa: A002
         a_min: Any = None, a_max: Any = None) -> Any:
    """numpy's name for ``clamp`` (also accepts numpy's a_min/a_max)."""
    return clamp(input, a_min if min is None else min, a_max if max is None else max)


for _ufunc, _gate in (
    (np.sin, Sin), (np.cos, Cos), (np.tan, Tan), (np.log1p, Log1p), (np.expm1, Expm1),
    (np.log2, Log2), (np.log10, Log10), (np.exp2, Exp2), (np.square, Square),
    (np.reciprocal, Reciprocal), (np.logaddexp, LogAddExp), (np.floor, Floor),
    (np.ceil, Ceil), (np.trunc, Trunc),
):
    register_ufunc(_ufunc, _gate.apply)
register_function(np.round, round)
register_function(np.around, round)
register_function(np.clip, lambda a, a_min=None, a_max=None: clamp(a, a_min, a_max))
