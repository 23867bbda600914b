"""softmax, log_softmax, logsumexp: values, gradients, second order, numerical stability."""

import math

import numpy as np
import pytest
from hypothesis import strategies as st

import autograd as ag
from tests.autograd.opcases import Case, case_tests
from tests.autograd.strategies import with_dim, with_dims


def _softmax(x, dim):
    e = np.exp(x)
    return e / e.sum(axis=dim, keepdims=True)


def _logsumexp(x, dim=None, keepdim=False):
    return np.log(np.sum(np.exp(x), axis=dim, keepdims=keepdim))


one_dim = with_dim().map(lambda t: ((t[0],), {"dim": t[1]}))
some_dims = st.tuples(with_dims(), st.booleans()).map(
    lambda t: ((t[0][0],), {"dim": t[0][1], "keepdim": t[1]}))

CASES = [
    Case("softmax", lambda x, dim: x.softmax(dim), _softmax, one_dim),
    Case("log_softmax", lambda x, dim: ag.log_softmax(x, dim),
         lambda x, dim: x - _logsumexp(x, dim, True), one_dim),
    Case("logsumexp", lambda x, dim, keepdim: x.logsumexp(dim, keepdim), _logsumexp, some_dims),
]


test_values, test_gradients, test_second_order = case_tests(CASES)


def test_large_logits_stay_finite():
    logits = ag.tensor([1000.0, -1000.0, 0.0], requires_grad=True)
    out = ag.log_softmax(logits, 0)
    np.testing.assert_allclose(out.data, [0.0, -2000.0, -1000.0])
    (out * ag.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert np.all(np.isfinite(logits.grad.data))
    # d/dx sum(c * log_softmax(x)) = c - softmax(x) * sum(c); softmax = (1, 0, 0)
    np.testing.assert_allclose(logits.grad.data, [1.0 - 6.0, 2.0, 3.0], atol=1e-6)
    probs = ag.softmax(ag.tensor([[1000.0, 999.0], [-1000.0, -1000.0]]), dim=1)
    np.testing.assert_allclose(probs.data, [[1 / (1 + math.exp(-1)), 1 / (1 + math.e)],
                                            [0.5, 0.5]], rtol=1e-6)
    lse = ag.logsumexp(ag.tensor([1000.0, 1000.0]), 0)
    assert lse.item() == pytest.approx(1000.0 + math.log(2.0))


def test_logsumexp_of_minus_infinity_is_minus_infinity():
    out = ag.logsumexp(ag.tensor([[-np.inf, -np.inf], [0.0, -np.inf]]), dim=1)
    assert out.data[0] == -np.inf
    assert out.data[1] == 0.0


def test_softmax_keeps_float32_and_accepts_dtype():
    x = ag.randn(2, 3)
    assert x.softmax(-1).dtype == np.float32
    assert x.softmax(-1, dtype=np.float64).dtype == np.float64
    assert ag.softmax(x, axis=0).shape == (2, 3)


def test_softmax_needs_a_dim():
    with pytest.raises(TypeError, match="softmax: dim is required"):
        ag.softmax(ag.randn(3))


def test_softmax_of_a_zero_dim_tensor_is_one():
    x = ag.tensor(3.0, requires_grad=True)
    assert ag.softmax(x, 0).item() == 1.0 and ag.log_softmax(x, -1).item() == 0.0
    ag.log_softmax(x, 0).backward()
    assert x.grad.item() == 0.0


def test_logsumexp_of_integer_tensor_gives_the_default_float():
    # regression (differential testing against PyTorch): was float64
    out = ag.logsumexp(ag.tensor([1, 2]), 0)
    assert out.dtype == np.float32
    np.testing.assert_allclose(float(out), np.log(np.e + np.e ** 2), rtol=1e-6)


def test_softmax_of_a_slice_with_inf_or_nan_is_nan_as_in_pytorch():
    """inf - inf has no value: the whole slice is nan (other slices are unaffected)."""
    for bad in (np.inf, np.nan):
        x = ag.tensor([[bad, 1.0, 0.0], [-np.inf, 1.0, 0.0]])
        with np.errstate(invalid="ignore"):
            for out in (ag.softmax(x, dim=1), ag.log_softmax(x, dim=1)):
                assert np.isnan(out.data[0]).all()
                assert np.isfinite(out.data[1, 1:]).all()
