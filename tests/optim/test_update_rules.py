"""Each optimizer's first steps on f(x) = sum(a * x^2) / 2 (gradient a * x), against the
update rule written out by hand from its docstring formula."""

import math

import numpy as np
import pytest

import autograd as ag
import optim

A = np.array([1.0, 4.0, 0.25])
X0 = np.array([1.0, -2.0, 3.0])
STEPS = 4


def take_steps(opt_class, steps=STEPS, **kwargs):
    x = ag.tensor(X0.copy(), requires_grad=True)
    opt = opt_class([x], **kwargs)
    values = []
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * (ag.tensor(A) * x * x).sum()).backward()
        opt.step()
        values.append(x.data.copy())
    return values


def by_hand(update, steps=STEPS):
    """Apply ``update(x, g, t) -> new x`` with g = a * x, t = 1, 2, ..."""
    x = X0.copy()
    values = []
    for t in range(1, steps + 1):
        x = update(x, A * x, t)
        values.append(x.copy())
    return values


def assert_same(mine, expected):
    for step, (m, e) in enumerate(zip(mine, expected), 1):
        np.testing.assert_allclose(m, e, rtol=1e-12, atol=1e-14, err_msg=f"step {step}")


def test_sgd_momentum_worked_example():
    # f = x^2 / 2 from x = 1 with lr 0.1, momentum 0.9: v = 1, 1.8, 2.34 -> x = .9, .72, .486
    x = ag.tensor([1.0], dtype=np.float64, requires_grad=True)
    opt = optim.SGD([x], lr=0.1, momentum=0.9)
    seen = []
    for _ in range(3):
        opt.zero_grad()
        (0.5 * x * x).sum().backward()
        opt.step()
        seen.append(x.item())
    assert seen == pytest.approx([0.9, 0.72, 0.486], abs=1e-15)
    assert opt.state[x]["momentum_buffer"] == pytest.approx([2.34])


def test_sgd_plain():
    assert_same(take_steps(optim.SGD, lr=0.1), by_hand(lambda x, g, t: x - 0.1 * g))


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_momentum_weight_decay(nesterov):
    lr, mu, wd = 0.1, 0.8, 0.05
    velocity = {}

    def update(x, g, t):
        g = g + wd * x
        velocity["v"] = g if t == 1 else mu * velocity["v"] + g
        step = g + mu * velocity["v"] if nesterov else velocity["v"]
        return x - lr * step

    mine = take_steps(optim.SGD, lr=lr, momentum=mu, weight_decay=wd, nesterov=nesterov)
    assert_same(mine, by_hand(update))


def test_sgd_dampening_and_maximize():
    lr, mu, damp = 0.1, 0.5, 0.3
    velocity = {}

    def update(x, g, t):
        g = -g  # maximize: ascend
        velocity["v"] = g if t == 1 else mu * velocity["v"] + (1 - damp) * g
        return x - lr * velocity["v"]

    mine = take_steps(optim.SGD, lr=lr, momentum=mu, dampening=damp, maximize=True)
    assert_same(mine, by_hand(update))


def test_adagrad():
    lr, decay, eps, init = 0.5, 0.1, 1e-10, 0.3
    cache = {"c": np.full(3, init)}

    def update(x, g, t):
        cache["c"] = cache["c"] + g * g
        return x - lr / (1 + (t - 1) * decay) * g / (np.sqrt(cache["c"]) + eps)

    mine = take_steps(optim.Adagrad, lr=lr, lr_decay=decay, initial_accumulator_value=init)
    assert_same(mine, by_hand(update))


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.6])
def test_rmsprop(centered, momentum):
    lr, alpha, eps, wd = 0.01, 0.9, 1e-8, 0.1
    s = {"cache": np.zeros(3), "mean": np.zeros(3), "v": np.zeros(3)}

    def update(x, g, t):
        g = g + wd * x
        s["cache"] = alpha * s["cache"] + (1 - alpha) * g * g
        s["mean"] = alpha * s["mean"] + (1 - alpha) * g
        second = s["cache"] - s["mean"] ** 2 if centered else s["cache"]
        step = g / (np.sqrt(second) + eps)
        if momentum:
            s["v"] = momentum * s["v"] + step
            step = s["v"]
        return x - lr * step

    mine = take_steps(optim.RMSprop, lr=lr, alpha=alpha, weight_decay=wd, momentum=momentum,
                      centered=centered)
    assert_same(mine, by_hand(update))


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam(amsgrad):
    lr, b1, b2, eps, wd = 0.1, 0.8, 0.9, 1e-8, 0.01
    s = {"m": np.zeros(3), "v": np.zeros(3), "vmax": np.zeros(3)}

    def update(x, g, t):
        g = g + wd * x
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * g * g
        m_hat = s["m"] / (1 - b1**t)
        v_hat = s["v"] / (1 - b2**t)
        if amsgrad:
            s["vmax"] = np.maximum(s["vmax"], s["v"])
            v_hat = s["vmax"] / (1 - b2**t)
        return x - lr * m_hat / (np.sqrt(v_hat) + eps)

    mine = take_steps(optim.Adam, lr=lr, betas=(b1, b2), weight_decay=wd, amsgrad=amsgrad)
    assert_same(mine, by_hand(update))


