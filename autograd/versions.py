"""Version counters of tensor memory, for the in-place checks.

A counter belongs to a memory buffer (the numpy array that owns it), not to a Tensor: every
Tensor viewing that buffer (``detach()``, slices, ``view``/``reshape``, ``.T``) sees the same
count, as PyTorch's views share their version counter. So an in-place change made through any of
them is caught when backward needs a value saved from another. Counts are kept only for buffers
that were changed in place, and dropped when the buffer is freed.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

_counts: dict[int, int] = {}  # id(owner buffer) -> its version (absent: 0)
# How many in-place changes there have been, to any buffer. A gate that records this number
# and finds it unchanged at backward knows that nothing it uses was changed in place since,
# without looking at each input: the common case in training, where the optimizer's in-place
# updates come after backward.
changes = [0]


def owner(array: np.ndarray) -> Any:
    """The object that owns ``array``'s memory (``array`` itself when it owns it)."""
    base = array.base
    while base is not None:
        if base.__class__ is not np.ndarray:
            return base
        array = base
        base = array.base
    return array


def version_of(array: Any) -> int:
    """How many in-place changes ``array``'s memory has seen (0 for non-arrays).

    On the hot path of every recorded Tensor gate, hence the early exits."""
    if not _counts or array.__class__ is not np.ndarray:
        return 0
    if array.base is None:
        return _counts.get(id(array), 0)
    return _counts.get(id(owner(array)), 0)


def set_version(array: np.ndarray, value: int) -> None:
    """Set the version of ``array``'s memory (in-place operations add one)."""
    buffer = owner(array)
    key = id(buffer)
    if key not in _counts:
        try:
            weakref.finalize(buffer, _counts.pop, key, None)
        except TypeError:  # a buffer that cannot be weakly referenced (bytes): keep the count
            pass
    _counts[key] = value
    changes[0] += 1
