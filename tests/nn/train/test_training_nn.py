"""fit with gategrad's own nn and optim: spirals, and exact resumption of a network whose
training draws random numbers (dropout) and keeps buffers (batch norm)."""

import numpy as np

import autograd as ag
import nn
import optim
from nn.data import DataLoader, TensorDataset, make_spirals
from nn.train import evaluate, fit, predict


def test_mlp_on_spirals_reaches_95_percent_training_accuracy():
    ag.manual_seed(0)
    X, y = make_spirals(300, n_classes=3, noise=0.2, seed=0)
    train = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=0)
    model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 3))
    loss_fn = nn.CrossEntropyLoss()
    history = fit(model, loss_fn, optim.Adam(model.parameters(), lr=0.02), train, epochs=40,
                  progress=False)
    assert history["loss"][-1] < history["loss"][0] / 4
    full = DataLoader(TensorDataset(X, y), batch_size=300)
    assert evaluate(model, loss_fn, full)["accuracy"] >= 0.95
    assert np.mean(predict(model, X).argmax(axis=1) == y) >= 0.95


def make_run():
    X, y = make_spirals(120, n_classes=3, seed=1)
    train = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True)   # global generator
    val = DataLoader(TensorDataset(X[:40], y[:40]), batch_size=40)
    model = nn.Sequential(nn.Linear(2, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(32, 3))
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    return model, optimizer, scheduler, train, val


def test_dropout_batchnorm_network_resumes_exactly(tmp_path):
    ag.manual_seed(3)
    model, optimizer, scheduler, train, val = make_run()
    straight = fit(model, nn.CrossEntropyLoss(), optimizer, train, val, epochs=5,
                   scheduler=scheduler, progress=False)
    expected = {k: np.array(v.data) for k, v in model.state_dict().items()}

    path = tmp_path / "run.npz"
    ag.manual_seed(3)
    model, optimizer, scheduler, train, val = make_run()
    fit(model, nn.CrossEntropyLoss(), optimizer, train, val, epochs=2, scheduler=scheduler,
        checkpoint=path, progress=False)
    ag.manual_seed(99)                        # as in a new process: another random state
    model, optimizer, scheduler, train, val = make_run()
    resumed = fit(model, nn.CrossEntropyLoss(), optimizer, train, val, epochs=5,
                  scheduler=scheduler, checkpoint=path, resume=True, progress=False)
    assert resumed.rows == straight.rows
    state = model.state_dict()
    assert "1.running_mean" in state
    for name, value in expected.items():
        np.testing.assert_array_equal(np.asarray(state[name].data), value, err_msg=name)
