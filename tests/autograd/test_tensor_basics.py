"""Tensor construction, dtypes, factories, conversions and numpy interoperation."""

import numpy as np
import pytest

import autograd as ag


def test_python_floats_give_float32_numpy_arrays_keep_dtype():
    assert ag.tensor([1.0, 2.0]).dtype == np.float32
    assert ag.tensor(1.5).dtype == np.float32
    assert ag.tensor([1, 2]).dtype == np.int64
    assert ag.tensor(np.zeros(2, np.float64)).dtype == np.float64
    assert ag.from_numpy(np.zeros(2, np.float16)).dtype == np.float16


def test_default_dtype_can_change():
    ag.set_default_dtype(np.float64)
    try:
        assert ag.get_default_dtype() == np.float64
        assert ag.tensor([1.0]).dtype == np.float64 and ag.zeros(2).dtype == np.float64
    finally:
        ag.set_default_dtype(np.float32)
    with pytest.raises(TypeError, match="floating-point"):
        ag.set_default_dtype(np.int32)


def test_python_scalar_does_not_upcast_float32():
    x = ag.tensor([1.0, 2.0])
    assert (x * 2.5).dtype == np.float32 and (2.5 + x).dtype == np.float32


def test_tensor_copies_from_numpy_shares():
    array = np.zeros(3, np.float32)
    copied, shared = ag.tensor(array), ag.from_numpy(array)
    array[0] = 7.0
    assert copied.data[0] == 0.0 and shared.data[0] == 7.0


def test_factories_shapes_dtypes_and_seeding():
    assert ag.zeros(2, 3).shape == (2, 3) and ag.ones((2, 3)).shape == (2, 3)
    assert ag.full((2,), 7.0).tolist() == [7.0, 7.0] and ag.full((1,), 3).dtype == np.int64
    assert ag.empty(4).shape == (4,)
    assert ag.arange(4).tolist() == [0, 1, 2, 3] and ag.arange(4).dtype == np.int64
    assert ag.arange(0.0, 1.0, 0.5).dtype == np.float32
    assert ag.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert ag.eye(3).data.trace() == 3.0
    assert ag.zeros_like(ag.ones(2, dtype=np.float64)).dtype == np.float64
    assert ag.ones_like(np.zeros((2, 2))).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert ag.full_like(ag.zeros(2), 4.0).tolist() == [4.0, 4.0]
    ag.manual_seed(3)
    first = (ag.rand(3).tolist(), ag.randn(2, 2).tolist(), ag.randint(0, 10, (4,)).tolist())
    ag.manual_seed(3)
    second = (ag.rand(3).tolist(), ag.randn(2, 2).tolist(), ag.randint(0, 10, (4,)).tolist())
    assert first == second
    assert ag.randn(5).dtype == np.float32 and ag.randint(5, (3,)).dtype == np.int64
    assert 0 <= ag.rand(100).data.min() and ag.rand(100).data.max() < 1
    assert ag.rand_like(ag.zeros(2, 2)).shape == (2, 2)
    assert ag.randn_like(ag.zeros(3)).shape == (3,)
    assert ag.zeros(2, requires_grad=True).requires_grad


def test_attributes_and_conversions():
    t = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.shape == (2, 3) and t.ndim == 2 and t.size() == (2, 3) and t.size(1) == 3
    assert t.numel() == 6 and len(t) == 2 and t.dim() == 2
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert t.numpy() is t.data and np.asarray(t) is t.data
    assert ag.tensor([2.5]).item() == 2.5 and float(ag.tensor(2.0)) == 2.0
    assert [row.tolist() for row in t] == t.tolist()
    with pytest.raises(ValueError, match="item: a Tensor with 6 elements"):
        t.item()


def test_numpy_conversion_refused_when_it_would_drop_the_gradient():
    x = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        x.numpy()
    assert x.detach().numpy().tolist() == [1.0]


def test_ndarray_times_tensor_returns_a_recorded_tensor():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0], dtype=np.float32) * x
    assert isinstance(y, ag.Tensor) and y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 4.0]
    z = np.exp(x)
    assert isinstance(z, ag.Tensor) and z.grad_fn.name() == "ExpBackward"


def test_unsupported_numpy_function_refuses_to_drop_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="not differentiable"):
        np.cumprod(x)
    assert np.cumprod(x.detach()).tolist() == [1.0, 2.0]


def test_repr_shows_grad_state():
    assert repr(ag.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert "requires_grad=True" in repr(ag.tensor([1.0], requires_grad=True))
    assert "grad_fn=<MulBackward>" in repr(ag.tensor([1.0], requires_grad=True) * 2)
    assert "dtype=float64" in repr(ag.tensor(np.zeros(1)))


def test_setitem_is_refused_with_alternative():
    with pytest.raises(TypeError, match="where"):
        ag.zeros(3)[0] = 1.0


def test_hash_by_identity_despite_elementwise_eq():
    a, b = ag.tensor([1.0]), ag.tensor([1.0])
    assert len({a, b}) == 2 and (a == b).tolist() == [True]
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ag.tensor([1.0, 2.0]) == ag.tensor([1.0, 2.0]))
