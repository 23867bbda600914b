"""Top-level differentiable functions (``autograd.exp(x)``, ``autograd.matmul(a, b)``, ...).

Each takes Tensors (or Scalars where it makes sense) and calls the gate; the Tensor methods of
the same name do the same.
"""

from __future__ import annotations

from typing import Any

from .ops import elementwise as ew
from .ops.elementwise import where
from .ops.linalg import MatMul
from .ops.promotion import floating
from .scalar import maximum, minimum


def _unary(gate: Any, name: str, doc: str, to_float: bool = True) -> Any:
    def function(x: Any) -> Any:
        return gate.apply(floating(x) if to_float else x)

    function.__name__ = name
    function.__qualname__ = name
    function.__doc__ = doc
    return function


exp = _unary(ew.Exp, "exp", "Elementwise e**x.")
log = _unary(ew.Log, "log", "Elementwise natural logarithm.")
sqrt = _unary(ew.Sqrt, "sqrt", "Elementwise square root.")
tanh = _unary(ew.Tanh, "tanh", "Elementwise hyperbolic tangent.")
sigmoid = _unary(ew.Sigmoid, "sigmoid", "Elementwise logistic function 1 / (1 + e**-x).")
relu = _unary(ew.Relu, "relu", "Elementwise max(x, 0); gradient 0 at x == 0.", False)
abs = _unary(ew.Abs, "abs", "Elementwise |x|; gradient 0 at x == 0.", False)  # noqa: A001


def matmul(a: Any, b: Any) -> Any:
    """Matrix product with numpy's rules (1-D, 2-D, batched with broadcasting)."""
    return MatMul.apply(a, b)


def pow(a: Any, b: Any) -> Any:  # noqa: A001
    """Elementwise a ** b (either may be a tensor)."""
    return ew.Pow.apply(a, b)


def sum(x: Any, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Any:  # noqa: A001
    return x.sum(dim, keepdim, **aliases)


def mean(x: Any, dim: Any = None, keepdim: bool = False, **aliases: Any) -> Any:
    return x.mean(dim, keepdim, **aliases)


def reshape(x: Any, *shape: Any) -> Any:
    return x.reshape(*shape)


def transpose(x: Any, dim0: int, dim1: int) -> Any:
    return x.transpose(dim0, dim1)


__all__ = [
    "abs", "exp", "log", "matmul", "maximum", "mean", "minimum", "pow", "relu", "reshape",
    "sigmoid", "sqrt", "sum", "tanh", "transpose", "where",
]
