"""fast_matmul: the same product as np.matmul on every route (outer, transposed, plain), C-ordered;
and the gates that use it (Linear, 2-D matmul, conv) keep their gradients on the new routes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from autograd.ops.gemm import fast_matmul, route
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


def _assert_product(out: np.ndarray, a: np.ndarray, b: np.ndarray, add=None) -> None:
    """``out`` is a @ b (+ add) in numpy's dtype, C-ordered, to the precision of that dtype."""
    expected = np.matmul(a, b) if add is None else np.matmul(a, b) + add
    exact = a.astype(np.float64) @ b.astype(np.float64) + (0 if add is None else add)
    tolerance = 1e-12 if expected.dtype == np.float64 else 1e-4
    np.testing.assert_allclose(out, exact, rtol=tolerance, atol=tolerance)
    assert out.shape == expected.shape and out.dtype == expected.dtype
    assert out.flags.c_contiguous


@settings(max_examples=80, deadline=None)
@given(m=st.integers(1, 80), k=st.sampled_from([1, 2, 31, 32, 100]), n=st.integers(1, 600),
       a_layout=st.sampled_from(LAYOUTS), b_layout=st.sampled_from(LAYOUTS),
       dtype=st.sampled_from([np.float32, np.float64]), with_add=st.booleans(),
       seed=st.integers(0, 2**16))
def test_fast_matmul_is_the_matrix_product(m, k, n, a_layout, b_layout, dtype, with_add, seed):
    rng = np.random.default_rng(seed)
    a = _layout(rng.standard_normal((m, k)).astype(dtype), a_layout)
    b = _layout(rng.standard_normal((k, n)).astype(dtype), b_layout)
    add = rng.standard_normal(n).astype(dtype) if with_add else None
    _assert_product(fast_matmul(a, b, add), a, b, add)


@pytest.mark.parametrize("a_shape, b_shape, expected_route", [
    ((16, 784), (256, 784), "transposed"),  # b given as the .T of a C-ordered (n, k) array
    ((64, 32), (128, 32), "transposed"),
    ((400, 64), (120, 400), "transposed, both"),  # both operands given as .T
    ((40, 1), (1, 70), "outer"),
    ((30, 20), (20, 10), "plain"),
])
@pytest.mark.parametrize("with_add", [False, True])
def test_each_route_gives_the_product(a_shape, b_shape, expected_route, with_add):
    rng = np.random.default_rng(6)
    a = rng.standard_normal(a_shape).astype(np.float32)
    b = rng.standard_normal(b_shape).astype(np.float32)
    b = b.T if expected_route.startswith("transposed") else b
    a = a.T if expected_route == "transposed, both" else a
    assert route(a, b) == expected_route.split(",")[0]
    add = rng.standard_normal(b.shape[1]).astype(np.float32) if with_add else None
    _assert_product(fast_matmul(a, b, add), a, b, add)


def test_routes_of_the_slow_blas_shapes():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((256, 784)).astype(np.float32)  # a Linear(784, 256) weight
    x = rng.standard_normal((128, 784)).astype(np.float32)
    assert route(x[:16], w.T) == "transposed"
    assert route(x, w.T) == "transposed"
    assert route(np.ones((256, 784), np.float32), w.T) == "plain"  # many rows
    assert route(x.astype(np.float64), w.T.astype(np.float64)) == "plain"  # float32 only
    assert route(np.ones((256, 1), np.float32), np.ones((1, 784), np.float32)) == "outer"
    assert route(np.ones((256, 1)), np.ones((1, 784))) == "outer"  # exact in any dtype
    ones = np.ones  # too small to gain, a narrow result, k < 512 at 65-128 rows, b not w.T:
    assert route(ones((4, 20), np.float32), ones((32, 20), np.float32).T) == "plain"
    assert route(ones((8, 32), np.float32), ones((192, 32), np.float32).T) == "plain"
    assert route(ones((16, 128), np.float32), ones((10, 128), np.float32).T) == "plain"
    assert route(ones((128, 128), np.float32), ones((512, 128), np.float32).T) == "plain"
    assert route(ones((16, 784), np.float32), ones((784, 256), np.float32)) == "plain"
    # a convolution's weight gradient: (out channels, positions) @ (positions, window).T
    assert route(ones((6, 50176), np.float32), ones((25, 50176), np.float32).T) == "transposed"
    # an input that is the .T of a C-ordered array (conv's batch-last output, flattened)
    assert route(ones((400, 256), np.float32).T, ones((120, 400), np.float32).T) == "transposed"
    assert route(ones((400, 64), np.float32).T, ones((400, 120), np.float32)) == "plain"


