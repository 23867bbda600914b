"""Embedding: row lookup, accumulated gradients, padding_idx, pretrained tables."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.nn.gradients import check_second_order

T = autograd.Tensor


def test_lookup_and_gradient_accumulation_over_repeated_indices():
    emb = nn.Embedding(5, 3)
    idx = T(np.array([[0, 2], [2, 4]]))
    out = emb(idx)
    np.testing.assert_array_equal(out.data, emb.weight.data[[[0, 2], [2, 4]]])
    out.sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.data[:, 0], [1, 0, 2, 0, 1])


def test_padding_row_starts_at_zero_and_gets_no_gradient():
    emb = nn.Embedding(4, 2, padding_idx=-1)
    assert emb.padding_idx == 3 and np.all(emb.weight.data[3] == 0)
    emb(T(np.array([3, 1, 3]))).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.data[:, 0], [0, 1, 0, 0])
    assert repr(emb) == "Embedding(4, 2, padding_idx=3)"


def test_from_pretrained_and_second_order():
    table = np.arange(6.0).reshape(3, 2)
    emb = nn.Embedding.from_pretrained(table)
    assert not emb.weight.requires_grad
    np.testing.assert_array_equal(emb(T(np.array([2]))).data, [[4.0, 5.0]])
    idx = T(np.array([1, 1, 0]))
    check_second_order(lambda w: F.embedding(idx, w) ** 3, np.random.default_rng(0).random((3, 2)))


def test_embedding_errors_and_one_hot():
    emb = nn.Embedding(3, 2)
    with pytest.raises(IndexError, match="index 3 is out of range for 3 embeddings"):
        emb(T(np.array([0, 3])))
    with pytest.raises(TypeError, match="integer indices"):
        emb(T([0.0]))
    np.testing.assert_array_equal(F.one_hot(T(np.array([0, 2])), 3).data, [[1, 0, 0], [0, 0, 1]])
