"""Anomaly mode: remember where each gate was created; name it when backward makes NaN/Inf.

Off by default and free when off (one flag check per recorded gate).
"""

from __future__ import annotations

import functools
import os
import traceback
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .engine import GradMode
from .node import raw

_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep + name + os.sep
    for name in ("autograd", "nn", "optim")
)
# id(node) -> (weak reference that removes the entry when the node dies, stack). Keyed by id:
# a WeakKeyDictionary would compare tensors with their elementwise __eq__.
_creation_stacks: dict = {}


def record_creation(node: Any) -> None:
    """Remember the user's stack (frames outside gategrad) that created ``node``'s gate."""
    frames = [
        frame for frame in traceback.extract_stack()[:-1]
        if not frame.filename.startswith(_LIBRARY_DIRS)
    ]
    key = id(node)
    reference = weakref.ref(node, lambda _, key=key: _creation_stacks.pop(key, None))
    _creation_stacks[key] = (reference, traceback.StackSummary.from_list(frames[-8:]))


def creation_site(node: Any) -> str:
    """The recorded stack of the user code that created ``node`` ('' if none)."""
    entry = _creation_stacks.get(id(node))
    if entry is None or entry[0]() is not node:
        return ""
    return "".join(entry[1].format())


def check_backward_results(node: Any, fn: Any, results: tuple) -> None:
    """Raise if a gate's backward produced NaN or Inf, naming the gate and where it was made."""
    for index, result in enumerate(results):
        if result is None:
            continue
        values = np.asarray(raw(result), dtype=float)
        problem = "nan" if np.isnan(values).any() else "inf" if np.isinf(values).any() else None
        if problem:
            site = creation_site(node)
            where = f"\nThe gate was created by this code:\n{site}" if site else ""
            raise RuntimeError(
                f"Function '{fn.__name__}Backward' returned {problem} values in its "
                f"{index}th output.{where}"
            )


class detect_anomaly:
    """Context manager / decorator turning anomaly detection on (``check_nan=True``)."""

    def __init__(self, check_nan: bool = True) -> None:
        self.mode = bool(check_nan)

    def __enter__(self) -> None:
        self._previous = GradMode.anomaly
        GradMode.anomaly = self.mode

    def __exit__(self, *exc: object) -> None:
        GradMode.anomaly = self._previous

    def __call__(self, func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self.mode):
                return func(*args, **kwargs)

        return wrapper


def set_detect_anomaly(mode: bool) -> None:
    """Turn anomaly detection on or off globally."""
    GradMode.anomaly = bool(mode)


def is_anomaly_enabled() -> bool:
    return GradMode.anomaly
