"""Checkpoints: exact resumption, atomic writes, and the last good checkpoint surviving
exceptions and Ctrl-C."""

import os

import numpy as np
import pytest
from training_standins import MomentumSGD, TinyMLP, cross_entropy

import autograd as ag
from nn.data import DataLoader, RandomBrightnessContrast, TensorDataset, make_spirals
from nn.train import (
    Callback,
    CheckpointError,
    History,
    fit,
    load_checkpoint,
    read_checkpoint,
    save_checkpoint,
)
from nn.train import checkpoint as checkpoint_module


def setup(seed_loader=True):
    X, y = make_spirals(96, n_classes=3, seed=0)
    train = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True,
                       seed=4 if seed_loader else None)
    val = DataLoader(TensorDataset(X[:32], y[:32]), batch_size=32)
    model = TinyMLP(2, 16, 3, seed=1)
    return model, MomentumSGD(model.parameters(), lr=0.05), train, val


class Noisy:
    """A loss with randomness from autograd's generator (stands in for dropout)."""

    def __call__(self, logits, targets):
        noise = ag.rand(1).item()
        return cross_entropy(logits, targets) * (1.0 + 0.1 * noise)


@pytest.mark.parametrize("seed_loader", [True, False])
def test_resuming_gives_exactly_the_uninterrupted_run(tmp_path, seed_loader):
    ag.manual_seed(0)
    model, optimizer, train, val = setup(seed_loader)
    straight = fit(model, Noisy(), optimizer, train, val, epochs=5, progress=False,
                   checkpoint=tmp_path / "straight.npz")
    expected = model.state_dict()

    ag.manual_seed(0)
    model, optimizer, train, val = setup(seed_loader)
    fit(model, Noisy(), optimizer, train, val, epochs=2, progress=False,
        checkpoint=tmp_path / "resumed.npz")
    ag.manual_seed(12345)           # a new process: fresh objects, a different random state
    ag.randn(7)
    model, optimizer, train, val = setup(seed_loader)
    resumed = fit(model, Noisy(), optimizer, train, val, epochs=5, progress=False,
                  checkpoint=tmp_path / "resumed.npz", resume=True)
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, expected[name], err_msg=name)
    assert resumed.rows == straight.rows
    assert optimizer.state_dict()["state"][0]["velocity"].any()


def test_resume_without_a_checkpoint_starts_fresh_and_a_finished_run_does_nothing(tmp_path):
    model, optimizer, train, _ = setup()
    path = tmp_path / "run.npz"
    history = fit(model, cross_entropy, optimizer, train, epochs=2, progress=False,
                  checkpoint=path, resume=True)
    assert len(history) == 2 and path.is_file()
    before = model.state_dict()
    again = fit(model, cross_entropy, optimizer, train, epochs=2, progress=False,
                checkpoint=path, resume=True)
    assert again.rows == history.rows
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


class FailAt(Callback):
    """Snapshot the model at the end of every epoch; raise ``error`` during ``epoch``."""

    def __init__(self, epoch, error):
        self.epoch, self.error, self.snapshots = epoch, error, {}

    def on_epoch_end(self, state):
        self.snapshots[state.epoch] = state.model.state_dict()

    def on_batch_end(self, state):
        if state.epoch == self.epoch and state.batch == 2:
            raise self.error


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("boom")])
def test_interrupted_training_leaves_the_last_good_checkpoint(tmp_path, error):
    model, optimizer, train, _ = setup()
    path = tmp_path / "run.npz"
    failing = FailAt(3, error)
    with pytest.raises(type(error)):
        fit(model, cross_entropy, optimizer, train, epochs=5, progress=False, checkpoint=path,
            callbacks=[failing])
    saved = read_checkpoint(path)
    assert saved["epoch"] == 2
    for name, value in failing.snapshots[2].items():
        np.testing.assert_array_equal(saved["model"][name], value)
    assert not np.array_equal(model.state_dict()["w1"], failing.snapshots[2]["w1"])
    assert os.listdir(tmp_path) == ["run.npz"]


