"""max/min (full, along a dim, elementwise), amax/amin (ties share), argmax/argmin."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from tests.autograd.opcases import Case, case_tests
from tests.autograd.strategies import arrays, broadcast_pair, with_dim, with_dims

along_dim = st.tuples(with_dim(distinct=True), st.booleans()).map(
    lambda t: ((t[0][0],), {"dim": t[0][1], "keepdim": t[1]}))
over_dims = st.tuples(with_dims(distinct=True), st.booleans()).map(
    lambda t: ((t[0][0],), {"dim": t[0][1], "keepdim": t[1]}))
whole = arrays(distinct=True).map(lambda x: ((x,), {}))


def _axes(dim):
    return tuple(dim) if isinstance(dim, tuple) else dim


CASES = [
    Case("max", lambda x: x.max(), lambda x: np.max(x), whole),
    Case("min", lambda x: ag.min(x), lambda x: np.min(x), whole),
    Case("max_dim", lambda x, dim, keepdim: x.max(dim, keepdim).values,
         lambda x, dim, keepdim: np.max(x, axis=dim, keepdims=keepdim), along_dim),
    Case("min_dim", lambda x, dim, keepdim: ag.min(x, dim, keepdim=keepdim)[0],
         lambda x, dim, keepdim: np.min(x, axis=dim, keepdims=keepdim), along_dim),
    Case("amax", lambda x, dim, keepdim: x.amax(dim, keepdim),
         lambda x, dim, keepdim: np.max(x, axis=_axes(dim), keepdims=keepdim), over_dims),
    Case("amin", lambda x, dim, keepdim: ag.amin(x, dim, keepdim),
         lambda x, dim, keepdim: np.min(x, axis=_axes(dim), keepdims=keepdim), over_dims),
    Case("max_other", lambda x, y: x.max(y), np.maximum,
         broadcast_pair().filter(lambda p: not np.any(np.equal(*p))).map(lambda p: (p, {}))),
]


test_values, test_gradients, test_second_order = case_tests(CASES)


@given(with_dim(distinct=False), st.booleans())
def test_max_dim_indices_match_numpy_argmax(x_dim, keepdim):
    x, dim = x_dim
    values, indices = ag.from_numpy(x).max(dim, keepdim=keepdim)
    np.testing.assert_array_equal(indices.data, np.argmax(x, axis=dim, keepdims=keepdim))
    assert indices.dtype == np.int64 and indices.grad_fn is None
    np.testing.assert_array_equal(values.data, np.max(x, axis=dim, keepdims=keepdim))
    low_values, low_indices = ag.from_numpy(x).min(dim, keepdim)
    np.testing.assert_array_equal(low_indices.data, np.argmin(x, axis=dim, keepdims=keepdim))


@given(with_dims())
def test_argmax_argmin_match_numpy(x_dim):
    x, dim = x_dim
    if isinstance(dim, tuple):
        dim = dim[0]
    t = ag.from_numpy(x)
    np.testing.assert_array_equal(t.argmax(dim).data, np.argmax(x, axis=dim))
    np.testing.assert_array_equal(ag.argmin(t, dim).data, np.argmin(x, axis=dim))


def test_max_dim_routes_the_gradient_to_the_first_maximum():
    x = ag.tensor([[1.0, 5.0, 5.0], [7.0, 2.0, 7.0]], requires_grad=True)
    result = x.max(1)
    assert result.values.tolist() == [5.0, 7.0]
    assert result.indices.tolist() == [1, 0]
    result.values.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0, 1, 0], [1, 0, 0]])


def test_full_max_and_amax_share_ties_evenly():
    x = ag.tensor([[1.0, 5.0, 5.0], [5.0, 2.0, 0.0]], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad.data, [[0, 1 / 3, 1 / 3], [1 / 3, 0, 0]])
    x.grad = None
    x.amax(1).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[0, 0.5, 0.5], [1, 0, 0]])
    x.grad = None
    x.amin(0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[1, 0, 0], [0, 1, 1]])


def test_max_of_empty_dim_is_an_error():
    with pytest.raises(ValueError, match=r"amax: cannot reduce over a zero-size dim"):
        ag.zeros(0, 3).amax(0)
    with pytest.raises(ValueError, match="argmax"):
        ag.zeros(0).argmax()


def test_numpy_max_on_a_tensor_is_differentiable():
    x = ag.tensor([1.0, 3.0, 2.0], requires_grad=True)
    np.max(x).backward()
    np.testing.assert_array_equal(x.grad.data, [0, 1, 0])


@pytest.mark.parametrize(
    "gate",
    [ag.relu, lambda x: ag.maximum(x, ag.zeros(3)), lambda x: ag.minimum(x, ag.zeros(3)),
     lambda x: ag.clamp(x, -0.1, 0.1)],
    ids=["relu", "maximum", "minimum", "clamp"],
)
def test_routing_gates_select_so_an_infinite_upstream_gradient_does_not_leak(gate):
    # regression (differential testing against PyTorch): relu passed nan to inputs it dropped
    x = ag.tensor([0.5, -0.5, 0.05], requires_grad=True)
    out = gate(x)
    picked = (out.data == x.data)
    (out * ag.tensor([np.inf, np.inf, np.inf])).sum().backward()
    np.testing.assert_array_equal(np.isnan(x.grad.data), np.zeros(3, dtype=bool))
    np.testing.assert_array_equal(x.grad.data == 0, ~picked)
