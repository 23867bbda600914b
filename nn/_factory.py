"""Shared helpers for layer constructors: empty parameters of the right dtype, device checks."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import get_default_dtype
from autograd.dtypes import resolve_dtype

from .parameter import Parameter


def check_device(device: Any, layer: str) -> None:
    if device is not None and str(device).split(":")[0] != "cpu":
        raise ValueError(f"{layer}: gategrad runs on the CPU only, got device {device!r}")


def empty_parameter(shape: tuple, dtype: Any = None) -> Parameter:
    """An uninitialised Parameter (float32 unless ``dtype``); layers fill it in reset_parameters."""
    resolved = resolve_dtype(dtype) or get_default_dtype()
    return Parameter(np.empty(shape, dtype=resolved))


def float_dtype(dtype: Any) -> np.dtype:
    return resolve_dtype(dtype) or get_default_dtype()
