"""matmul2d: the same product as np.matmul on every route (outer, transposed, plain), C-ordered;
and the gates that use it (Linear, 2-D matmul) keep their gradients on the new routes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd.ops.gemm import matmul2d, route
from tests.nn.gradients import check_gradients

LAYOUTS = ("c", "f", "strided", "transposed")


def _layout(array: np.ndarray, layout: str) -> np.ndarray:
    """The same values as ``array`` in another memory layout."""
    if layout == "f":
        return np.asfortranarray(array)
    if layout == "strided":
        return np.repeat(array, 2, axis=1)[:, ::2]
    if layout == "transposed":  # a C-ordered array's .T, like a Linear weight's w.T
        return np.ascontiguousarray(array.T).T
    return np.ascontiguousarray(array)


@settings(max_examples=60, deadline=None)
@given(m=st.integers(1, 80), k=st.sampled_from([1, 2, 31, 32, 100]), n=st.integers(1, 600),
       a_layout=st.sampled_from(LAYOUTS), b_layout=st.sampled_from(LAYOUTS),
       with_add=st.booleans(), seed=st.integers(0, 2**16))
def test_matmul2d_is_the_matrix_product(m, k, n, a_layout, b_layout, with_add, seed):
    rng = np.random.default_rng(seed)
    a = _layout(rng.standard_normal((m, k)), a_layout)
    b = _layout(rng.standard_normal((k, n)), b_layout)
    add = rng.standard_normal(n) if with_add else None
    expected = a @ b + (0 if add is None else add)
    out = matmul2d(a, b, add)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    assert out.shape == (m, n) and out.dtype == expected.dtype
    assert out.flags.c_contiguous


@pytest.mark.parametrize("a_shape, b_shape, expected_route", [
    ((16, 784), (256, 784), "transposed"),  # b given as the .T of a C-ordered (n, k) array
    ((64, 32), (128, 32), "transposed"),
    ((40, 1), (1, 70), "outer"),
    ((400, 64), (120, 400), "transposed, both"),  # both operands given as .T
    ((30, 20), (20, 10), "plain"),
])
@pytest.mark.parametrize("with_add", [False, True])
def test_each_route_gives_the_product(a_shape, b_shape, expected_route, with_add):
    rng = np.random.default_rng(6)
    a = rng.standard_normal(a_shape)
    b = rng.standard_normal(b_shape)
    b = b.T if expected_route.startswith("transposed") else b
    a = a.T if expected_route == "transposed, both" else a
    assert route(a, b) == expected_route.split(",")[0]
    add = rng.standard_normal(b.shape[1]) if with_add else None
    out = matmul2d(a, b, add)
    np.testing.assert_allclose(out, a @ b + (0 if add is None else add), rtol=1e-12, atol=1e-12)
    assert out.flags.c_contiguous


def test_routes_of_the_slow_blas_shapes():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((256, 784)).astype(np.float32)  # a Linear(784, 256) weight
    assert route(rng.standard_normal((16, 784)).astype(np.float32), w.T) == "transposed"
    assert route(rng.standard_normal((128, 784)).astype(np.float32), w.T) == "transposed"
    assert route(rng.standard_normal((256, 784)).astype(np.float32), w.T) == "plain"
    assert route(np.ones((128, 128)), np.ones((512, 128)).T) == "plain"  # 65-128 rows: k < 512
    # an input that is the .T of a C-ordered array (conv's batch-last output, flattened)
    assert route(np.ones((400, 64)).T, np.ones((120, 400)).T) == "transposed"
    assert route(np.ones((400, 256)).T, np.ones((120, 400)).T) == "transposed"
    assert route(np.ones((400, 64)).T, np.ones((400, 120))) == "plain"
    assert route(np.ones((256, 1), np.float32), np.ones((1, 784), np.float32)) == "outer"
    # a product too small to gain, a narrow result, an operand that is not w.T: plain
    assert route(np.ones((4, 20)), np.ones((32, 20)).T) == "plain"
    assert route(np.ones((8, 32)), np.ones((192, 32)).T) == "plain"  # 49k multiply-adds
    # a convolution's weight gradient: (out channels, positions) @ (positions, window).T
    assert route(np.ones((6, 50176)), np.ones((25, 50176)).T) == "transposed"
    assert route(np.ones((16, 128)), np.ones((10, 128)).T) == "plain"
    assert route(np.ones((16, 784)), np.ones((784, 256))) == "plain"


def test_outer_route_is_exact_and_transposed_route_matches_float64():
    rng = np.random.default_rng(1)
    column, row = rng.standard_normal((256, 1)), rng.standard_normal((1, 784))
    np.testing.assert_array_equal(matmul2d(column, row), np.outer(column, row))
    x = rng.standard_normal((16, 784)).astype(np.float32)
    w = rng.standard_normal((256, 784)).astype(np.float32)
    b = rng.standard_normal(256).astype(np.float32)
    out = matmul2d(x, w.T, b)
    assert out.dtype == np.float32 and out.flags.c_contiguous
    exact = x.astype(np.float64) @ w.T.astype(np.float64) + b
    np.testing.assert_allclose(out, exact, rtol=1e-4, atol=1e-4)


def test_int_operands_keep_numpy_dtype():
    a, b = np.arange(6).reshape(6, 1), np.arange(4).reshape(1, 4)
    out = matmul2d(a, b)
    assert out.dtype == np.matmul(a, b).dtype
    np.testing.assert_array_equal(out, np.matmul(a, b))


@pytest.mark.parametrize("batch, n_in, n_out", [
    (1, 40, 50),  # weight gradient of a batch of one: the outer route
    (64, 32, 128),  # forward on the transposed route
    (3, 1, 64),  # in_features=1: the forward product is an outer product
    (6, 48, 1),  # out_features=1: the input gradient is an outer product
])
def test_linear_gradients_on_every_route(batch, n_in, n_out):
    layer = nn.Linear(n_in, n_out).double()
    x = np.random.default_rng(2).standard_normal((batch, n_in))
    expected = x @ layer.weight.data.T + layer.bias.data
    np.testing.assert_allclose(layer(autograd.Tensor(x)).data, expected, rtol=1e-12)
    weights = autograd.Tensor(np.random.default_rng(5).standard_normal((batch, n_out)))
    check_gradients(lambda t: (layer(t).tanh() * weights).sum(), x,
                    params=tuple(layer.parameters()))


def test_linear_folds_batch_dims_into_one_product():
    layer = nn.Linear(32, 128).double()
    x = np.random.default_rng(3).standard_normal((4, 16, 32))  # 64 rows: the transposed route
    out = layer(autograd.Tensor(x)).data
    assert out.shape == (4, 16, 128) and out.flags.c_contiguous
    np.testing.assert_allclose(out, x @ layer.weight.data.T + layer.bias.data, rtol=1e-12)
    weights = autograd.Tensor(np.random.default_rng(5).standard_normal((4, 16, 128)))
    check_gradients(lambda t: (layer(t).tanh() * weights).sum(), x, params=(layer.weight,))


@pytest.mark.parametrize("shape_a, shape_b", [((5, 1), (1, 7)), ((64, 32), (32, 128))])
def test_matmul_gate_gradients_on_new_routes(shape_a, shape_b):
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal(shape_a), rng.standard_normal(shape_b)
    weights = autograd.Tensor(rng.standard_normal((shape_a[0], shape_b[1])))
    check_gradients(lambda x, y: ((x @ y).tanh() * weights).sum(), a, b)
    # y as the transposed view of a C-ordered copy: the layout of a Linear weight's w.T
    check_gradients(lambda x, y: ((x @ y.T.contiguous().T).sin() * weights).sum(), a, b)
