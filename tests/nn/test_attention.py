"""Attention: scaled dot-product attention and MultiheadAttention against numpy, masks,
gradients."""

import math

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.nn.gradients import check_gradients

rng = np.random.default_rng(0)
T = autograd.Tensor


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def reference_mha(module, q, k, v, additive=None):
    e, h = module.embed_dim, module.num_heads
    w, b = module.in_proj_weight.data, module.in_proj_bias.data
    d = e // h

    def heads(x, i):
        y = x @ w[i * e:(i + 1) * e].T + b[i * e:(i + 1) * e]  # (T, N, E)
        return y.reshape(y.shape[0], y.shape[1], h, d).transpose(1, 2, 0, 3)

    scores = heads(q, 0) @ heads(k, 1).transpose(0, 1, 3, 2) / math.sqrt(d)
    if additive is not None:
        scores = scores + additive
    weights = softmax(scores)
    out = (weights @ heads(v, 2)).transpose(2, 0, 1, 3).reshape(q.shape[0], q.shape[1], e)
    return out @ module.out_proj.weight.data.T + module.out_proj.bias.data, weights.mean(1)


def test_multihead_attention_matches_the_formula():
    mha = nn.MultiheadAttention(8, 2).double()
    with autograd.no_grad():
        mha.in_proj_bias.data[...] = rng.standard_normal(24)
    q, k, v = (rng.standard_normal(s) for s in ((4, 2, 8), (5, 2, 8), (5, 2, 8)))
    out, weights = mha(T(q), T(k), T(v))
    expected, expected_weights = reference_mha(mha, q, k, v)
    np.testing.assert_allclose(out.data, expected, atol=1e-12)
    np.testing.assert_allclose(weights.data, expected_weights, atol=1e-12)


def test_masks_block_positions_exactly():
    mha = nn.MultiheadAttention(4, 1).double()
    q, k, v = (rng.standard_normal(s) for s in ((3, 2, 4), (3, 2, 4), (3, 2, 4)))
    causal = np.triu(np.ones((3, 3), bool), 1)
    padding = np.array([[False, False, True], [False, False, False]])
    out, weights = mha(T(q), T(k), T(v), attn_mask=causal, key_padding_mask=padding)
    assert np.all(weights.data[:, causal] == 0) and np.all(weights.data[0, :, 2] == 0)
    additive = np.where(causal, -np.inf, 0.0)[None, None] + np.where(padding, -np.inf, 0.0)[
        :, None, None]
    expected, _ = reference_mha(mha, q, k, v, additive)
    np.testing.assert_allclose(out.data, expected, atol=1e-12)
    causal_out, _ = mha(T(q), T(k), T(v), is_causal=True)
    masked_out, _ = mha(T(q), T(k), T(v), attn_mask=causal)
    np.testing.assert_allclose(causal_out.data, masked_out.data)


def test_multihead_attention_gradients_and_options():
    mha = nn.MultiheadAttention(4, 2, batch_first=True).double()
    q, k = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 2, 4))
    check_gradients(lambda a, b: mha(a, b, b)[0], q, k, params=tuple(mha.parameters()))
    out, weights = mha(T(q), T(k), T(k), need_weights=False)
    assert out.shape == (2, 3, 4) and weights is None
    _, per_head = mha(T(q), T(k), T(k), average_attn_weights=False)
    assert per_head.shape == (2, 2, 3, 2)
    cross = nn.MultiheadAttention(4, 2, kdim=3, vdim=5)
    assert cross.in_proj_weight is None and cross.k_proj_weight.shape == (4, 3)
    assert cross(autograd.randn(2, 1, 4), autograd.randn(6, 1, 3),
                 autograd.randn(6, 1, 5))[0].shape == (2, 1, 4)
    with pytest.raises(ValueError, match="divisible by num_heads"):
        nn.MultiheadAttention(5, 2)
    with pytest.raises(ValueError, match="expected key"):
        mha(T(q), T(k[..., :3]), T(k))


def test_scaled_dot_product_attention_semantics():
    q, k, v = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4)), rng.standard_normal(
        (2, 5, 6))
    allowed = rng.random((3, 5)) > 0.3
    allowed[:, 0] = True
    out = F.scaled_dot_product_attention(T(q), T(k), T(v), attn_mask=allowed).data
    scores = np.where(allowed, q @ k.transpose(0, 2, 1) / 2.0, -np.inf)
    np.testing.assert_allclose(out, softmax(scores) @ v, atol=1e-12)
    check_gradients(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, scale=0.3), q, k, v)