def test_adam_first_step_has_size_lr_in_every_coordinate():
    # bias correction: m_hat = g and v_hat = g^2 at step 1, so the step is lr * sign(g)
    (after,) = take_steps(optim.Adam, steps=1, lr=0.1)
    np.testing.assert_allclose(X0 - after, 0.1 * np.sign(A * X0), rtol=1e-6)


def test_adamw_decays_the_weights_not_the_gradient():
    lr, b1, b2, eps, wd = 0.1, 0.9, 0.999, 1e-8, 0.5
    s = {"m": np.zeros(3), "v": np.zeros(3)}

    def update(x, g, t):
        x = x * (1 - lr * wd)
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * g * g
        return x - lr * (s["m"] / (1 - b1**t)) / (np.sqrt(s["v"] / (1 - b2**t)) + eps)

    assert_same(take_steps(optim.AdamW, lr=lr, weight_decay=wd), by_hand(update))


def test_nadam():
    lr, b1, b2, eps, psi = 0.05, 0.9, 0.99, 1e-8, 0.004
    s = {"m": np.zeros(3), "v": np.zeros(3), "P": 1.0}

    def mu(t):
        return b1 * (1 - 0.5 * 0.96 ** (t * psi))

    def update(x, g, t):
        s["P"] *= mu(t)
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * g * g
        denom = np.sqrt(s["v"] / (1 - b2**t)) + eps
        return (x - lr * (1 - mu(t)) / (1 - s["P"]) * g / denom
                - lr * mu(t + 1) / (1 - s["P"] * mu(t + 1)) * s["m"] / denom)

    ag.set_default_dtype(np.float64)  # the running product of mu in float64, as by hand
    try:
        mine = take_steps(optim.NAdam, lr=lr, betas=(b1, b2))
    finally:
        ag.set_default_dtype(np.float32)
    assert_same(mine, by_hand(update))


def test_adadelta():
    lr, rho, eps = 0.9, 0.8, 1e-6
    s = {"v": np.zeros(3), "u": np.zeros(3)}

    def update(x, g, t):
        s["v"] = rho * s["v"] + (1 - rho) * g * g
        delta = np.sqrt(s["u"] + eps) / np.sqrt(s["v"] + eps) * g
        s["u"] = rho * s["u"] + (1 - rho) * delta * delta
        return x - lr * delta

    assert_same(take_steps(optim.Adadelta, lr=lr, rho=rho), by_hand(update))


def test_lbfgs_first_iteration_is_a_scaled_gradient_step():
    # first iteration: d = -g, t = min(1, 1 / sum|g|) * lr
    x = ag.tensor(X0.copy(), requires_grad=True)
    opt = optim.LBFGS([x], lr=0.5, max_iter=1)

    def closure():
        opt.zero_grad()
        loss = 0.5 * (ag.tensor(A) * x * x).sum()
        loss.backward()
        return loss

    opt.step(closure)
    g = A * X0
    np.testing.assert_allclose(x.data, X0 - min(1.0, 1.0 / np.abs(g).sum()) * 0.5 * g)


def test_lbfgs_solves_a_quadratic_in_few_iterations():
    # the curvature pairs (s, y) teach L-BFGS the Hessian diag(a) within a few iterations
    x = ag.tensor(X0.copy(), requires_grad=True)
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe", max_iter=20, tolerance_grad=1e-10,
                      tolerance_change=1e-30)

    def closure():
        opt.zero_grad()
        loss = 0.5 * (ag.tensor(A) * x * x).sum()
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(x.data, 0, atol=1e-8)
    assert opt.state[x]["n_iter"] < 20  # stopped because max|g| <= tolerance_grad


def test_newton_one_step_solves_a_quadratic():
    x = ag.tensor(X0.copy(), requires_grad=True)
    opt = optim.Newton([x], damping=0.0)
    opt.step(lambda: 0.5 * (ag.tensor(A) * x * x).sum())
    np.testing.assert_allclose(x.data, 0, atol=1e-12)


def test_newton_damped_step_formula():
    # fixed damping: x <- x - lr * (H + lambda I)^-1 g, with H = diag(a)
    lr, damping = 0.7, 0.5
    x = ag.tensor(X0.copy(), requires_grad=True)
    opt = optim.Newton([x], lr=lr, damping=damping, adaptive_damping=False)
    opt.step(lambda: 0.5 * (ag.tensor(A) * x * x).sum())
    np.testing.assert_allclose(x.data, X0 - lr * (A * X0) / (A + damping), rtol=1e-12)
    assert math.isclose(opt.state[x]["damping"], damping)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_matches_the_course_notes_velocity_form(nesterov):
    # notes: v <- mu v - lr g; x <- x + v  (Nesterov: x <- x - mu v_prev + (1 + mu) v)
    lr, mu = 0.1, 0.9
    velocity = {"v": np.zeros(3)}

    def notes_update(x, g, t):
        previous = velocity["v"]
        velocity["v"] = mu * previous - lr * g
        return x - mu * previous + (1 + mu) * velocity["v"] if nesterov else x + velocity["v"]

    assert_same(take_steps(optim.SGD, lr=lr, momentum=mu, nesterov=nesterov),
                by_hand(notes_update))
