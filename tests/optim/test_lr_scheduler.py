"""Learning-rate schedules: each lr sequence against its formula, chaining, state, errors."""

import math

import pytest

import autograd as ag
import optim
from optim import lr_scheduler

BASE = 0.1
EPOCHS = 30


def make_optimizer(lr=BASE, cls=optim.SGD, **kwargs):
    return cls([ag.tensor([1.0], requires_grad=True)], lr=lr, **kwargs)


def lr_sequence(schedule, epochs=EPOCHS):
    """lr at epochs 0 .. epochs-1 (optimizer.step() then scheduler.step() each epoch)."""
    values = []
    for _ in range(epochs):
        values.append(schedule.get_last_lr()[0])
        assert schedule.optimizer.param_groups[0]["lr"] == values[-1]
        schedule.optimizer.step()
        schedule.step()
    return values


FORMULAS = [
    (lambda o: lr_scheduler.StepLR(o, step_size=7, gamma=0.5),
     lambda e: BASE * 0.5 ** (e // 7)),
    (lambda o: lr_scheduler.MultiStepLR(o, milestones=[5, 12, 12, 20], gamma=0.1),
     lambda e: BASE * 0.1 ** sum(m <= e for m in [5, 12, 12, 20])),
    (lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9),
     lambda e: BASE * 0.9**e),
    (lambda o: lr_scheduler.InverseTimeLR(o, decay=0.5),
     lambda e: BASE / (1 + 0.5 * e)),
    (lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
     lambda e: 0.001 + (BASE - 0.001) * (1 + math.cos(math.pi * e / 10)) / 2),
    (lambda o: lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=8),
     lambda e: BASE * (0.25 + 0.75 * min(e, 8) / 8)),
    (lambda o: lr_scheduler.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=10),
     lambda e: BASE * (1.0 - 0.9 * min(e, 10) / 10)),
    (lambda o: lr_scheduler.LambdaLR(o, lambda e: 1 / math.sqrt(e + 1)),
     lambda e: BASE / math.sqrt(e + 1)),
]


@pytest.mark.parametrize("make, formula", FORMULAS)
def test_lr_sequence_follows_the_formula(make, formula):
    values = lr_sequence(make(make_optimizer()))
    expected = [formula(e) for e in range(EPOCHS)]
    assert values == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert len(set(values)) > 1


@pytest.mark.parametrize("make, formula", FORMULAS)
def test_step_with_epoch_jumps_to_the_closed_form(make, formula):
    schedule = make(make_optimizer())
    schedule.step(13)
    assert schedule.get_last_lr()[0] == pytest.approx(formula(13), rel=1e-12)


def test_one_cycle_follows_the_formula():
    total, top = 20, 1.0
    opt = make_optimizer(cls=optim.SGD, momentum=0.9)
    schedule = lr_scheduler.OneCycleLR(opt, max_lr=top, total_steps=total)
    start, low = top / 25, top / 25 / 1e4
    rise_end = 0.3 * total - 1

    def cos_anneal(a, b, pct):
        return b + (a - b) / 2 * (1 + math.cos(math.pi * pct))

    for step in range(total):
        if step <= rise_end:
            pct = step / rise_end
            lr, momentum = cos_anneal(start, top, pct), cos_anneal(0.95, 0.85, pct)
        else:
            pct = (step - rise_end) / (total - 1 - rise_end)
            lr, momentum = cos_anneal(top, low, pct), cos_anneal(0.85, 0.95, pct)
        assert schedule.get_last_lr()[0] == pytest.approx(lr, rel=1e-12)
        assert opt.param_groups[0]["momentum"] == pytest.approx(momentum, rel=1e-12)
        opt.step()
        schedule.step()
    with pytest.raises(ValueError, match="Tried to step 21 times"):
        schedule.step()


def test_one_cycle_cycles_adam_beta1():
    opt = make_optimizer(cls=optim.Adam, betas=(0.9, 0.99))
    lr_scheduler.OneCycleLR(opt, max_lr=0.01, total_steps=10)
    assert opt.param_groups[0]["betas"] == (0.95, 0.99)


