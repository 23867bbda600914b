"""Newton: the exact Hessian by double backward, damped steps, Levenberg-Marquardt control."""

import numpy as np
import pytest

import autograd as ag
import optim
from optim.newton import gradient_and_hessian


def test_gradient_and_hessian_across_two_parameters():
    # f(w, b) = sum((X w + b - y)^2) / 2: gradient [X^T r; sum r], Hessian [[X^T X, X^T 1],
    # [1^T X, n]] with r = X w + b - y
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((6, 3)), rng.standard_normal(6)
    w = ag.tensor(rng.standard_normal(3), requires_grad=True)
    b = ag.tensor(np.array([0.5]), requires_grad=True)
    loss = 0.5 * (((ag.tensor(X) @ w + b) - ag.tensor(y)) ** 2).sum()
    gradient, hessian = gradient_and_hessian(loss, [w, b])
    r = X @ w.data + b.data - y
    np.testing.assert_allclose(gradient, np.concatenate([X.T @ r, [r.sum()]]), rtol=1e-12)
    design = np.hstack([X, np.ones((6, 1))])
    np.testing.assert_allclose(hessian, design.T @ design, rtol=1e-12)
    np.testing.assert_allclose(w.grad.data, X.T @ r, rtol=1e-12)  # p.grad holds the gradient


def test_hessian_of_rosenbrock_matches_the_formula():
    x = ag.tensor(np.array([-1.2, 1.0]), requires_grad=True)
    loss = 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2
    gradient, hessian = gradient_and_hessian(loss, [x])
    u, v = -1.2, 1.0
    np.testing.assert_allclose(
        gradient, [-400 * u * (v - u * u) - 2 * (1 - u), 200 * (v - u * u)], rtol=1e-12
    )
    np.testing.assert_allclose(
        hessian, [[1200 * u * u - 400 * v + 2, -400 * u], [-400 * u, 200]], rtol=1e-12
    )


def test_parameter_outside_the_loss_gets_zero_rows():
    x, unused = (ag.tensor(np.array([1.0, 2.0]), requires_grad=True) for _ in range(2))
    gradient, hessian = gradient_and_hessian((x * x * x).sum(), [x, unused])
    np.testing.assert_allclose(gradient, [3.0, 12.0, 0.0, 0.0])
    np.testing.assert_allclose(hessian, np.diag([6.0, 12.0, 0.0, 0.0]))


def test_damping_grows_where_the_hessian_is_not_positive_definite():
    # f = x^2 - y^2 + y^4 / 4 at y = 0.5: H = diag(2, -2 + 3 y^2) has a negative eigenvalue,
    # so a plain Newton step would head for the saddle; the damped step still goes downhill
    p = ag.tensor(np.array([1.0, 0.5]), requires_grad=True)

    def loss():
        return p[0] ** 2 - p[1] ** 2 + p[1] ** 4 / 4

    opt = optim.Newton([p], damping=1e-6)
    before = loss().item()
    opt.step(loss)
    assert loss().item() < before
    assert opt.state[p]["damping"] > 1e-6
    for _ in range(30):
        opt.step(loss)
    np.testing.assert_allclose(p.data, [0.0, np.sqrt(2.0)], atol=1e-8)
    assert opt.state[p]["damping"] == pytest.approx(1e-6)  # back at the floor


def test_rejected_steps_leave_the_parameters_unchanged():
    p = ag.tensor(np.array([1.0]), requires_grad=True)
    opt = optim.Newton([p], max_damping_tries=2)

    def loss():
        return (p * 0 + 1).sum() if ag.is_grad_enabled() else (p * 0 + 2).sum()

    opt.step(loss)  # every trial "raises" the loss: no step is kept
    assert p.data[0] == 1.0


def test_closure_that_calls_backward_gets_a_clear_error():
    p = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)

    def closure():
        loss = (p * p).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="without calling loss.backward"):
        optim.Newton([p]).step(closure)


def test_closure_must_return_a_scalar_tensor():
    p = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(TypeError, match="one-element Tensor"):
        optim.Newton([p]).step(lambda: p * p)


def test_float32_parameters_stay_float32():
    p = ag.tensor(np.array([3.0, -1.0], np.float32), requires_grad=True)
    optim.Newton([p], damping=0.0).step(lambda: ((p - 1) ** 2).sum())
    assert p.data.dtype == np.float32
    np.testing.assert_allclose(p.data, [1.0, 1.0], atol=1e-6)
