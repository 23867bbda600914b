"""gather, index_select, take_along_dim, masked_fill, scatter_add, and indexing with repeated
indices (gradients accumulate)."""

import numpy as np
import pytest
from hypothesis import strategies as st

import autograd as ag
from tests.autograd.opcases import Case, case_tests
from tests.autograd.strategies import arrays, shapes, with_dim


def _indices(draw, shape, high):
    return np.array(draw(st.lists(st.integers(0, high - 1), min_size=int(np.prod(shape)),
                                  max_size=int(np.prod(shape)))), dtype=np.int64).reshape(shape)


@st.composite
def gather_inputs(draw):
    x, dim = draw(with_dim())
    shape = tuple(draw(st.integers(1, 4)) if d == dim % x.ndim else draw(st.integers(1, n))
                  for d, n in enumerate(x.shape))
    return (x,), {"dim": dim, "index": _indices(draw, shape, x.shape[dim])}


def _gather_ref(x, dim, index):
    dim %= x.ndim
    part = x[tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(index.shape))]
    return np.take_along_axis(part, index, axis=dim)


@st.composite
def take_along_inputs(draw):
    x, dim = draw(with_dim())
    shape = tuple(draw(st.integers(1, 4)) if d == dim % x.ndim else draw(st.sampled_from([1, n]))
                  for d, n in enumerate(x.shape))
    return (x,), {"dim": dim, "indices": _indices(draw, shape, x.shape[dim])}


@st.composite
def index_select_inputs(draw):
    x, dim = draw(with_dim())
    count = draw(st.integers(0, 5))
    return (x,), {"dim": dim, "index": _indices(draw, (count,), x.shape[dim])}


@st.composite
def masked_fill_inputs(draw):
    x = draw(arrays())
    mask_shape = x.shape[draw(st.integers(0, x.ndim)):]
    mask = np.array(draw(st.lists(st.booleans(), min_size=int(np.prod(mask_shape)),
                                  max_size=int(np.prod(mask_shape))))).reshape(mask_shape)
    return (x,), {"mask": mask, "value": draw(st.sampled_from([0.0, -1.25]))}


@st.composite
def scatter_add_inputs(draw):
    x, dim = draw(with_dim())
    dim %= x.ndim
    index_shape = tuple(draw(st.integers(1, 4)) if d == dim else draw(st.integers(1, n))
                        for d, n in enumerate(x.shape))
    src_shape = tuple(n + draw(st.integers(0, 1)) for n in index_shape)
    src = draw(arrays(src_shape))
    return (x, src), {"dim": dim, "index": _indices(draw, index_shape, x.shape[dim])}


def _scatter_add_ref(x, src, dim, index):
    out = x.copy()
    for position in np.ndindex(*index.shape):
        target = list(position)
        target[dim] = index[position]
        out[tuple(target)] += src[position]
    return out


CASES = [
    Case("gather", lambda x, dim, index: x.gather(dim, index), _gather_ref, gather_inputs(),
         linear=True),
    Case("take_along_dim", lambda x, dim, indices: ag.take_along_dim(x, indices, dim),
         lambda x, dim, indices: np.take_along_axis(x, indices, axis=dim),
         take_along_inputs(), linear=True),
    Case("index_select", lambda x, dim, index: x.index_select(dim, index),
         lambda x, dim, index: np.take(x, index, axis=dim), index_select_inputs(), linear=True),
    Case("masked_fill", lambda x, mask, value: x.masked_fill(mask, value),
         lambda x, mask, value: np.where(mask, value, x), masked_fill_inputs(), linear=True),
    Case("scatter_add", lambda x, src, dim, index: x.scatter_add(dim, index, src),
         _scatter_add_ref, scatter_add_inputs(), linear=True),
    Case("getitem_repeated", lambda x, index: x[index], lambda x, index: x[index],
         st.builds(lambda x, i: ((x,), {"index": i}), arrays(shapes(min_dims=1)),
                   st.lists(st.integers(0, 0), min_size=1, max_size=4).map(np.array)),
         linear=True),
]


test_values, test_gradients, test_second_order = case_tests(CASES)


def test_repeated_indices_accumulate():
    x = ag.tensor([10.0, 20.0, 30.0], requires_grad=True)
    x[[0, 2, 0, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3, 0, 1])
    x.grad = None
    x.gather(0, np.array([1, 1, 2])).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0, 2, 1])
    x.grad = None
    x.index_select(0, ag.tensor([2, 2])).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0, 0, 2])


def test_scatter_add_sums_repeated_targets_and_routes_gradients():
    base = ag.zeros(3, requires_grad=True)
    src = ag.tensor([1.0, 2.0, 4.0], requires_grad=True)
    out = base.scatter_add(0, ag.tensor([0, 0, 2]), src)
    np.testing.assert_array_equal(out.data, [3, 0, 4])
    (out * ag.tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(base.grad.data, [1, 10, 100])
    np.testing.assert_array_equal(src.grad.data, [1, 1, 100])


def test_masked_fill_value_tensor_gets_gradient_and_dtype_is_kept():
    x = ag.ones(2, 2, requires_grad=True)
    value = ag.tensor(3.0, dtype=np.float64, requires_grad=True)
    out = x.masked_fill(ag.tensor([[True, False], [True, True]]), value)
    assert out.dtype == np.float32
    out.sum().backward()
    assert value.grad.item() == 3.0 and value.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.data, [[0, 1], [0, 0]])


def test_index_errors_are_clear():
    x = ag.zeros(2, 3)
    with pytest.raises(IndexError, match=r"gather: index 3 is out of bounds for dim 1 with "
                       "size 3"):
        x.gather(1, np.array([[3]]))
    with pytest.raises(TypeError, match="gather: index must be an integer tensor"):
        x.gather(1, np.array([[0.0]]))
    with pytest.raises(ValueError, match=r"gather: index has 1 dims but input has 2"):
        x.gather(1, np.array([0]))
    with pytest.raises(TypeError, match="masked_fill: expected a bool mask"):
        x.masked_fill(np.zeros((2, 3)), 1.0)
    with pytest.raises(ValueError, match=r"masked_fill: mask of shape \(4,\) does not broadcast"):
        x.masked_fill(np.zeros(4, bool), 1.0)
    with pytest.raises(ValueError, match="take_along_dim: input and indices should have the "
                       "same number of dimensions"):
        x.take_along_dim(np.array([0]), 1)
