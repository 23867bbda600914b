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