def test_schedules_chain():
    opt = make_optimizer()
    decay = lr_scheduler.ExponentialLR(opt, gamma=0.9)
    steps = lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    for epoch in range(1, 10):
        opt.step()
        decay.step()
        steps.step()
        assert opt.param_groups[0]["lr"] == pytest.approx(BASE * 0.9**epoch * 0.5 ** (epoch // 3))


def test_each_group_keeps_its_base_lr():
    a, b = ag.tensor([1.0], requires_grad=True), ag.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1)
    schedule = lr_scheduler.InverseTimeLR(opt, decay=1.0)
    assert schedule.base_lrs == [0.1, 1.0]
    opt.step()
    schedule.step()
    assert schedule.get_last_lr() == [0.05, 0.5]


def test_reduce_on_plateau_by_hand():
    opt = make_optimizer(lr=1.0)
    schedule = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1, min_lr=0.2)
    metrics = [10, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]
    # 9 is the best at epoch 1; epochs 2, 3, 4 are bad: 3 > patience -> lr 0.5 at epoch 4;
    # epoch 5 is cooldown (not counted); 6, 7, 8 bad -> 0.25 at epoch 8
    lrs = []
    for metric in metrics:
        schedule.step(metric)
        lrs.append(schedule.get_last_lr()[0])
    assert lrs == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25]
    for _ in range(10):
        schedule.step(9)
    assert schedule.get_last_lr() == [0.2]  # never below min_lr


def test_reduce_on_plateau_max_mode_and_threshold():
    opt = make_optimizer(lr=1.0)
    schedule = lr_scheduler.ReduceLROnPlateau(opt, mode="max", patience=0, threshold=0.1,
                                              threshold_mode="abs")
    schedule.step(1.0)
    schedule.step(1.05)  # not better by more than 0.1: a bad epoch, patience 0 -> reduce
    assert schedule.get_last_lr() == [pytest.approx(0.1)]
    schedule.step(1.2)
    assert schedule.best == 1.2 and schedule.num_bad_epochs == 0


def test_state_dict_round_trip():
    opt = make_optimizer()
    schedule = lr_scheduler.MultiStepLR(opt, milestones=[2, 4], gamma=0.5)
    for _ in range(3):
        opt.step()
        schedule.step()
    saved = schedule.state_dict()
    assert "optimizer" not in saved and saved["milestones"] == [2, 4]
    assert saved["last_epoch"] == 3 and saved["_last_lr"] == [0.05]
    other_opt = make_optimizer()
    other_opt.load_state_dict(opt.state_dict())
    other = lr_scheduler.MultiStepLR(other_opt, milestones=[100])
    other.load_state_dict(saved)
    for _ in range(2):
        opt.step()
        schedule.step()
        other_opt.step()
        other.step()
        assert other.get_last_lr() == schedule.get_last_lr()
    assert schedule.get_last_lr() == [0.025]


def test_lambda_state_dict_skips_functions():
    schedule = lr_scheduler.LambdaLR(make_optimizer(), lambda e: 0.5**e)
    assert schedule.state_dict()["lr_lambdas"] == [None]


@pytest.mark.parametrize("make, error, match", [
    (lambda: lr_scheduler.StepLR(object(), step_size=2), TypeError, "is not an Optimizer"),
    (lambda: lr_scheduler.StepLR(make_optimizer(), step_size=0), ValueError, "step_size"),
    (lambda: lr_scheduler.LinearLR(make_optimizer(), start_factor=0), ValueError, "Starting"),
    (lambda: lr_scheduler.LinearLR(make_optimizer(), end_factor=2), ValueError, "Ending"),
    (lambda: lr_scheduler.CosineAnnealingLR(make_optimizer(), T_max=0), ValueError, "T_max"),
    (lambda: lr_scheduler.InverseTimeLR(make_optimizer(), decay=-1), ValueError, "decay"),
    (lambda: lr_scheduler.LambdaLR(make_optimizer(), [abs, abs]), ValueError, "lr_lambdas"),
    (lambda: lr_scheduler.ReduceLROnPlateau(make_optimizer(), factor=1.0), ValueError, "Factor"),
    (lambda: lr_scheduler.ReduceLROnPlateau(make_optimizer(), mode="up"), ValueError, "mode"),
    (lambda: lr_scheduler.OneCycleLR(make_optimizer(), max_lr=1.0), ValueError,
     "total_steps OR"),
    (lambda: lr_scheduler.OneCycleLR(make_optimizer(), max_lr=1.0, total_steps=10,
                                     pct_start=1.5), ValueError, "pct_start"),
    (lambda: lr_scheduler.OneCycleLR(make_optimizer(cls=optim.Adagrad), max_lr=1.0,
                                     total_steps=10), ValueError, "momentum or beta1"),
    (lambda: lr_scheduler.OneCycleLR(make_optimizer(), max_lr=[1.0, 2.0], total_steps=10),
     ValueError, "same length"),
])
def test_bad_schedule_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()
