"""Inverted dropout: in training, zero each element (or whole channel) with probability p and
scale the survivors by 1 / (1 - p), so evaluation needs no rescaling (identity)."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.rng import generator

from ._common import as_tensor


def _keep_mask(shape: tuple, p: float, dtype: Any) -> np.ndarray:
    """1 / (1 - p) with probability 1 - p, else 0 (from the seeded generator)."""
    draw_dtype = dtype if dtype in (np.float32, np.float64) else np.float64
    keep = generator().random(shape, dtype=draw_dtype) >= p
    return keep.astype(dtype) * dtype.type(1.0 / (1.0 - p))


def _check_p(p: float, op: str) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{op}: dropout probability has to be between 0 and 1, but got {p}")


def dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero elements with probability p and scale the rest by 1/(1-p) (identity in eval).
    The gradient is the same mask times g."""
    _check_p(p, "dropout")
    input = as_tensor(input)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * np.zeros((), input.dtype)
    return input * _keep_mask(tuple(input.shape), p, input.dtype)


def dropout2d(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) (or unbatched (C, H, W)) with probability p,
    scaling the kept channels by 1/(1-p)."""
    _check_p(p, "dropout2d")
    input = as_tensor(input)
    if input.ndim not in (3, 4):
        raise ValueError(
            f"dropout2d: expected a 4-D input (N, C, H, W) or 3-D (C, H, W), got shape "
            f"{tuple(input.shape)}"
        )
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * np.zeros((), input.dtype)
    channels = tuple(input.shape[: input.ndim - 2])
    return input * _keep_mask(channels + (1, 1), p, input.dtype)
