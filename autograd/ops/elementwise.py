"""Elementwise gates, shared by Scalar and Tensor.

Backward formulas use operators and numpy functions only, so they run on floats, on arrays,
and (under ``create_graph=True``) on graph nodes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..node import Node, raw
from ..numpy_dispatch import register_function, register_ufunc

_value = raw


def route(grad: Any, mask: Any) -> Any:
    """``grad`` where ``mask``, else 0: a selection, not a product, so an inf or nan upstream
    gradient does not leak into the inputs a routing gate (relu, max, clamp) did not pick,
    as in PyTorch."""
    if mask.__class__ is bool:  # a Scalar gate
        if mask:
            return grad
        return 0.0 if grad.__class__ is float else grad * 0.0
    if grad.__class__ is np.ndarray and np.isfinite(grad).all():
        return grad * mask  # 4x faster than np.where, and the same for a finite grad
    return np.where(mask, grad, 0)


class Add(Function):
    """out = a + b.  The add gate distributes: da = g, db = g."""

    symbol = "+"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return a + b

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        return grad, grad


class Sub(Function):
    """out = a - b.  da = g, db = -g."""

    symbol = "-"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return a - b

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        return grad, -grad


class Mul(Function):
    """out = a * b.  The mul gate swaps its inputs: da = g * b, db = g * a."""

    symbol = "*"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return a * b

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.inputs
        needs_a, needs_b = ctx.needs_input_grad  # x * constant: no product for the constant
        return (grad * b if needs_a else None), (grad * a if needs_b else None)


class Div(Function):
    """out = a / b.  da = g / b, db = -g * a / b**2 = -g * out / b."""

    symbol = "/"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return np.true_divide(a, b)  # IEEE: x/0 is inf, also for python floats

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        _, b = ctx.inputs
        da = np.true_divide(grad, b)
        return da, (-da * ctx.output if ctx.needs_input_grad[1] else None)


class Neg(Function):
    """out = -a.  da = -g."""

    symbol = "-x"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return -a

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return -grad


class Pow(Function):
    """out = a ** b.  da = g * b * a**(b-1), db = g * out * ln(a).

    Where a == 0 the 0 * inf cases are defined as 0, as in PyTorch: da where b == 0 too, db
    where b >= 0.
    """

    symbol = "**"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return np.power(a, b)  # IEEE (nan for a negative base to a fractional power)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.inputs
        needs_a, needs_b = ctx.needs_input_grad
        base_is_zero = _value(a) == 0
        any_zero_base = bool(np.any(base_is_zero))
        da = db = None
        if needs_a:
            with np.errstate(divide="ignore", invalid="ignore"):
                local = b * np.power(a, b - 1)
            if any_zero_base:
                local = np.where(base_is_zero & (_value(b) == 0), 0.0, local)
            da = grad * local
        if needs_b:
            with np.errstate(divide="ignore", invalid="ignore"):
                local = ctx.output * np.log(a)
            if any_zero_base:
                local = np.where(base_is_zero & (_value(b) >= 0), 0.0, local)
            db = grad * local
        return da, db


class Exp(Function):
    """out = e**a.  da = g * out."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.exp(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return grad * ctx.output


class Log(Function):
    """out = ln(a).  da = g / a."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.log(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.inputs
        return np.true_divide(grad, a)


class Sqrt(Function):
    """out = sqrt(a).  da = g / (2 * out)."""

    symbol = "sqrt"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return np.sqrt(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        return np.true_divide(grad, 2 * ctx.output)


class Tanh(Function):
    """out = tanh(a).  da = g * (1 - out**2)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return math.tanh(a) if a.__class__ is float else np.tanh(a)  # math: a Scalar, fast

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        out = ctx.output
        return grad - grad * out * out  # = g (1 - out**2), without numpy's slow path for 1


class Sigmoid(Function):
    """out = 1 / (1 + e**-a), computed without overflow.  da = g * out * (1 - out)."""

    symbol = "σ"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        e = np.exp(-np.abs(a))
        return np.where(np.asarray(a) >= 0, 1 / (1 + e), e / (1 + e))

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        out = ctx.output
        return grad * (out * (1 - out))


class Relu(Function):
    """out = max(a, 0).  da = g where a > 0, else 0 (also at a == 0, as in PyTorch)."""

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        if a.__class__ is float:  # a Scalar: python, not numpy (nan stays nan, as in numpy)
            return 0.0 if a <= 0.0 else a
        return np.maximum(a, 0)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.inputs
        return route(grad, _value(a) > 0)


class Abs(Function):
    """out = |a|.  da = g * sign(a) (0 at a == 0, as in PyTorch)."""

    symbol = "|x|"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        return abs(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.inputs
        return grad * np.sign(_value(a))


class Maximum(Function):
    """out = max(a, b).  The max gate routes: g goes to the larger input; ties split it evenly."""

    symbol = "max"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = (_value(x) for x in ctx.inputs)
        return _route_pair(grad, a > b, a < b, a == b)


class Minimum(Function):
    """out = min(a, b).  The min gate routes: g goes to the smaller input; ties split it evenly."""

    symbol = "min"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = (_value(x) for x in ctx.inputs)
        return _route_pair(grad, a < b, a > b, a == b)


def _route_pair(grad: Any, to_a: Any, to_b: Any, tie: Any) -> tuple:
    """The gradients of a two-input max/min gate: g to the picked input, half of it to each
    input where they tie."""
    if not np.any(tie):
        return route(grad, to_a), route(grad, to_b)
    half = route(grad * 0.5, tie)
    return route(grad, to_a) + half, route(grad, to_b) + half


class Where(Function):
    """out = a where cond else b.  da = g where cond (else 0), db = g where not cond."""

    symbol = "where"

    @staticmethod
    def forward(ctx: Any, cond: Any, a: Any, b: Any) -> Any:
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        cond = _value(ctx.inputs[0])
        needs = ctx.needs_input_grad
        da = np.where(cond, grad, 0) if needs[1] else None
        db = np.where(cond, 0, grad) if needs[2] else None
        return None, da, db


def where(cond: Any, a: Any, b: Any) -> Any:
    """Elementwise selection ``a if cond else b`` (differentiable in a and b; a and b are
    promoted to a common dtype)."""
    from .promotion import promote

    if isinstance(a, Node) or isinstance(b, Node):
        a, b = promote(a, b)
    return Where.apply(cond, a, b)


register_function(np.where, where)

for _ufunc, _gate in (
    (np.add, Add),
    (np.subtract, Sub),
    (np.multiply, Mul),
    (np.true_divide, Div),
    (np.negative, Neg),
    (np.power, Pow),
    (np.exp, Exp),
    (np.log, Log),
    (np.sqrt, Sqrt),
    (np.tanh, Tanh),
    (np.absolute, Abs),
    (np.maximum, Maximum),
    (np.minimum, Minimum),
):
    register_ufunc(_ufunc, _gate.apply)
