"""Attention: scaled dot-product attention and multi-head attention (PyTorch's semantics).

weights = softmax(q k^T * scale + mask), out = weights v; masks are added to the scores as
0 / -inf (boolean) or as given (float), so masked positions get exactly zero weight and zero
gradient. Built from matmul, add, softmax and dropout gates.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd import Tensor
from autograd.node import raw

from ._common import as_tensor
from .dropout import dropout
from .linear import linear


def additive_mask(mask: Any, allowed_when_true: bool, dtype: Any) -> np.ndarray | None:
    """A boolean or float mask as an array to add to attention scores (None stays None).

    Boolean masks become 0 where attending is allowed and -inf where not; which value of the
    mask means "allowed" differs between PyTorch's APIs, hence ``allowed_when_true``.
    """
    if mask is None:
        return None
    values = np.asarray(raw(mask))
    if values.dtype == bool:
        blocked = values if not allowed_when_true else ~values
        return np.where(blocked, -np.inf, 0.0).astype(dtype)
    if not np.issubdtype(values.dtype, np.floating):
        raise TypeError(f"attention: masks must be bool or float, got dtype {values.dtype}")
    return values.astype(dtype, copy=False)


def _causal(target: int, source: int, dtype: Any) -> np.ndarray:
    return np.where(np.tril(np.ones((target, source), bool)), 0.0, -np.inf).astype(dtype)


def attention_weights(query: Tensor, key: Tensor, mask: Any, scale: float) -> Tensor:
    """softmax(q k^T * scale + mask) over the last dim."""
    scores = (query @ key.transpose(-2, -1)) * scale
    if mask is not None:
        scores = scores + mask
    return autograd.softmax(scores, -1)


def scaled_dot_product_attention(query: Any, key: Any, value: Any, attn_mask: Any = None,
                                 dropout_p: float = 0.0, is_causal: bool = False,
                                 scale: float | None = None) -> Tensor:
    """softmax(q k^T / sqrt(E) + mask) v for (..., L, E) queries, (..., S, E) keys and
    (..., S, Ev) values. A boolean ``attn_mask`` marks with True the positions that *may* be
    attended (PyTorch's convention here); ``is_causal`` allows only s <= l."""
    query, key, value = as_tensor(query), as_tensor(key), as_tensor(value)
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ValueError(
            f"scaled_dot_product_attention: query {tuple(query.shape)}, key {tuple(key.shape)} "
            f"and value {tuple(value.shape)} do not fit (..., L, E), (..., S, E), (..., S, Ev)"
        )
    if is_causal and attn_mask is not None:
        raise ValueError("scaled_dot_product_attention: pass either attn_mask or is_causal")
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    mask = (_causal(query.shape[-2], key.shape[-2], query.dtype) if is_causal
            else additive_mask(attn_mask, True, query.dtype))
    weights = attention_weights(query, key, mask, scale)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return weights @ value


def multi_head_attention(query: Tensor, key: Tensor, value: Tensor, num_heads: int,
                         projections: tuple, out_weight: Tensor, out_bias: Any,
                         key_padding_mask: Any = None, need_weights: bool = True,
                         attn_mask: Any = None, average_attn_weights: bool = True,
                         is_causal: bool = False, dropout_p: float = 0.0,
                         training: bool = True) -> tuple:
    """Multi-head attention on sequence-first inputs: query (L, N, E), key (S, N, Ek),
    value (S, N, Ev). ``projections``: (w_q, w_k, w_v, b_q, b_k, b_v).

    Boolean masks mark with True the positions that may *not* be attended (PyTorch's
    MultiheadAttention convention): ``attn_mask`` (L, S) or (N*heads, L, S),
    ``key_padding_mask`` (N, S). Returns (output (L, N, E), weights or None); weights are
    averaged over heads unless ``average_attn_weights=False``.
    """
    w_q, w_k, w_v, b_q, b_k, b_v = projections
    target, batch, embed = query.shape
    source = key.shape[0]
    head_dim = embed // num_heads
    q = _heads(linear(query, w_q, b_q), num_heads)  # (N, h, L, d)
    k = _heads(linear(key, w_k, b_k), num_heads)
    v = _heads(linear(value, w_v, b_v), num_heads)
    dtype = q.dtype
    mask = additive_mask(attn_mask, False, dtype)
    if mask is None and is_causal:
        mask = _causal(target, source, dtype)
    if mask is not None:
        if mask.ndim == 2:
            if mask.shape != (target, source):
                raise ValueError(f"The shape of the 2D attn_mask is {mask.shape}, but should be "
                                 f"{(target, source)}.")
        elif mask.shape == (batch * num_heads, target, source):
            mask = mask.reshape(batch, num_heads, target, source)
        else:
            raise ValueError(f"The shape of the 3D attn_mask is {mask.shape}, but should be "
                             f"{(batch * num_heads, target, source)}.")
    padding = additive_mask(key_padding_mask, False, dtype)
    if padding is not None:
        if padding.shape != (batch, source):
            raise ValueError(f"expecting key_padding_mask shape of {(batch, source)}, but got "
                             f"{padding.shape}")
        padding = padding.reshape(batch, 1, 1, source)
        mask = padding if mask is None else mask + padding
    weights = attention_weights(q, k, mask, 1.0 / math.sqrt(head_dim))
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training)
    out = (weights @ v).permute(2, 0, 1, 3).reshape(target, batch, embed)
    out = linear(out, out_weight, out_bias)
    if not need_weights:
        return out, None
    return out, (weights.mean(axis=1) if average_attn_weights else weights)


def _heads(x: Tensor, num_heads: int) -> Tensor:
    """(T, N, E) -> (N, heads, T, E / heads)."""
    steps, batch, embed = x.shape
    return x.reshape(steps, batch, num_heads, embed // num_heads).permute(1, 2, 0, 3)
