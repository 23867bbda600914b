"""Version counters of tensor memory, for the in-place checks.

A counter belongs to a memory buffer (the numpy array that owns it), not to a Tensor: every
Tensor viewing that buffer (``detach()``, slices, ``view``/``reshape``, ``.T``) sees the same
count, as PyTorch's views share their version counter. So an in-place change made through any of
them is caught when backward needs a value saved from another. Counts are kept only for buffers
that were changed in place, and dropped when the buffer is freed.

Recording a gate costs one number: ``changes``, the count of all in-place changes so far. Each
buffer remembers when (at which value of ``changes``) its latest changes were made, so
backward can tell whether a value was changed after the gate was recorded, and what its version
was then, without the gate having looked up any version when it was recorded.
"""

from __future__ import annotations

import weakref
from collections import deque
from typing import Any

import numpy as np

_counts: dict[int, int] = {}  # id(owner buffer) -> its version (absent: 0)
# id(owner buffer) -> the values of ``changes`` right after its latest changes, oldest first
_stamps: dict[int, deque] = {}
_HISTORY = 64  # stamps kept per buffer: enough to name the exact version in an error message
# How many in-place changes there have been, to any buffer. A gate records this number; if it
# is unchanged at backward, nothing the gate uses can have been changed in place since (the
# common case in training, where the optimizer's in-place updates come after backward).
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
    """How many in-place changes ``array``'s memory has seen (0 for non-arrays)."""
    if not _counts or array.__class__ is not np.ndarray:
        return 0
    return _counts.get(id(owner(array)), 0)


def set_version(array: np.ndarray, value: int) -> None:
    """Set the version of ``array``'s memory (in-place operations add one)."""
    buffer = owner(array)
    key = id(buffer)
    if key not in _counts:
        try:
            weakref.finalize(buffer, _forget, key)
        except TypeError:  # a buffer that cannot be weakly referenced (bytes): keep the count
            pass
        _stamps[key] = deque(maxlen=_HISTORY)
    _counts[key] = value
    changes[0] += 1
    _stamps[key].append(changes[0])


def _forget(key: int) -> None:
    _counts.pop(key, None)
    _stamps.pop(key, None)


def changed_since(array: Any, stamp: int) -> tuple[int, int, bool] | None:
    """None if ``array``'s memory was not changed in place after ``changes`` was ``stamp``;
    else (its version now, its version then, whether 'then' is exact: False when it had more
    changes since than the history keeps, and the version then is at most the number given)."""
    if array.__class__ is not np.ndarray:
        return None
    key = id(owner(array))
    stamps = _stamps.get(key)
    if not stamps or stamps[-1] <= stamp:
        return None
    later = sum(1 for s in stamps if s > stamp)
    version = _counts[key]
    exact = later < len(stamps) or len(stamps) == version
    return version, version - later, exact
