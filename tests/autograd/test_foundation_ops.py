"""The foundation's ops: values against numpy, gradients against central differences in
float64 (over broadcast shapes), second derivatives for the smooth ones."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd as ag
from tests.autograd.numeric import numerical_gradient

finite = st.floats(-3, 3, allow_nan=False, width=64)
positive = st.floats(0.2, 3, allow_nan=False, width=64)
away_from_zero = finite.filter(lambda v: abs(v) > 0.1)
# max/min inputs that never tie (ties split the gradient, where central differences disagree)
quarter_offsets = st.integers(-3, 3).map(lambda i: i + 0.25)
whole_numbers = st.integers(-3, 3).map(float)


def arrays(shape, elements=finite):
    return hnp.arrays(np.float64, shape, elements=elements)


def check_gradients(f_tensor, f_numpy, *arrays_in, second_order=False, atol=1e-5):
    """Compare f_tensor's value with f_numpy, its gradients with central differences, and
    (optionally) the gradient of sum(gradients) with central differences of the gradient."""
    leaves = [ag.tensor(a, requires_grad=True) for a in arrays_in]
    out = f_tensor(*leaves)
    np.testing.assert_allclose(out.data, f_numpy(*arrays_in), rtol=1e-10, atol=1e-12)
    weights = np.linspace(0.5, 1.5, out.data.size).reshape(out.data.shape)
    grads = ag.grad((out * weights).sum(), leaves, create_graph=second_order)
    for index, (leaf, g) in enumerate(zip(leaves, grads)):
        expected = numerical_gradient(
            lambda *xs: float((f_numpy(*xs) * weights).sum()), list(arrays_in), index)
        assert g.shape == leaf.shape and g.dtype == np.float64
        np.testing.assert_allclose(g.data, expected, rtol=1e-4, atol=atol)
    if second_order:
        total = sum(g.sum() for g in grads)
        if total.requires_grad:
            second = ag.grad(total, leaves, allow_unused=True)
        else:  # the gradient is constant: its derivative is zero
            second = [None] * len(leaves)

        def first_sum(*xs):
            inner = [ag.tensor(x, requires_grad=True) for x in xs]
            gs = ag.grad((f_tensor(*inner) * weights).sum(), inner)
            return float(sum(g.data.sum() for g in gs))

        for index, g2 in enumerate(second):
            expected = numerical_gradient(first_sum, list(arrays_in), index)
            got = np.zeros_like(expected) if g2 is None else g2.data
            np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-4)


broadcast_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3,
                                                    max_side=3)

BINARY = {
    "add": (lambda a, b: a + b, np.add, finite, finite),
    "sub": (lambda a, b: a - b, np.subtract, finite, finite),
    "mul": (lambda a, b: a * b, np.multiply, finite, finite),
    "div": (lambda a, b: a / b, np.divide, finite, away_from_zero),
    "pow": (lambda a, b: a**b, np.power, positive, finite),
    "maximum": (ag.maximum, np.maximum, quarter_offsets, whole_numbers),
    "minimum": (ag.minimum, np.minimum, quarter_offsets, whole_numbers),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data(), shapes=broadcast_pairs)
def test_binary_ops_with_broadcasting(name, data, shapes):
    f_tensor, f_numpy, left, right = BINARY[name]
    a = data.draw(arrays(shapes.input_shapes[0], left))
    b = data.draw(arrays(shapes.input_shapes[1], right))
    smooth = name not in ("maximum", "minimum")
    check_gradients(f_tensor, f_numpy, a, b, second_order=smooth)


UNARY = {
    "neg": (lambda x: -x, np.negative, finite, True),
    "exp": (lambda x: x.exp(), np.exp, finite, True),
    "log": (lambda x: x.log(), np.log, positive, True),
    "sqrt": (lambda x: x.sqrt(), np.sqrt, positive, True),
    "tanh": (lambda x: x.tanh(), np.tanh, finite, True),
    "sigmoid": (lambda x: x.sigmoid(), lambda x: 1 / (1 + np.exp(-x)), finite, True),
    "relu": (lambda x: x.relu(), lambda x: np.maximum(x, 0), away_from_zero, False),
    "abs": (lambda x: x.abs(), np.abs, away_from_zero, False),
    "pow3": (lambda x: x**3, lambda x: x**3, finite, True),
    "square_by_pow": (lambda x: ag.pow(x, 2.0), lambda x: x**2, finite, True),
    "rsub": (lambda x: 2.0 - x, lambda x: 2.0 - x, finite, True),
    "rdiv": (lambda x: 1.0 / x, lambda x: 1.0 / x, away_from_zero, True),
    "rpow": (lambda x: 2.0**x, lambda x: 2.0**x, finite, True),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3))
def test_unary_ops(name, data, shape):
    f_tensor, f_numpy, elements, smooth = UNARY[name]
    check_gradients(f_tensor, f_numpy, data.draw(arrays(shape, elements)), second_order=smooth)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=4),
       keepdim=st.booleans())
def test_sum_and_mean_over_dims(data, shape, keepdim):
    x = data.draw(arrays(shape))
    dims = data.draw(st.sets(st.integers(0, len(shape) - 1), min_size=1).map(tuple))
    negative = tuple(d - len(shape) for d in dims)
    check_gradients(lambda t: t.sum(dim=dims, keepdim=keepdim),
                    lambda a: a.sum(axis=dims, keepdims=keepdim), x, second_order=True)
    check_gradients(lambda t: t.mean(negative, keepdim),
                    lambda a: a.mean(axis=dims, keepdims=keepdim), x, second_order=True)
    check_gradients(lambda t: t.sum(axis=dims[0], keepdims=True),
                    lambda a: a.sum(axis=dims[0], keepdims=True), x)


MATMUL_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                 ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((1, 2, 3), (4, 3, 2)),
                 ((3,), (2, 3, 4)), ((2, 2, 3), (3,))]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES)
def test_matmul_all_cases(shapes):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    check_gradients(lambda x, y: x @ y, np.matmul, a, b, second_order=True)
    check_gradients(ag.matmul, np.matmul, a, b)


def test_matmul_error_names_shapes():
    a, b = ag.zeros(2, 3), ag.zeros(4, 5)
    with pytest.raises(ValueError, match=r"matmul: cannot multiply shapes \(2, 3\) and \(4, 5\): "
                                         r"inner dimensions 3 and 4 differ"):
        a @ b


def test_broadcast_failure_names_both_shapes():
    with pytest.raises(ValueError, match=r"add: .*\(2, 3\).*\(4,\)"):
        ag.zeros(2, 3) + ag.zeros(4)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_reshape_transpose_T(data, shape):
    x = data.draw(arrays(shape))
    check_gradients(lambda t: t.reshape(-1), lambda a: a.reshape(-1), x, second_order=True)
    check_gradients(lambda t: t.view(shape[::-1][0], -1),
                    lambda a: a.reshape(shape[::-1][0], -1), x)
    check_gradients(lambda t: t.T, lambda a: a.T, x, second_order=True)
    if len(shape) >= 2:
        check_gradients(lambda t: t.transpose(0, -1), lambda a: np.swapaxes(a, 0, -1), x)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
def test_basic_slicing(data, shape):
    x = data.draw(arrays(shape))
    index = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    check_gradients(lambda t: t[index], lambda a: a[index], x, second_order=True)


def test_slicing_with_steps_and_repeated_integer_indices():
    x = np.arange(12.0).reshape(3, 4)
    check_gradients(lambda t: t[::2, 1::2], lambda a: a[::2, 1::2], x)
    check_gradients(lambda t: t[[0, 0, 2]], lambda a: a[[0, 0, 2]], x)
    t = ag.tensor(x, requires_grad=True)
    t[[0, 0, 2]].sum().backward()
    assert t.grad.data[:, 0].tolist() == [2.0, 0.0, 1.0]


def test_comparisons_give_bool_tensors_without_grad():
    a = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in ((a < 2, [True, False, False]), (a <= 2, [True, True, False]),
                             (a > 2, [False, False, True]), (a >= 2, [False, True, True]),
                             (a == 2, [False, True, False]), (a != 2, [True, False, True])):
        assert result.dtype == np.bool_ and result.tolist() == expected
        assert not result.requires_grad and result.grad_fn is None


def test_relu_and_abs_have_zero_gradient_at_zero():
    x = ag.tensor([0.0, 0.0], requires_grad=True)
    (x.relu() + x.abs()).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_sigmoid_is_stable_for_large_inputs():
    x = ag.tensor([-1000.0, 1000.0], requires_grad=True)
    y = x.sigmoid()
    y.sum().backward()
    assert y.tolist() == [0.0, 1.0] and np.all(np.isfinite(x.grad.data))


def test_second_derivative_of_cube_and_tanh():
    x = ag.tensor(0.7, dtype=np.float64, requires_grad=True)
    (g,) = ag.grad(x**3, x, create_graph=True)
    (h,) = ag.grad(g, x)
    assert g.item() == pytest.approx(3 * 0.49) and h.item() == pytest.approx(6 * 0.7)
    (g,) = ag.grad(x.tanh(), x, create_graph=True)
    (h,) = ag.grad(g, x)
    t = np.tanh(0.7)
    assert h.item() == pytest.approx(-2 * t * (1 - t**2))
