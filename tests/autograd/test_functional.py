"""grad, jacobian, hessian, vjp, jvp, hvp: against closed forms."""

import numpy as np
import pytest

import autograd as ag
from autograd import functional as F


def f64(values, requires_grad=False):
    return ag.tensor(values, dtype=np.float64, requires_grad=requires_grad)


def test_grad_returns_tuple_and_leaves_grad_untouched():
    x, y = f64([1.0, 2.0], True), f64(3.0, True)
    gx, gy = ag.grad((x * y).sum(), (x, y))
    assert gx.tolist() == [3.0, 3.0] and gy.item() == 3.0
    assert x.grad is None and y.grad is None


def test_grad_with_grad_outputs_and_multiple_outputs():
    x = f64([1.0, 2.0], True)
    (g,) = ag.grad([x * 2, x * 3], x, grad_outputs=[f64([1.0, 1.0]), f64([1.0, 0.0])])
    assert g.tolist() == [5.0, 2.0]


def test_unused_input_message_and_allow_unused():
    x, y = f64(1.0, True), f64(2.0, True)
    with pytest.raises(RuntimeError, match="Tensor at index 1 appears to not have been used in "
                                           "the graph"):
        ag.grad(x * 2, (x, y))
    assert ag.grad(x * 2, (x, y), allow_unused=True)[1] is None


def test_grad_of_input_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.grad(f64(1.0, True) * 2, f64(1.0))


def test_jacobian_shapes_and_values():
    x = f64([1.0, 2.0, 3.0])
    J = F.jacobian(lambda t: t**2, x)
    np.testing.assert_allclose(J.data, np.diag([2.0, 4.0, 6.0]))
    A = np.arange(6.0).reshape(2, 3)
    J2 = F.jacobian(lambda t: ag.from_numpy(A) @ t, x)
    np.testing.assert_allclose(J2.data, A)
    ja, jb = F.jacobian(lambda a, b: a * b, (x, f64([4.0, 5.0, 6.0])))
    np.testing.assert_allclose(ja.data, np.diag([4.0, 5.0, 6.0]))
    np.testing.assert_allclose(jb.data, np.diag([1.0, 2.0, 3.0]))
    M = f64(np.ones((2, 2)))
    assert F.jacobian(lambda m: m * 3, M).shape == (2, 2, 2, 2)


def test_hessian_of_quadratic_form_and_of_two_inputs():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 3))
    x = f64(rng.standard_normal(3))
    H = F.hessian(lambda t: t @ ag.from_numpy(A) @ t, x)
    np.testing.assert_allclose(H.data, A + A.T, rtol=1e-10)
    M, v = f64(rng.standard_normal((2, 3))), f64(rng.standard_normal(3))
    blocks = F.hessian(lambda m, w: ((m @ w) ** 2).sum(), (M, v))
    np.testing.assert_allclose(blocks[1][1].data, 2 * M.data.T @ M.data, rtol=1e-10)
    assert blocks[0][1].shape == (2, 3, 3)


def test_hessian_with_create_graph_is_differentiable():
    x = f64([1.0, 2.0], True)
    H = F.hessian(lambda t: (t**3).sum(), x, create_graph=True)
    np.testing.assert_allclose(H.data, np.diag([6.0, 12.0]))
    (third,) = ag.grad(H.sum(), x)
    assert third.tolist() == [6.0, 6.0]


def test_vjp_jvp_hvp():
    x = f64([1.0, 2.0])
    out, v = F.vjp(lambda t: t**3, x, f64([1.0, 1.0]))
    assert out.tolist() == [1.0, 8.0] and v.tolist() == [3.0, 12.0]
    out, jv = F.jvp(lambda t: t**3, x, f64([1.0, 0.0]))
    assert jv.tolist() == [3.0, 0.0]
    out, hv = F.hvp(lambda t: (t**3).sum(), x, f64([1.0, 1.0]))
    assert out.item() == 9.0 and hv.tolist() == [6.0, 12.0]


def test_functional_api_is_exported_at_top_level():
    assert ag.jacobian is F.jacobian and ag.hessian is F.hessian and ag.grad is F.grad


def test_jacobian_and_hessian_accept_pytorchs_strategy_arguments():
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    for strategy in ("reverse-mode", "forward-mode"):  # same result: computed in reverse mode
        np.testing.assert_allclose(ag.jacobian(lambda v: v ** 2, x, strategy=strategy).data,
                                   np.diag([2.0, 4.0]))
        np.testing.assert_allclose(
            ag.hessian(lambda v: (v ** 3).sum(), x, outer_jacobian_strategy=strategy).data,
            np.diag([6.0, 12.0]))
    with pytest.raises(ValueError, match='strategy to be either "forward-mode" or '
                                         '"reverse-mode", got \'sideways\''):
        ag.jacobian(lambda v: v, x, strategy="sideways")
