"""Type promotion of gate operands (PyTorch's rules, see ``dtypes.result_dtype``).

Operands are cast before the gate runs: a Tensor that requires grad goes through the Cast gate,
so its gradient comes back in its own dtype. Python numbers are left alone (numpy treats them as
weak, so they never upcast an array).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dtypes import get_default_dtype, result_dtype
from ..node import Node
from .shape import Cast

_NUMBERS = (float, int)


def promote(*operands: Any, floating: bool = False) -> tuple:
    """``operands`` cast to their common dtype (a floating one when ``floating``)."""
    operands = tuple(_as_operand(op) for op in operands)
    dtype = result_dtype(*operands)
    if floating and dtype.kind not in "fc":
        dtype = get_default_dtype()
    return tuple(_cast(op, dtype) for op in operands)


def promote_pair(a: Any, b: Any) -> tuple:
    """``promote(a, b)`` with a fast path for the common cases of the binary operators."""
    if isinstance(a, Node) and a._is_array:  # the hot path: tensor op tensor, tensor op number
        dtype = a.data.dtype
        if b.__class__ in _NUMBERS:
            if dtype.kind in "fc":
                return a, b
        elif isinstance(b, Node) and b._is_array and b.data.dtype == dtype:
            return a, b
    da, db = _fast_dtype(a), _fast_dtype(b)
    if da is not False and db is not False:
        if da == db or (db is None and da.kind in "fc") or (da is None and db.kind in "fc"):
            return a, b
    return promote(a, b)


def promote_subtraction(a: Any, b: Any) -> tuple:
    """``promote_pair(a, b)`` for ``a - b``; a bool operand is refused, as in PyTorch."""
    if _is_bool(a) or _is_bool(b):
        raise RuntimeError(
            f"sub: subtraction with a bool operand is not supported (got {_describe(a)} - "
            f"{_describe(b)}); use ~ or logical_not() to invert a mask, or cast with .long() first")
    return promote_pair(a, b)


def _is_bool(value: Any) -> bool:
    if value.__class__ is bool:
        return True
    data = value.data if isinstance(value, Node) else value
    return isinstance(data, np.ndarray | np.bool_) and data.dtype == np.bool_


def _describe(value: Any) -> str:
    data = value.data if isinstance(value, Node) else value
    if isinstance(data, np.ndarray):
        return f"tensor of shape {data.shape} and dtype {data.dtype}"
    return repr(data)


def _fast_dtype(value: Any) -> Any:
    """None for a python number (weak), the dtype of a Tensor, False for anything else."""
    if value.__class__ in _NUMBERS:
        return None
    if isinstance(value, Node) and value._is_array:
        return value.data.dtype
    return False


def _as_operand(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        array = np.asarray(value)
        if array.dtype == np.float64:
            array = array.astype(get_default_dtype())
        return array
    return value


def _cast(value: Any, dtype: np.dtype) -> Any:
    if isinstance(value, Node):
        if not value._is_array or value.data.dtype == dtype:
            return value
        return Cast.apply(value, dtype)
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype != dtype:
        return value.astype(dtype)
    return value


def promote_division(a: Any, b: Any) -> tuple:
    """Operands of true division: integer operands give the default float dtype."""
    a, b = promote_pair(a, b)
    dtype = getattr(a, "dtype", None) if isinstance(a, (Node, np.ndarray)) else None
    if dtype is None:
        dtype = getattr(b, "dtype", None)
    if dtype is not None and dtype.kind not in "fc":
        return promote(a, b, floating=True)
    return a, b


def floating(value: Any) -> Any:
    """A Tensor with an integer or bool dtype cast to the default float dtype (PyTorch's rule for
    exp, log, sqrt, sin, ...: ``torch.tensor([4]).sqrt()`` is float32); others unchanged."""
    if isinstance(value, Node) and value._is_array and value.data.dtype.kind in "biu":
        return Cast.apply(value, get_default_dtype())
    return value
