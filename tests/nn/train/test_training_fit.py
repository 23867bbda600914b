"""fit / evaluate / predict against minimal PyTorch-protocol stand-ins."""

import io
import math
import sys

import numpy as np
import pytest
from training_standins import MomentumSGD, TinyMLP, cross_entropy

import autograd as ag
from nn.data import DataLoader, TensorDataset, make_spirals
from nn.train import Callback, evaluate, fit, predict
from nn.train import loop as loop_module


def spirals_loaders(seed=0, n=300):
    X, y = make_spirals(n, n_classes=3, noise=0.2, seed=seed)
    train = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True, seed=seed)
    return X, y, train


def test_fit_on_spirals_reaches_95_percent_training_accuracy():
    X, y, train = spirals_loaders()
    model = TinyMLP(2, 64, 3, seed=0)
    history = fit(model, cross_entropy, MomentumSGD(model.parameters(), lr=0.1), train,
                  epochs=60, progress=False)
    assert len(history) == 60
    assert history["loss"][-1] < history["loss"][0] / 4
    assert history["accuracy"][-1] >= 0.95
    full = DataLoader(TensorDataset(X, y), batch_size=100)
    assert evaluate(model, cross_entropy, full)["accuracy"] >= 0.95
    predicted = predict(model, X).argmax(axis=1)
    assert np.mean(predicted == y) >= 0.95


def test_history_records_train_validation_and_learning_rate():
    X, y, train = spirals_loaders(n=90)
    val = DataLoader(TensorDataset(X[:30], y[:30]), batch_size=16)
    model = TinyMLP(2, 8, 3)
    history = fit(model, cross_entropy, MomentumSGD(model.parameters(), lr=0.05), train, val,
                  epochs=3, progress=False)
    assert history.keys() == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr"]
    assert history["epoch"] == [1.0, 2.0, 3.0]
    assert history["lr"] == [0.05] * 3
    expected = evaluate(model, cross_entropy, val)
    assert history["val_loss"][-1] == pytest.approx(expected["loss"], rel=1e-6)
    assert history["val_accuracy"][-1] == pytest.approx(expected["accuracy"])


def test_training_and_evaluation_modes():
    X, y, train = spirals_loaders(n=60)
    val = DataLoader(TensorDataset(X, y), batch_size=60)
    model = TinyMLP(2, 8, 3)
    fit(model, cross_entropy, MomentumSGD(model.parameters()), train, val, epochs=1,
        progress=False)
    assert model.mode_history == [True] * len(train) + [False]
    assert model.training is True            # put back as it was
    model.eval()
    predict(model, X)
    assert model.training is False


def test_evaluate_matches_the_definition():
    X, y, _ = spirals_loaders(n=50)
    model = TinyMLP(2, 8, 3)
    loader = DataLoader(TensorDataset(X, y), batch_size=16)     # batches of 16, 16, 16, 2
    result = evaluate(model, cross_entropy, loader)
    logits = predict(model, loader)
    assert logits.shape == (50, 3)
    assert result["accuracy"] == pytest.approx(np.mean(logits.argmax(1) == y))
    shifted = logits - logits.max(1, keepdims=True)
    losses = np.log(np.exp(shifted).sum(1)) - shifted[np.arange(50), y]
    assert result["loss"] == pytest.approx(losses.mean(), rel=1e-5)
    with ag.no_grad():
        direct = model(ag.tensor(X)).data
    np.testing.assert_allclose(predict(model, ag.tensor(X), batch_size=7), direct, rtol=1e-6)


def test_early_stopping_and_monitor():
    _, _, train = spirals_loaders(n=60)

    class StopOnThird:
        def __init__(self):
            self.seen = []

        def step(self, value):
            self.seen.append(value)
            return len(self.seen) == 3

    stopper = StopOnThird()
    model = TinyMLP(2, 8, 3)
    history = fit(model, cross_entropy, MomentumSGD(model.parameters()), train, epochs=10,
                  early_stopping=stopper, progress=False)
    assert len(history) == 3
    assert stopper.seen == history["loss"]       # monitor defaults to the training loss


def test_schedulers_per_epoch_per_batch_and_on_plateau():
    X, y, train = spirals_loaders(n=64)
    val = DataLoader(TensorDataset(X, y), batch_size=64)

    class Halve:
        def __init__(self, optimizer):
            self.optimizer, self.calls = optimizer, 0

        def step(self):
            self.calls += 1
            self.optimizer.param_groups[0]["lr"] /= 2

    class Plateau:
        def __init__(self):
            self.values = []

        def step(self, metrics, epoch=None):
            self.values.append(metrics)

    model = TinyMLP(2, 8, 3)
    optimizer = MomentumSGD(model.parameters(), lr=0.4)
    per_epoch = Halve(optimizer)
    history = fit(model, cross_entropy, optimizer, train, epochs=3, scheduler=per_epoch,
                  progress=False)
    assert per_epoch.calls == 3 and history["lr"] == [0.4, 0.2, 0.1]
    per_batch = Halve(optimizer)
    fit(model, cross_entropy, optimizer, train, epochs=2, scheduler=per_batch,
        scheduler_interval="batch", progress=False)
    assert per_batch.calls == 2 * len(train)
    plateau = Plateau()
    history = fit(model, cross_entropy, optimizer, train, val, epochs=2, scheduler=plateau,
                  progress=False)
    assert plateau.values == history["val_loss"]


