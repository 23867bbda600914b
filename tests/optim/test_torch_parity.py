"""Trajectories against torch.optim: same model, same data, 25 steps (optional: needs torch)."""

import numpy as np
import pytest
from optim_problems import network_data, network_loss, network_params, run

import optim
from optim import lr_scheduler

torch = pytest.importorskip("torch")

STEPS = 25

OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.5, dampening=0.3, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.2)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.3, 0.9), weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True, decoupled_weight_decay=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, amsgrad=True, weight_decay=0.5)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1)),
]

LBFGS_SETTINGS = [
    dict(),
    dict(lr=0.5, max_iter=4),
    dict(line_search_fn="strong_wolfe"),
    dict(history_size=3, max_iter=7, line_search_fn="strong_wolfe"),
]


def torch_run(make, data, steps, use_closure=False, make_scheduler=None, dtype=None):
    params = [torch.tensor(data[k].copy(), requires_grad=True) for k in ("W0", "b0", "W1")]
    opt = make(params)
    scheduler = make_scheduler(opt) if make_scheduler else None
    X, Y = torch.tensor(data["X"]), torch.tensor(data["Y"])

    def closure():
        opt.zero_grad()
        loss = ((torch.tanh(X @ params[0] + params[1]) @ params[2] - Y) ** 2).mean()
        loss.backward()
        return loss

    trajectory = []
    for _ in range(steps):
        if use_closure:
            opt.step(closure)
        else:
            closure()
            opt.step()
        if scheduler is not None:
            scheduler.step()
        trajectory.append(np.concatenate([p.detach().numpy().ravel() for p in params]))
    return np.array(trajectory)


def ours_run(make, data, steps, use_closure=False, make_scheduler=None):
    params = network_params(data)
    opt = make(params)
    scheduler = make_scheduler(opt) if make_scheduler else None
    return run(opt, params, lambda: network_loss(params, data), steps, use_closure, scheduler)


def _compare(mine, theirs, dtype):
    assert mine.shape == theirs.shape
    if dtype == np.float64:
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-11)
    else:
        np.testing.assert_allclose(mine, theirs, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name, kwargs", OPTIMIZERS)
def test_optimizer_trajectory_matches_torch(name, kwargs, dtype):
    data = network_data(dtype)
    mine = ours_run(lambda ps: getattr(optim, name)(ps, **kwargs), data, STEPS)
    theirs = torch_run(lambda ps: getattr(torch.optim, name)(ps, **kwargs), data, STEPS)
    assert np.abs(mine[-1] - mine[0]).max() > 1e-3  # the parameters did move
    _compare(mine, theirs, dtype)


@pytest.mark.parametrize("kwargs", LBFGS_SETTINGS)
def test_lbfgs_trajectory_matches_torch(kwargs):
    data = network_data(np.float64)
    mine = ours_run(lambda ps: optim.LBFGS(ps, **kwargs), data, STEPS, use_closure=True)
    theirs = torch_run(lambda ps: torch.optim.LBFGS(ps, **kwargs), data, STEPS, use_closure=True)
    np.testing.assert_allclose(mine, theirs, rtol=1e-7, atol=1e-9)


def test_lbfgs_float32_close_to_torch():
    data = network_data(np.float32)
    kwargs = dict(line_search_fn="strong_wolfe", max_iter=5)
    mine = ours_run(lambda ps: optim.LBFGS(ps, **kwargs), data, 5, use_closure=True)
    theirs = torch_run(lambda ps: torch.optim.LBFGS(ps, **kwargs), data, 5, use_closure=True)
    np.testing.assert_allclose(mine, theirs, rtol=1e-3, atol=1e-4)


SCHEDULES = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[3, 10, 10, 20], gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.001)),
    ("LinearLR", dict(start_factor=0.1, total_iters=8)),
    ("LinearLR", dict(start_factor=1.0, end_factor=0.2, total_iters=12)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 0.95**epoch + 1 / (epoch + 1))),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=STEPS)),
    ("OneCycleLR", dict(max_lr=[1.0, 2.0], total_steps=STEPS, three_phase=True,
                        anneal_strategy="linear", base_momentum=0.8)),
    ("OneCycleLR", dict(max_lr=0.5, epochs=5, steps_per_epoch=5, cycle_momentum=False)),
]


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("name, kwargs", SCHEDULES)
def test_schedule_values_match_torch(name, kwargs, opt_name):
    import autograd as ag

    opt_kwargs = dict(lr=0.1, momentum=0.9) if opt_name == "SGD" else dict(lr=0.1)
    mine_params = [ag.tensor([1.0], requires_grad=True) for _ in range(2)]
    their_params = [torch.tensor([1.0], requires_grad=True) for _ in range(2)]
    mine_opt = getattr(optim, opt_name)(
        [{"params": [mine_params[0]]}, {"params": [mine_params[1]], "lr": 0.3}], **opt_kwargs
    )
    their_opt = getattr(torch.optim, opt_name)(
        [{"params": [their_params[0]]}, {"params": [their_params[1]], "lr": 0.3}], **opt_kwargs
    )
    mine = getattr(lr_scheduler, name)(mine_opt, **kwargs)
    theirs = getattr(torch.optim.lr_scheduler, name)(their_opt, **kwargs)
    key = "betas" if opt_name == "Adam" else "momentum"
    for _ in range(STEPS):
        assert mine.get_last_lr() == theirs.get_last_lr()
        assert [g[key] for g in mine_opt.param_groups] == [g[key] for g in their_opt.param_groups]
        mine_opt.step()
        their_opt.step()
        mine.step()
        theirs.step()


def test_reduce_on_plateau_matches_torch():
    import autograd as ag

    metrics = [5, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2.9999, 2.9999, 2.9999, 2.9999] + [1] * 10
    for kwargs in (
        dict(patience=2, cooldown=1, factor=0.5, min_lr=0.01),
        dict(mode="max", patience=1, threshold=0.5, threshold_mode="abs"),
        dict(patience=0, min_lr=[0.001, 0.02]),
    ):
        mine_opt = optim.SGD(
            [{"params": [ag.tensor([1.0], requires_grad=True)]},
             {"params": [ag.tensor([1.0], requires_grad=True)], "lr": 0.3}], lr=0.1)
        their_opt = torch.optim.SGD(
            [{"params": [torch.tensor([1.0], requires_grad=True)]},
             {"params": [torch.tensor([1.0], requires_grad=True)], "lr": 0.3}], lr=0.1)
        mine = lr_scheduler.ReduceLROnPlateau(mine_opt, **kwargs)
        theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(their_opt, **kwargs)
        seen = set()
        for metric in metrics:
            mine.step(metric)
            theirs.step(metric)
            assert mine.get_last_lr() == theirs.get_last_lr()
            seen.add(tuple(mine.get_last_lr()))
        assert len(seen) > 1  # the lr was reduced at least once


def test_scheduled_adam_trajectory_matches_torch():
    data = network_data(np.float64)

    def make(module):
        return lambda opt: module.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=STEPS)

    mine = ours_run(lambda ps: optim.Adam(ps), data, STEPS, make_scheduler=make(optim))
    theirs = torch_run(lambda ps: torch.optim.Adam(ps), data, STEPS,
                       make_scheduler=make(torch.optim))
    np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-11)
