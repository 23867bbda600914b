"""Tensor factories (PyTorch's names; shapes as varargs or one tuple)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .dtypes import get_default_dtype, resolve_dtype
from .rng import generator
from .tensor import Tensor, _shape_args, as_array


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new leaf tensor holding a copy of ``data``. Python floats give the default dtype
    (float32); numpy arrays keep theirs; python ints give int64."""
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing ``array``'s memory and dtype."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray, got {type(array).__name__}")
    return Tensor._from_raw(array)


def _make(array: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor._from_raw(array, requires_grad=requires_grad)


def _float_dtype(dtype: Any) -> np.dtype:
    resolved = resolve_dtype(dtype)
    return get_default_dtype() if resolved is None else resolved


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.zeros(_shape_args(shape), _float_dtype(dtype)), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.ones(_shape_args(shape), _float_dtype(dtype)), requires_grad)


def empty(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.empty(_shape_args(shape), _float_dtype(dtype)), requires_grad)


def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape = _shape_args((shape,) if isinstance(shape, int) else tuple(shape))
    if dtype is None:
        dtype = np.int64 if isinstance(fill_value, (bool, int, np.integer)) else None
    return _make(np.full(shape, fill_value, _float_dtype(dtype)), requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None,
           requires_grad: bool = False) -> Tensor:
    """Values from start (inclusive) to end (exclusive); int64 for integer arguments."""
    if end is None:
        start, end = 0, start
    integral = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
    if dtype is None and not integral:
        dtype = get_default_dtype()
    return _make(np.arange(start, end, step, dtype=resolve_dtype(dtype)), requires_grad)


def linspace(start: float, end: float, steps: int, dtype: Any = None,
             requires_grad: bool = False) -> Tensor:
    return _make(np.linspace(start, end, steps, dtype=_float_dtype(dtype)), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return _make(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1), from the seeded generator."""
    dtype = _float_dtype(dtype)
    return _make(generator().random(_shape_args(shape)).astype(dtype), requires_grad)


def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal, from the seeded generator."""
    dtype = _float_dtype(dtype)
    return _make(generator().standard_normal(_shape_args(shape)).astype(dtype), requires_grad)


def randint(low: int, high: int | None = None, size: Any = (), dtype: Any = None) -> Tensor:
    """Integers in [low, high) (int64), from the seeded generator: ``randint(10, (3,))`` or
    ``randint(0, 10, (3,))``."""
    if high is None or isinstance(high, (tuple, list)):
        low, high, size = 0, low, size if high is None else high
    dtype = resolve_dtype(dtype) or np.dtype(np.int64)
    return Tensor._from_raw(generator().integers(low, high, size=size).astype(dtype))


def _like(other: Any, dtype: Any) -> tuple:
    data = as_array(other, copy=False)
    return data.shape, (data.dtype if dtype is None else resolve_dtype(dtype))


def zeros_like(other: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dtype = _like(other, dtype)
    return _make(np.zeros(shape, dtype), requires_grad)


def ones_like(other: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dtype = _like(other, dtype)
    return _make(np.ones(shape, dtype), requires_grad)


def full_like(other: Any, fill_value: Any, dtype: Any = None,
              requires_grad: bool = False) -> Tensor:
    shape, dtype = _like(other, dtype)
    return _make(np.full(shape, fill_value, dtype), requires_grad)


def rand_like(other: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dtype = _like(other, dtype)
    return _make(generator().random(shape).astype(dtype), requires_grad)


def randn_like(other: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    shape, dtype = _like(other, dtype)
    return _make(generator().standard_normal(shape).astype(dtype), requires_grad)
