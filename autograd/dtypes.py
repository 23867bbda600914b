"""Default dtype: python floats and float factories give float32 unless changed."""

from __future__ import annotations

from typing import Any

import numpy as np


class _Defaults:
    dtype: Any = np.dtype(np.float32)


def get_default_dtype() -> np.dtype:
    """The dtype of tensors made from python floats and of float factories (float32)."""
    return _Defaults.dtype


def set_default_dtype(dtype: Any) -> None:
    """Change the default float dtype (``np.float32`` or ``np.float64``)."""
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"set_default_dtype: only floating-point types are supported, got {dtype}")
    _Defaults.dtype = dtype


def resolve_dtype(dtype: Any) -> np.dtype | None:
    """``dtype`` as a numpy dtype (accepts numpy types, strings and python types)."""
    if dtype is None:
        return None
    if dtype is float:
        return _Defaults.dtype
    return np.dtype(dtype)


def is_floating(dtype: np.dtype) -> bool:
    return dtype.kind in "fc"


def _category(dtype: np.dtype) -> int:
    """PyTorch's promotion categories: bool < integer < floating < complex."""
    return {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}.get(dtype.kind, 2)


def _scalar_dtype(value: Any) -> np.dtype:
    """The dtype a python number stands for (floats: the default dtype, as in PyTorch)."""
    if isinstance(value, bool):
        return np.dtype(bool)
    if isinstance(value, int):
        return np.dtype(np.int64)
    if isinstance(value, complex):
        return np.dtype(np.complex64 if _Defaults.dtype == np.float32 else np.complex128)
    return _Defaults.dtype


def result_dtype(*operands: Any) -> np.dtype:
    """The dtype of an operation on ``operands``, by PyTorch's promotion rules.

    Operands rank as dimensioned tensors > zero-dim tensors > python numbers; a lower-ranked
    operand changes the result only when its category (bool < integer < floating < complex)
    is higher. So float32 with a float64 tensor gives float64, float32 with a python float stays
    float32, and an integer tensor with a python float gives the default float dtype.
    """
    groups: tuple = ([], [], [])
    for operand in operands:
        value = operand if isinstance(operand, np.ndarray) else getattr(operand, "data", operand)
        if isinstance(value, np.ndarray):
            groups[0 if value.ndim else 1].append(value.dtype)
        elif isinstance(value, np.generic):
            groups[1].append(value.dtype)
        else:
            groups[2].append(_scalar_dtype(value))
    best, best_category = None, -1
    for dtypes in groups:
        if not dtypes:
            continue
        category = max(_category(d) for d in dtypes)
        if category > best_category:
            best_category = category
            best = np.result_type(*[d for d in dtypes if _category(d) == category])
    return best if best is not None else _Defaults.dtype
