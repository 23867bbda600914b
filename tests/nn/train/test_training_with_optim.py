"""fit with gategrad's real optimizers, schedulers and EarlyStopping (model: a stand-in)."""

import numpy as np
import pytest
from training_standins import TinyMLP, cross_entropy

import autograd as ag
import optim
from nn.data import DataLoader, TensorDataset, make_spirals
from nn.train import fit, read_checkpoint


def setup():
    X, y = make_spirals(96, n_classes=3, seed=0)
    train = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True, seed=2)
    val = DataLoader(TensorDataset(X[:48], y[:48]), batch_size=48)
    model = TinyMLP(2, 16, 3, seed=1)
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=6)
    stopper = optim.EarlyStopping(patience=50)
    return model, optimizer, scheduler, stopper, train, val


def test_adam_cosine_and_early_stopping_resume_exactly(tmp_path):
    model, optimizer, scheduler, stopper, train, val = setup()
    straight = fit(model, cross_entropy, optimizer, train, val, epochs=6, scheduler=scheduler,
                   early_stopping=stopper, progress=False)
    expected = model.state_dict()

    path = tmp_path / "run.npz"
    model, optimizer, scheduler, stopper, train, val = setup()
    fit(model, cross_entropy, optimizer, train, val, epochs=3, scheduler=scheduler,
        early_stopping=stopper, checkpoint=path, progress=False)
    saved = read_checkpoint(path)
    assert saved["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert set(saved["optimizer"]["state"]) == {0, 1, 2, 3}
    model, optimizer, scheduler, stopper, train, val = setup()
    resumed = fit(model, cross_entropy, optimizer, train, val, epochs=6, scheduler=scheduler,
                  early_stopping=stopper, checkpoint=path, resume=True, progress=False)
    assert resumed.rows == straight.rows
    assert resumed["lr"][0] == 0.01 and resumed["lr"][-1] < 0.01
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, expected[name], err_msg=name)
    assert stopper.epoch == 5 and stopper.best == min(straight["val_loss"])


def test_optim_early_stopping_ends_training():
    ag.manual_seed(0)
    model, optimizer, _, _, train, val = setup()
    stopper = optim.EarlyStopping(patience=2, min_delta=10.0)    # nothing counts as better
    history = fit(model, cross_entropy, optimizer, train, val, epochs=20,
                  early_stopping=stopper, progress=False)
    assert len(history) == 3                  # the first epoch sets the best, two more fail


def test_reduce_lr_on_plateau_gets_the_validation_loss():
    model, optimizer, _, _, train, val = setup()
    plateau = optim.lr_scheduler.ReduceLROnPlateau(optimizer, patience=0, factor=0.5,
                                                   threshold=10.0)
    history = fit(model, cross_entropy, optimizer, train, val, epochs=4, scheduler=plateau,
                  progress=False)
    assert history["lr"] == pytest.approx([0.01, 0.005, 0.0025, 0.00125])


def test_a_run_that_stopped_early_stays_stopped_on_resume(tmp_path):
    path = tmp_path / "run.npz"
    model, optimizer, _, _, train, val = setup()
    stopper = optim.EarlyStopping(patience=1, min_delta=10.0)
    first = fit(model, cross_entropy, optimizer, train, val, epochs=10, early_stopping=stopper,
                checkpoint=path, progress=False)
    assert len(first) == 2
    model, optimizer, _, _, train, val = setup()
    stopper = optim.EarlyStopping(patience=1, min_delta=10.0)
    again = fit(model, cross_entropy, optimizer, train, val, epochs=10, early_stopping=stopper,
                checkpoint=path, resume=True, progress=False)
    assert again.rows == first.rows
