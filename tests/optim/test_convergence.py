"""Convergence: an ill-conditioned quadratic (condition number 100) and Rosenbrock's valley."""

import numpy as np
import pytest
from optim_problems import ill_conditioned, quadratic, rosenbrock, run

import autograd as ag
import optim

# name -> (factory, steps on the quadratic, steps on Rosenbrock)
SOLVERS = {
    "sgd_momentum": (lambda p: optim.SGD(p, lr=0.01, momentum=0.9), 400, None),
    "sgd_momentum_rosenbrock": (lambda p: optim.SGD(p, lr=1.5e-3, momentum=0.95), None, 800),
    "adam": (lambda p: optim.Adam(p, lr=0.02), None, 3600),
    # with a constant lr Adam hovers around the quadratic's minimum; a decaying lr settles it
    "adam_decaying_lr": (lambda p: optim.Adam(p, lr=0.02), 1500, None),
    "lbfgs": (lambda p: optim.LBFGS(p, line_search_fn="strong_wolfe", tolerance_change=1e-14),
              3, 3),
    "lbfgs_fixed_step": (lambda p: optim.LBFGS(p, history_size=10), 5, None),
    "newton": (lambda p: optim.Newton(p), 2, 30),
}


def _solve(name, problem, dtype):
    make, quadratic_steps, rosenbrock_steps = SOLVERS[name]
    if problem == "quadratic":
        A, b = ill_conditioned()
        x = ag.tensor(np.zeros(5, dtype), requires_grad=True)
        steps, target = quadratic_steps, np.linalg.solve(A, b)
        loss_fn = lambda: quadratic(x, A, b)  # noqa: E731
    else:
        x = ag.tensor(np.array([-1.2, 1.0], dtype), requires_grad=True)
        steps, target = rosenbrock_steps, np.ones(2)
        loss_fn = lambda: rosenbrock(x)  # noqa: E731
    opt = make([x])
    is_newton = isinstance(opt, optim.Newton)
    schedule = optim.lr_scheduler.ExponentialLR(opt, 0.998) if "decaying" in name else None
    run(opt, [x], loss_fn, steps, use_closure=True, scheduler=schedule, backward=not is_newton)
    return x.data, target


CASES = [
    (problem, name)
    for name, (_, quadratic_steps, rosenbrock_steps) in sorted(SOLVERS.items())
    for problem, steps in (("quadratic", quadratic_steps), ("rosenbrock", rosenbrock_steps))
    if steps is not None
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("problem, name", CASES)
def test_reaches_the_minimum(problem, name, dtype):
    found, target = _solve(name, problem, dtype)
    assert np.abs(found - target).max() < 1e-4, f"{name} on {problem}: {found} vs {target}"


@pytest.mark.parametrize("make", [
    lambda p: optim.SGD(p, lr=0.015),
    lambda p: optim.Adagrad(p, lr=0.5),
    lambda p: optim.RMSprop(p, lr=0.01),
    lambda p: optim.AdamW(p, lr=0.05, weight_decay=0.0),
    lambda p: optim.NAdam(p, lr=0.05),
    lambda p: optim.Adadelta(p, lr=1.0),
])
def test_first_order_methods_approach_the_quadratic_minimum(make):
    A, b = ill_conditioned()
    x = ag.tensor(np.zeros(5), requires_grad=True)
    target = np.linalg.solve(A, b)
    start_error = np.abs(target).max()
    run(make([x]), [x], lambda: quadratic(x, A, b), 500)
    assert np.abs(x.data - target).max() < 0.05 * start_error


def test_newton_beats_gradient_descent_on_rosenbrock():
    # the course notes' contrast: curvature-aware steps vs one step size for all directions
    def distance_after(opt_class, steps, **kwargs):
        x = ag.tensor(np.array([-1.2, 1.0]), requires_grad=True)
        opt = opt_class([x], **kwargs)
        run(opt, [x], lambda: rosenbrock(x), steps, use_closure=True,
            backward=opt_class is not optim.Newton)
        return np.abs(x.data - 1).max()

    assert distance_after(optim.Newton, 30) < 1e-8
    assert distance_after(optim.SGD, 30, lr=1e-3) > 0.1