def test_interruption_while_saving_keeps_the_previous_file(tmp_path, monkeypatch):
    model, optimizer, train, _ = setup()
    path = tmp_path / "run.npz"
    fit(model, cross_entropy, optimizer, train, epochs=1, progress=False, checkpoint=path)
    before = path.read_bytes()

    def half_written(handle, **arrays):
        handle.write(b"PK\x03\x04 partial zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint_module.np, "savez", half_written)
    with pytest.raises(KeyboardInterrupt):
        fit(model, cross_entropy, optimizer, train, epochs=3, progress=False, checkpoint=path,
            resume=True)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["run.npz"]
    assert read_checkpoint(path)["epoch"] == 1


def test_checkpoint_round_trips_nested_state(tmp_path):
    model, optimizer, train, _ = setup()
    history = History([{"epoch": 1, "loss": 0.5, "val_loss": float("nan")}])

    class Odd:
        def state_dict(self):
            return {"ints": {0: 1, 7: -2}, "tuple": (0.9, 0.999), "none": None, "flag": True,
                    "scalar": np.float32(0.25), "text": "a/b c", "inf": float("inf"),
                    "nested": [{"x": np.arange(3)}]}

    transform = RandomBrightnessContrast(seed=3)
    transform(np.ones((2, 1, 2, 2), dtype=np.float32))
    path = save_checkpoint(tmp_path / "c.npz", model, optimizer, epoch=4, history=history,
                           extra={"odd": Odd(), "transform": transform, "loader": train})
    state = read_checkpoint(path)
    odd = state["extra"]["odd"]
    assert odd["ints"] == {0: 1, 7: -2} and odd["tuple"] == (0.9, 0.999)
    assert odd["none"] is None and odd["flag"] is True and odd["text"] == "a/b c"
    assert odd["scalar"] == np.float32(0.25) and isinstance(odd["scalar"], np.float32)
    assert odd["inf"] == float("inf")
    np.testing.assert_array_equal(odd["nested"][0]["x"], np.arange(3))
    assert state["extra"]["transform"] == transform.state_dict()
    assert state["epoch"] == 4

    fresh_model, fresh_opt, fresh_train, _ = setup()
    fresh_transform = RandomBrightnessContrast(seed=99)
    loaded = load_checkpoint(path, fresh_model, fresh_opt,
                             extra={"transform": fresh_transform, "loader": fresh_train})
    assert loaded["history"].rows[0]["loss"] == 0.5
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(fresh_model.state_dict()[name], value)
    batch = np.full((2, 1, 2, 2), 0.5, dtype=np.float32)
    np.testing.assert_array_equal(fresh_transform(batch), transform(batch))
    assert [y.tolist() for _, y in fresh_train] == [y.tolist() for _, y in train]


def test_checkpoint_file_gets_the_usual_permissions(tmp_path):
    model, _, _, _ = setup()
    path = save_checkpoint(tmp_path / "c.npz", model)
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_unreadable_checkpoints(tmp_path):
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip at all")
    with pytest.raises(CheckpointError, match="not a readable .npz file"):
        read_checkpoint(garbage)
    plain = tmp_path / "plain.npz"
    np.savez(plain, w=np.zeros(3))
    with pytest.raises(CheckpointError, match="not a gategrad training checkpoint"):
        read_checkpoint(plain)
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_checkpoint(tmp_path / "absent.npz")
    model, optimizer, _, _ = setup()
    path = save_checkpoint(tmp_path / "weights.npz", model)
    with pytest.raises(CheckpointError, match="holds no optimizer state"):
        load_checkpoint(path, model, optimizer)

    class Unstorable:
        def state_dict(self):
            return {"f": lambda: 0}

    with pytest.raises(TypeError, match="cannot store model/f of type function"):
        save_checkpoint(tmp_path / "x.npz", Unstorable())
    assert sorted(os.listdir(tmp_path)) == ["garbage.npz", "plain.npz", "weights.npz"]


def test_extra_state_is_saved_and_restored(tmp_path):
    class Counter:
        def __init__(self):
            self.count = 0

        def on_epoch_end(self, state):
            self.count += 1

        def state_dict(self):
            return {"count": self.count}

        def load_state_dict(self, state):
            self.count = state["count"]

    path = tmp_path / "run.npz"
    model, optimizer, train, _ = setup()
    counter = Counter()
    fit(model, cross_entropy, optimizer, train, epochs=2, progress=False, checkpoint=path,
        callbacks=[counter], extra_state={"counter": counter})
    assert read_checkpoint(path)["extra"]["counter"] == {"count": 2}
    model, optimizer, train, _ = setup()
    resumed = Counter()
    fit(model, cross_entropy, optimizer, train, epochs=3, progress=False, checkpoint=path,
        resume=True, callbacks=[resumed], extra_state={"counter": resumed})
    assert resumed.count == 3
