"""PyTorch's named forms of the operators (add, sub, mul, div, neg, comparisons, ...) and the
function forms permute / broadcast_to / concatenate(dim=): the same gates as the operators."""

import numpy as np
import pytest

import autograd as ag

A = np.array([[1.0, -2.0], [3.0, np.nan]])
B = np.array([[0.5, 2.0], [3.0, 1.0]])

BINARY = {
    "add": np.add, "sub": np.subtract, "subtract": np.subtract, "mul": np.multiply,
    "multiply": np.multiply, "div": np.divide, "divide": np.divide, "true_divide": np.divide,
    "eq": np.equal, "ne": np.not_equal, "lt": np.less, "le": np.less_equal, "gt": np.greater,
    "ge": np.greater_equal,
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_named_binary_ops_as_function_and_method(name):
    expected = BINARY[name](A, B)
    as_function = getattr(ag, name)(ag.tensor(A), ag.tensor(B))
    as_method = getattr(ag.tensor(A), name)(ag.tensor(B))
    for out in (as_function, as_method):
        assert out.dtype == expected.dtype
        np.testing.assert_array_equal(out.data, expected)


def test_add_and_sub_scale_other_by_alpha_and_backpropagate():
    x, y = ag.tensor(B, requires_grad=True), ag.tensor(B, requires_grad=True)
    np.testing.assert_array_equal(ag.add(x, y, alpha=2).data, 3 * B)
    x.sub(y, alpha=3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.ones_like(B))
    np.testing.assert_array_equal(y.grad.data, -3 * np.ones_like(B))


def test_neg_isnan_isfinite_t_mm_expand_as():
    x = ag.tensor(A)
    np.testing.assert_array_equal(ag.neg(x).data, -A)
    np.testing.assert_array_equal(x.negative().data, -A)
    np.testing.assert_array_equal(ag.isnan(x).data, np.isnan(A))
    np.testing.assert_array_equal(x.isfinite().data, np.isfinite(A))
    np.testing.assert_array_equal(x.t().data, A.T)
    np.testing.assert_array_equal(ag.mm(ag.tensor(B), ag.tensor(B)).data, B @ B)
    assert ag.ones(3).expand_as(ag.zeros(2, 3)).shape == (2, 3)
    with pytest.raises(RuntimeError, match=r"t\(\) expects a tensor with <= 2 dimensions"):
        ag.zeros(2, 2, 2).t()
    with pytest.raises(RuntimeError, match=r"mm: expected two 2-D tensors, got shapes \(3,\)"):
        ag.mm(ag.ones(3), ag.ones(3, 2))


def test_function_forms_of_permute_broadcast_to_and_concatenate_with_dim():
    assert ag.permute(ag.zeros(2, 3, 4), (2, 0, 1)).shape == (4, 2, 3)
    assert ag.broadcast_to(ag.ones(3), (2, 3)).shape == (2, 3)
    parts = [ag.ones(2, 1), ag.zeros(2, 1)]
    np.testing.assert_array_equal(ag.concatenate(parts, dim=1).data, [[1, 0], [1, 0]])
    assert ag.concat(parts, dim=0).shape == (4, 1) == ag.concatenate(parts, axis=0).shape
