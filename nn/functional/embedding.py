"""Embedding lookup: rows of a weight matrix picked by integer indices."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Function, Tensor, where
from autograd.node import raw
from autograd.ops.shape import ScatterAdd

from ._common import as_tensor


class EmbeddingLookup(Function):
    """out = W[idx] (one row per index).  dW = g scatter-added into the rows idx (repeated
    indices accumulate)."""

    name = "embedding"

    @staticmethod
    def forward(ctx: Any, weight: Any, indices: Any) -> Any:
        return weight[indices]

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        weight, indices = ctx.inputs
        return ScatterAdd.apply(grad, tuple(weight.shape), indices), None


def embedding(input: Any, weight: Any, padding_idx: int | None = None, max_norm: Any = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """Look up rows of ``weight`` (num_embeddings, dim) for integer indices of any shape.
    Lookups of row ``padding_idx`` return its values as a constant (it receives no gradient,
    as in PyTorch)."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(
            "embedding: max_norm, scale_grad_by_freq and sparse are not supported"
        )
    weight = as_tensor(weight)
    indices = np.asarray(raw(input))
    if not np.issubdtype(indices.dtype, np.integer):
        raise TypeError(
            f"embedding: expected integer indices, got dtype {indices.dtype} (shape "
            f"{indices.shape})"
        )
    rows = weight.shape[0]
    if indices.size and (indices.min() < 0 or indices.max() >= rows):
        bad = indices[(indices < 0) | (indices >= rows)].flat[0]
        raise IndexError(f"embedding: index {int(bad)} is out of range for {rows} embeddings")
    out = EmbeddingLookup.apply(weight, indices)
    if padding_idx is None:
        return out
    # the padding row's value, as a constant: no gradient flows into that row
    padding_idx = int(padding_idx) % rows
    is_padding = (indices == padding_idx)[..., None]
    return where(is_padding, weight.data[padding_idx], out)


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding with a new last dim of size num_classes (max + 1 when -1)."""
    indices = np.asarray(raw(tensor))
    if not np.issubdtype(indices.dtype, np.integer):
        raise TypeError(f"one_hot: expected integer class values, got dtype {indices.dtype}")
    if indices.size and indices.min() < 0:
        raise ValueError("one_hot: Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(indices.max()) + 1 if indices.size else 0
    if indices.size and indices.max() >= num_classes:
        raise ValueError("one_hot: Class values must be smaller than num_classes.")
    return Tensor._from_raw(np.eye(num_classes, dtype=np.int64)[indices])
