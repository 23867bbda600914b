"""var/std, prod, cumsum, norm, all/any: values, gradients, second order, semantics."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from tests.autograd.opcases import Case, case_tests
from tests.autograd.strategies import arrays, with_dim, with_dims

dims_keep = st.tuples(with_dims(), st.booleans())
var_inputs = st.tuples(with_dims(), st.booleans(), st.sampled_from([0, 1])).filter(
    # at least correction + 1 elements reduced, so the variance is finite
    lambda t: np.prod([t[0][0].shape[d] for d in np.atleast_1d(
        range(t[0][0].ndim) if t[0][1] is None else t[0][1])]) > t[2]
).map(lambda t: ((t[0][0],), {"dim": t[0][1], "keepdim": t[1], "correction": t[2]}))
std_inputs = st.tuples(with_dims(), st.booleans()).filter(
    lambda t: np.prod([t[0][0].shape[d] for d in np.atleast_1d(
        range(t[0][0].ndim) if t[0][1] is None else t[0][1])]) > 1
).map(lambda t: ((t[0][0] + np.arange(t[0][0].size).reshape(t[0][0].shape) * 0.01,),
                 {"dim": t[0][1], "keepdim": t[1]}))
prod_inputs = st.tuples(with_dims(), st.booleans()).filter(
    lambda t: not isinstance(t[0][1], tuple)).map(
    lambda t: ((t[0][0],), {"dim": t[0][1], "keepdim": t[1]}))
norm_inputs = st.tuples(with_dims(), st.booleans(), st.sampled_from([1, 2, 3, np.inf, "fro"]))


def _axes(dim):
    return tuple(dim) if isinstance(dim, tuple) else dim


def _norm_ref(x, p, dim, keepdim):
    p = 2 if p == "fro" else p
    if p == np.inf:
        return np.max(np.abs(x), axis=_axes(dim), keepdims=keepdim)
    return np.sum(np.abs(x) ** p, axis=_axes(dim), keepdims=keepdim) ** (1 / p)


def _away_from_zero(x):
    """Shift grid values off 0 so |x| has no kink within the finite-difference step."""
    return np.asarray(x + 0.003)


CASES = [
    Case("var", lambda x, dim, keepdim, correction: x.var(dim, keepdim=keepdim,
                                                          correction=correction),
         lambda x, dim, keepdim, correction: np.var(x, axis=_axes(dim), keepdims=keepdim,
                                                    ddof=correction), var_inputs),
    Case("std", lambda x, dim, keepdim: ag.std(x, dim, keepdim=keepdim),
         lambda x, dim, keepdim: np.std(x, axis=_axes(dim), keepdims=keepdim, ddof=1),
         std_inputs),
    Case("prod", lambda x, dim, keepdim: x.prod(dim, keepdim),
         lambda x, dim, keepdim: np.prod(x, axis=dim, keepdims=keepdim) if dim is not None
         else np.prod(x).reshape((1,) * x.ndim if keepdim else ()), prod_inputs),
    Case("cumsum", lambda x, dim: x.cumsum(dim), lambda x, dim: np.cumsum(x, axis=dim),
         with_dim().map(lambda t: ((t[0],), {"dim": t[1]}))),
    Case("norm", lambda x, p, dim, keepdim: x.norm(p, dim, keepdim), _norm_ref,
         norm_inputs.filter(lambda t: t[2] != np.inf).map(
             lambda t: ((_away_from_zero(t[0][0]),), {"p": t[2], "dim": t[0][1],
                                                     "keepdim": t[1]}))),
    Case("norm_inf", lambda x, p, dim, keepdim: x.norm(p, dim, keepdim), _norm_ref,
         st.tuples(with_dims(distinct=True), st.booleans()).map(
             lambda t: ((_away_from_zero(t[0][0]),), {"p": np.inf, "dim": t[0][1],
                                                     "keepdim": t[1]}))),
]


test_values, test_gradients, test_second_order = case_tests(CASES)


def test_var_unbiased_and_correction_spellings_agree():
    x = ag.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 9.0]])
    expected_unbiased = np.var(x.data, axis=1, ddof=1)
    expected_biased = np.var(x.data, axis=1)
    for got in (x.var(1), x.var(1, True), x.var(1, correction=1), ag.var(x, axis=1, ddof=1)):
        np.testing.assert_allclose(got.data, expected_unbiased, rtol=1e-6)
    for got in (x.var(1, False), x.var(1, unbiased=False), x.var(1, correction=0)):
        np.testing.assert_allclose(got.data, expected_biased, rtol=1e-6)
    assert x.var(False).item() == pytest.approx(np.var(x.data))
    assert x.var().item() == pytest.approx(np.var(x.data, ddof=1))
    with pytest.raises(TypeError, match="only one of"):
        x.var(1, True, correction=0)


def test_var_of_one_element_is_nan_like_pytorch():
    assert np.isnan(ag.tensor([2.0]).var().item())
    assert ag.tensor([2.0]).var(correction=0).item() == 0.0


def test_prod_with_zeros_has_exact_gradients():
    x = ag.tensor([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 4.0, 2.0]], dtype=np.float64,
                  requires_grad=True)
    x.prod(1).sum().backward()
    # one zero: only the zero gets the product of the others; two zeros: all zero
    np.testing.assert_array_equal(x.grad.data, [[0, 6, 0], [0, 0, 0], [8, 2, 4]])
    y = ag.tensor([3.0, 0.0, 2.0], dtype=np.float64, requires_grad=True)
    (g,) = _grad_with_graph(y.prod(), y)
    np.testing.assert_array_equal(g.data, [0.0, 6.0, 0.0])
    g[1].backward()  # d/dy of (y0 * y2)
    np.testing.assert_array_equal(y.grad.data, [2.0, 0.0, 3.0])


def _grad_with_graph(out, x):
    out.backward(create_graph=True)
    grad = x.grad
    x.grad = None
    return (grad,)


@given(arrays(shape=st.just((3, 4)), distinct=False))
def test_norm_at_zero_has_zero_gradient(x):
    for p in (1, 2, 3.0, np.inf):
        t = ag.zeros(3, 4, dtype=np.float64, requires_grad=True)
        t.norm(p).backward()
        np.testing.assert_array_equal(t.grad.data, np.zeros((3, 4)))
    t = ag.from_numpy(x.copy()).requires_grad_()
    assert t.norm().item() == pytest.approx(np.linalg.norm(x))


def test_norm_rejects_unknown_p():
    with pytest.raises(ValueError, match="norm: p='nuc' is not supported"):
        ag.randn(2, 2).norm("nuc")


def test_all_and_any_have_no_gradient():
    x = ag.tensor([[1.0, 0.0], [2.0, 3.0]], requires_grad=True)
    assert x.all().item() is False
    np.testing.assert_array_equal(x.all(1).data, [False, True])
    np.testing.assert_array_equal(ag.any(x, dim=0, keepdim=True).data, [[True, True]])
    assert x.any(1).grad_fn is None and not x.any(1).requires_grad


# ---- regressions found by differential testing against PyTorch ------------------------------


def test_empty_dim_tuple_reduces_every_dim_as_in_pytorch():
    x = ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x.sum(dim=()).shape == () and float(x.sum(dim=())) == 15.0
    assert x.mean(dim=[]).shape == ()
    assert x.var(dim=()).shape == () and x.amax(dim=()).shape == ()
    x.sum(dim=()).backward()
    np.testing.assert_array_equal(x.grad.data, np.ones((2, 3)))


def test_mean_of_integer_tensor_raises_like_pytorch():
    with pytest.raises(RuntimeError, match=r"mean.*int64"):
        ag.tensor([1, 2, 3]).mean()
    assert float(ag.tensor([1, 2]).mean(dtype=np.float64)) == 1.5


def test_std_gradient_is_zero_at_constant_input_first_and_second_order():
    x = ag.tensor([2.0, 2.0, 2.0], dtype=np.float64, requires_grad=True)
    (g,) = ag.grad(x.std(), x, create_graph=True)
    np.testing.assert_array_equal(g.data, np.zeros(3))
    (gg,) = ag.grad((g * ag.tensor([1.0, 2.0, 3.0], dtype=np.float64)).sum(), x)
    np.testing.assert_array_equal(gg.data, np.zeros(3))
    y = ag.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]], dtype=np.float64, requires_grad=True)
    y.std(1).sum().backward()
    np.testing.assert_array_equal(y.grad.data[1], np.zeros(3))
    assert np.isfinite(y.grad.data).all()


def test_prod_of_0d_tensor_along_dim():
    x = ag.tensor(3.0, dtype=np.float64, requires_grad=True)
    out = x.prod(0)
    assert out.shape == () and float(out) == 3.0
    out.backward()
    assert float(x.grad) == 1.0


def test_prod_of_a_zero_dim_tensor_checks_dim_like_pytorch():
    assert ag.prod(ag.tensor(3.0), 0).item() == 3.0 == ag.tensor(3.0).prod(-1).item()
    with pytest.raises(IndexError, match=r"prod: Dimension out of range .* got 2"):
        ag.prod(ag.tensor(3.0), 2)
