"""PyTorch-like type promotion and the dtype methods (.float(), .double(), .long(), ...)."""

import numpy as np
import pytest

import autograd as ag
from autograd.dtypes import result_dtype

f32, f64, i32, i64 = np.float32, np.float64, np.int32, np.int64


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (ag.ones(3), ag.ones(3, dtype=f64), f64),  # float32 op float64 tensor -> float64
        (ag.ones(3), 2.5, f32),  # a python float does not upcast float32
        (ag.ones(3, dtype=f64), 2.5, f64),
        (ag.tensor([1, 2]), 2.5, f32),  # int tensor op python float -> default float
        (ag.tensor([1, 2]), 2, i64),
        (ag.tensor([1, 2]), ag.ones(2), f32),  # int64 with float32 -> float32 (not float64)
        (ag.ones(3), ag.tensor(2.0, dtype=f64), f32),  # a 0-dim tensor does not upcast
        (ag.tensor([1, 2]), ag.tensor(2.0, dtype=f64), f64),  # ... unless its kind is higher
        (ag.tensor([True, False]), 1, i64),
        (ag.tensor([1, 2], dtype=i32), 7, i32),
    ],
)
def test_binary_operators_promote_like_pytorch(a, b, expected):
    assert result_dtype(a, b) == expected
    subtractions = () if a.dtype == np.bool_ else (a - b, b - a)  # bool - x raises, as in torch
    for out in (a + b, b + a, a * b, *subtractions):
        assert out.dtype == expected


def test_true_division_of_integers_gives_the_default_float():
    assert (ag.tensor([1, 2]) / ag.tensor([2, 4])).dtype == f32
    np.testing.assert_allclose((ag.tensor([1, 2]) / 4).data, [0.25, 0.5])
    ag.set_default_dtype(f64)
    try:
        assert (ag.tensor([1, 2]) / 3).dtype == f64
        assert (ag.tensor([1, 2]) + 0.5).dtype == f64
    finally:
        ag.set_default_dtype(f32)


def test_mixed_precision_gradients_come_back_in_each_inputs_dtype():
    a = ag.ones(3, requires_grad=True)
    b = ag.full((3,), 2.0, dtype=f64, requires_grad=True)
    out = a * b
    assert out.dtype == f64
    out.sum().backward()
    assert a.grad.dtype == f32 and b.grad.dtype == f64
    np.testing.assert_array_equal(a.grad.data, [2, 2, 2])
    np.testing.assert_array_equal(b.grad.data, [1, 1, 1])


def test_where_maximum_and_clamp_promote():
    x = ag.ones(2)
    assert ag.where(x > 0, x, ag.zeros(2, dtype=f64)).dtype == f64
    assert x.maximum(ag.zeros(2, dtype=f64)).dtype == f64
    assert ag.where(x > 0, x, 0.5).dtype == f32
    assert x.clamp(ag.zeros(2, dtype=f64)).dtype == f64


def test_dtype_methods():
    x = ag.tensor([1.5, -2.5, 0.0])
    assert x.double().dtype == f64 and x.float().dtype == f32 and x.half().dtype == np.float16
    np.testing.assert_array_equal(x.long().data, [1, -2, 0])
    assert x.long().dtype == i64 and x.int().dtype == i32
    np.testing.assert_array_equal(x.bool().data, [True, True, False])
    assert x.type_as(ag.zeros(1, dtype=f64)).dtype == f64
    assert x.float() is x  # no conversion needed: the same tensor, as in PyTorch


def test_cast_methods_are_differentiable_for_floats_only():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.double()
    assert y.grad_fn is not None
    (y * y).sum().backward()
    assert x.grad.dtype == f32
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])
    assert x.long().grad_fn is None and not x.long().requires_grad


def test_where_method_and_clone():
    x = ag.tensor([1.0, -1.0], requires_grad=True)
    out = x.where(x > 0, ag.tensor([10.0, 20.0]))
    np.testing.assert_array_equal(out.data, [1.0, 20.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 0.0])
    copy = x.clone()
    assert copy.data is not x.data and copy.grad_fn is not None
    contiguous = ag.zeros(2, 3)
    assert contiguous.contiguous() is contiguous
    assert contiguous.T.contiguous().data.flags.c_contiguous


# ---- regressions found by differential testing against PyTorch ------------------------------


def test_float_only_pointwise_ops_give_the_default_float_for_integer_input():
    ints = ag.tensor([4, 9])
    for out in (ints.sqrt(), ag.sqrt(ints), ints.exp(), ag.sin(ints), ag.rsqrt(ints),
                ag.log1p(ints), ag.tensor([True]).exp(), ints.sigmoid(), ag.tanh(ints)):
        assert out.dtype == np.float32, out.dtype
    np.testing.assert_allclose(ints.sqrt().data, [2.0, 3.0])
    for out in (ag.floor(ints), ag.sign(ints), ag.square(ints), ag.abs(ints), ag.relu(ints)):
        assert out.dtype == np.int64, out.dtype


def test_maximum_minimum_functions_promote_like_the_methods():
    a, b = ag.tensor([1, 5]), ag.tensor([2.5, 0.0])
    assert ag.maximum(a, b).dtype == np.float32 == a.maximum(b).dtype
    assert ag.minimum(a, b).dtype == np.float32
    np.testing.assert_array_equal(ag.maximum(a, b).data, [2.5, 5.0])


def test_var_std_of_integer_tensor_raise():
    for op in (ag.var, ag.std):
        with pytest.raises(RuntimeError, match=r"(var|std).*int64"):
            op(ag.tensor([1, 2, 3]))


def test_square_of_bool_tensor_is_int64():
    out = ag.square(ag.tensor([True, False]))
    assert out.dtype == np.int64 and out.tolist() == [1, 0]


def test_subtraction_with_a_bool_tensor_raises_like_pytorch():
    mask = ag.tensor([True, False])
    for make in (lambda: mask - 2, lambda: 2 - mask, lambda: ag.tensor([1.0, 2.0]) - mask,
                 lambda: ag.tensor([1.0]) - True):
        with pytest.raises(RuntimeError, match=r"sub: .*bool"):
            make()
    assert (ag.tensor([3, 4]) - 1).tolist() == [2, 3]


@pytest.mark.parametrize("dtype", [np.float16, f32, f64])
def test_a_python_float_keeps_the_float_dtype_in_every_operator(dtype):
    """The operators' fast path (float tensor with python float) gives what numpy gives."""
    a = ag.tensor([0.5, 2.0], dtype=dtype)
    raw = a.data
    for out, expected in [(a + 1.5, raw + 1.5), (1.5 + a, 1.5 + raw), (a - 1.5, raw - 1.5),
                          (1.5 - a, 1.5 - raw), (a * 1.5, raw * 1.5), (1.5 * a, 1.5 * raw),
                          (a / 1.5, raw / 1.5), (1.5 / a, 1.5 / raw), (a ** 1.5, raw ** 1.5),
                          (1.5 ** a, 1.5 ** raw)]:
        assert out.dtype == dtype
        np.testing.assert_array_equal(out.data, expected)
    assert ag.Tensor.__rtruediv__.__name__ == "__rtruediv__"
