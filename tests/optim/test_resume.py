"""Training resumed from a checkpoint continues exactly as an uninterrupted run."""

import copy

import numpy as np
import pytest
from optim_problems import as_file_format, network_data, network_loss, network_params, run

import autograd as ag
import optim
from optim import lr_scheduler

TOTAL, SPLIT = 10, 4

OPTIMIZERS = [
    ("SGD", lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    ("Adagrad", lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01)),
    ("RMSprop", lambda p: optim.RMSprop(p, momentum=0.5, centered=True)),
    ("Adam", lambda p: optim.Adam(p, lr=0.01, amsgrad=True)),
    ("AdamW", lambda p: optim.AdamW(p, lr=0.01)),
    ("NAdam", lambda p: optim.NAdam(p)),
    ("Adadelta", lambda p: optim.Adadelta(p)),
    ("LBFGS", lambda p: optim.LBFGS(p, max_iter=3, history_size=4)),
    ("LBFGS-wolfe", lambda p: optim.LBFGS(p, max_iter=3, line_search_fn="strong_wolfe")),
    ("Newton", lambda p: optim.Newton(p, damping=1e-3)),
]


def _session(make, data, steps, checkpoint=None, through_file=False):
    """Run ``steps`` steps, first restoring ``checkpoint`` if given; returns the trajectory and
    a checkpoint (parameters + optimizer state)."""
    params = network_params(data)
    opt = make(params)
    if checkpoint is not None:
        for p, value in zip(params, checkpoint["params"]):
            p.data[...] = value
        saved = checkpoint["optimizer"]
        opt.load_state_dict(as_file_format(saved) if through_file else saved)
    closure_based = isinstance(opt, (optim.LBFGS, optim.Newton))
    trajectory = run(opt, params, lambda: network_loss(params, data), steps,
                     use_closure=closure_based, backward=not isinstance(opt, optim.Newton))
    state = {"params": [p.data.copy() for p in params], "optimizer": opt.state_dict()}
    return trajectory, copy.deepcopy(state)


@pytest.mark.parametrize("through_file", [False, True], ids=["dict", "file-format"])
@pytest.mark.parametrize("name, make", OPTIMIZERS, ids=[n for n, _ in OPTIMIZERS])
def test_resume_equals_uninterrupted_run(name, make, through_file):
    data = network_data(np.float32)
    uninterrupted, _ = _session(make, data, TOTAL)
    first, checkpoint = _session(make, data, SPLIT)
    second, _ = _session(make, data, TOTAL - SPLIT, checkpoint, through_file)
    np.testing.assert_array_equal(np.concatenate([first, second]), uninterrupted)
    # a run that forgets the optimizer state goes elsewhere (the test can fail)
    fresh_checkpoint = {"params": checkpoint["params"], "optimizer": make(
        network_params(data)).state_dict()}
    if name != "Newton":  # Newton's only state, its damping, stays at its floor here
        forgetful, _ = _session(make, data, TOTAL - SPLIT, fresh_checkpoint)
        assert not np.array_equal(forgetful, second)


def test_resume_with_scheduler():
    data = network_data(np.float32)

    def session(steps, checkpoint=None):
        params = network_params(data)
        opt = optim.SGD(params, lr=0.1, momentum=0.9)
        schedule = lr_scheduler.OneCycleLR(opt, max_lr=0.2, total_steps=TOTAL)
        if checkpoint is not None:
            for p, value in zip(params, checkpoint["params"]):
                p.data[...] = value
            opt.load_state_dict(as_file_format(checkpoint["optimizer"]))
            schedule.load_state_dict(checkpoint["schedule"])
        trajectory = run(opt, params, lambda: network_loss(params, data), steps,
                         scheduler=schedule)
        return trajectory, copy.deepcopy({
            "params": [p.data.copy() for p in params],
            "optimizer": opt.state_dict(),
            "schedule": schedule.state_dict(),
        }), schedule.get_last_lr()

    uninterrupted, _, final_lr = session(TOTAL - 1)
    first, checkpoint, _ = session(SPLIT)
    second, _, resumed_lr = session(TOTAL - 1 - SPLIT, checkpoint)
    np.testing.assert_array_equal(np.concatenate([first, second]), uninterrupted)
    assert resumed_lr == final_lr


def test_scheduler_resume_with_last_epoch_needs_initial_lr():
    opt = optim.SGD([ag.tensor([1.0], requires_grad=True)], lr=0.1)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(opt, step_size=2, last_epoch=3)