def test_int_operands_keep_numpy_dtype():
    a, b = np.arange(6).reshape(6, 1), np.arange(4).reshape(1, 4)
    out = fast_matmul(a, b)
    assert out.dtype == np.matmul(a, b).dtype
    np.testing.assert_array_equal(out, np.matmul(a, b))
    np.testing.assert_array_equal(fast_matmul(a.astype(np.float64), b.astype(np.float64)),
                                  np.outer(a, b))  # the outer route is exact


def _grads(layer: nn.Module, x: np.ndarray, weights: np.ndarray) -> list:
    """Output and gradients (input, parameters) of sum(tanh(layer(x)) * weights)."""
    t = autograd.Tensor(x, requires_grad=True)
    out = layer(t)
    (out.tanh() * autograd.Tensor(weights.astype(x.dtype))).sum().backward()
    return [out.data, t.grad.data] + [p.grad.data for p in layer.parameters()]


def _float32_matches_float64(layer64: nn.Module, x: np.ndarray) -> None:
    """The float32 layer (on fast_matmul's float32 routes) agrees with the float64 one."""
    layer32 = nn.Linear(layer64.in_features, layer64.out_features)
    layer32.load_state_dict({"weight": layer64.weight.data.astype(np.float32),
                             "bias": layer64.bias.data.astype(np.float32)})
    weights = np.random.default_rng(5).standard_normal(x.shape[:-1] + (layer64.out_features,))
    for got, want in zip(_grads(layer32, x.astype(np.float32), weights),
                         _grads(layer64, x, weights)):
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("batch, n_in, n_out", [
    (1, 40, 50),  # weight gradient of a batch of one: the outer route
    (64, 32, 128),  # float32 forward on the transposed route
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
    _float32_matches_float64(layer, x)


def test_linear_folds_batch_dims_into_one_product():
    layer = nn.Linear(32, 128).double()
    x = np.random.default_rng(3).standard_normal((4, 16, 32))  # 64 rows: the transposed route
    out = layer(autograd.Tensor(x)).data
    assert out.shape == (4, 16, 128) and out.flags.c_contiguous
    np.testing.assert_allclose(out, x @ layer.weight.data.T + layer.bias.data, rtol=1e-12)
    _float32_matches_float64(layer, x)


def test_linear_on_a_flattened_conv_output():
    """conv's output is batch-last in memory, so its flattened rows are a .T (both-transposed
    route); the float32 step agrees with float64."""
    rng = np.random.default_rng(7)
    conv = nn.Conv2d(3, 16, 3).double()
    x = rng.standard_normal((64, 3, 7, 7))
    features = F.relu(conv(autograd.Tensor(x))).flatten(1).data  # (64, 400)
    assert route(features.astype(np.float32), np.ones((120, 400), np.float32).T) == "transposed"
    _float32_matches_float64(nn.Linear(400, 120).double(), features)


@pytest.mark.parametrize("shape_a, shape_b", [((5, 1), (1, 7)), ((64, 32), (32, 128))])
def test_matmul_gate_gradients(shape_a, shape_b):
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal(shape_a), rng.standard_normal(shape_b)
    weights = autograd.Tensor(rng.standard_normal((shape_a[0], shape_b[1])))
    check_gradients(lambda x, y: ((x @ y).tanh() * weights).sum(), a, b)
    # float32, y as the transposed view of a C-ordered copy (the transposed route), against
    # float64
    grads = []
    for dtype in (np.float32, np.float64):
        x = autograd.Tensor(a.astype(dtype), requires_grad=True)
        y = autograd.Tensor(np.ascontiguousarray(b.T).astype(dtype), requires_grad=True)
        out = x @ y.T
        (out.sin() * weights.data.astype(dtype)).sum().backward()
        grads.append([out.data, x.grad.data, y.grad.data])
    for got, want in zip(*grads):  # float32 rounding of values and gradients of size ~10
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("m, k, n", [(0, 5, 3), (4, 0, 3), (4, 5, 0), (0, 1, 3), (3, 1, 0)])
def test_empty_products(m, k, n):
    a, b = np.ones((m, k), np.float32), np.ones((n, k), np.float32).T
    add = np.ones(n, np.float32)
    _assert_product(fast_matmul(a, b), a, b)
    _assert_product(fast_matmul(a, b, add), a, b, add)
