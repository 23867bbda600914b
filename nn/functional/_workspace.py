"""Reusable large arrays for the window gates (im2col columns, scatter targets, outputs).

A training step allocates the same large arrays again and again. Fresh large allocations are
served by the operating system page by page (a page fault per 4 KiB on first touch), which
costs more than the convolution arithmetic itself. This pool hands back an array from an
earlier step instead, but only one that nothing else references any more: the pool checks
the reference count, so an array held by a tensor, a saved context or any view is never
reused. Small arrays are left to numpy.
"""

from __future__ import annotations

import math
import sys
import threading
from collections import OrderedDict
from typing import Any

import numpy as np

MIN_BYTES = 1 << 18  # smaller arrays come from numpy's own allocator
MAX_PER_SHAPE = 4
MAX_SHAPES = 32

_lock = threading.Lock()
_pool: OrderedDict = OrderedDict()  # (shape, dtype) -> list of arrays, least recent first
# references to a pooled array while it is free: the pool's list, the loop variable and
# getrefcount's own argument
_FREE_REFERENCES = 3


def empty(shape: tuple, dtype: Any) -> np.ndarray:
    """An uninitialised C-contiguous array, reused from the pool when one is free."""
    dtype = np.dtype(dtype)
    shape = tuple(int(n) for n in shape)
    if math.prod(shape) * dtype.itemsize < MIN_BYTES:
        return np.empty(shape, dtype)
    key = (shape, dtype.str)
    with _lock:
        arrays = _pool.get(key)
        if arrays is None:
            arrays = _pool[key] = []
            if len(_pool) > MAX_SHAPES:
                _pool.popitem(last=False)
        else:
            _pool.move_to_end(key)
        for array in arrays:
            if sys.getrefcount(array) == _FREE_REFERENCES:
                return array
        array = np.empty(shape, dtype)
        if len(arrays) < MAX_PER_SHAPE:
            arrays.append(array)
        return array


def zeros(shape: tuple, dtype: Any) -> np.ndarray:
    array = empty(shape, dtype)
    array.fill(0)
    return array


def clear() -> None:
    """Forget every pooled array (arrays still in use stay valid)."""
    with _lock:
        _pool.clear()