def test_callbacks_see_every_batch_and_can_stop():
    _, _, train = spirals_loaders(n=64)
    events = []

    class Recorder(Callback):
        def on_train_begin(self, state):
            events.append("begin")

        def on_batch_end(self, state):
            events.append(("batch", state.epoch, state.batch, state.batch_loss))

        def on_epoch_end(self, state):
            events.append(("epoch", state.epoch, state.logs["loss"]))
            state.stop = state.epoch == 2

        def on_train_end(self, state):
            events.append("end")

    model = TinyMLP(2, 8, 3)
    history = fit(model, cross_entropy, MomentumSGD(model.parameters()), train, epochs=5,
                  callbacks=[Recorder()], progress=False)
    assert len(history) == 2
    assert events[0] == "begin" and events[-1] == "end"
    batches = [e for e in events if e[0] == "batch"]
    assert [(e[1], e[2]) for e in batches] == [(ep, b) for ep in (1, 2) for b in range(len(train))]
    epoch_one = [e[3] for e in batches if e[1] == 1]
    sizes = [32, 32]
    assert history["loss"][0] == pytest.approx(np.average(epoch_one, weights=sizes))


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_shows_the_running_loss(monkeypatch):
    _, _, train = spirals_loaders(n=64)
    model = TinyMLP(2, 8, 3)
    running, postfixes = [], []

    class Watch(Callback):
        def on_batch_end(self, state):
            running.append(f"loss={state.running_loss:.4f}")

    class RecordingBar(loop_module.tqdm):
        def set_postfix_str(self, text="", refresh=True):
            postfixes.append(text)
            super().set_postfix_str(text, refresh)

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(loop_module, "tqdm", RecordingBar)
    history = fit(model, cross_entropy, MomentumSGD(model.parameters()), train, epochs=2,
                  callbacks=[Watch()])
    shown = terminal.getvalue()
    assert "epoch 1/2" in shown and "epoch 2/2" in shown and "2/2 [" in shown
    summaries = [f"loss={history['loss'][e]:.4g}, accuracy={history['accuracy'][e]:.4g}, lr=0.1"
                 for e in (0, 1)]
    assert postfixes == running[:2] + summaries[:1] + running[2:] + summaries[1:]
    assert summaries[1] in shown


def test_without_a_terminal_progress_is_one_line_per_epoch(capsys):
    _, _, train = spirals_loaders(n=64)
    model = TinyMLP(2, 8, 3)
    history = fit(model, cross_entropy, MomentumSGD(model.parameters()), train, epochs=2)
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"epoch {e}/2: loss={history['loss'][e - 1]:.4g}, "
                     f"accuracy={history['accuracy'][e - 1]:.4g}, lr=0.1" for e in (1, 2)]


def test_non_finite_loss_stops_with_a_clear_error():
    _, _, train = spirals_loaders(n=64)
    model = TinyMLP(2, 8, 3)

    def exploding(logits, targets):
        return cross_entropy(logits, targets) * math.inf

    with pytest.raises(FloatingPointError, match="training loss is inf at epoch 1, batch 0"):
        fit(model, exploding, MomentumSGD(model.parameters()), train, epochs=1, progress=False)


def test_bad_arguments():
    _, _, train = spirals_loaders(n=64)
    model = TinyMLP(2, 8, 3)
    optimizer = MomentumSGD(model.parameters())
    with pytest.raises(ValueError, match="monitor='val_loss' needs a val_loader"):
        fit(model, cross_entropy, optimizer, train, monitor="val_loss", progress=False)
    with pytest.raises(ValueError, match="monitor='val_acc' is not measured; measured: loss, "
                                         "accuracy, val_loss, val_accuracy"):
        fit(model, cross_entropy, optimizer, train, train, monitor="val_acc", progress=False)
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        fit(model, cross_entropy, optimizer, train, metrics=["f1"], progress=False)
    tiny = DataLoader(TensorDataset(np.zeros((3, 2), np.float32), np.zeros(3, np.int64)),
                      batch_size=4, drop_last=True)
    with pytest.raises(ValueError, match="yielded no batches"):
        fit(model, cross_entropy, optimizer, tiny, epochs=1, progress=False)
    with pytest.raises(ValueError, match="batch must be a pair"):
        fit(model, cross_entropy, optimizer, [(1, 2, 3)], epochs=1, progress=False)
