"""History records and plots; the accuracy metric."""

import math

import numpy as np
import pytest

from nn.train import History, accuracy


def sample_history():
    history = History()
    for epoch, (loss, acc, val_loss) in enumerate([(1.0, 0.5, 1.1), (0.5, 0.8, 0.7),
                                                   (0.4, 0.9, 0.8)], start=1):
        history.append({"epoch": epoch, "loss": loss, "accuracy": acc, "val_loss": val_loss})
    return history


def test_columns_best_and_state():
    history = sample_history()
    assert history["loss"] == [1.0, 0.5, 0.4]
    assert history.best("val_loss")["epoch"] == 2
    assert history.best("accuracy", mode="max")["epoch"] == 3
    assert history.last["loss"] == 0.4 and len(history) == 3
    history.append({"epoch": 4, "loss": 0.3})
    assert math.isnan(history["val_loss"][3])
    with pytest.raises(KeyError, match="no 'f1' recorded"):
        history["f1"]
    copy = History()
    copy.load_state_dict(history.state_dict())
    assert copy.rows[:3] == history.rows[:3]


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_plot_writes_an_image(tmp_path, suffix, magic):
    pytest.importorskip("matplotlib")
    path = sample_history().plot(tmp_path / "sub" / f"curves{suffix}", title="spirals")
    assert path.read_bytes().startswith(magic)
    if suffix == ".svg":
        text = path.read_text()
        assert "train loss" in text and "validation loss" in text and "train accuracy" in text
    with pytest.raises(ValueError, match="nothing to plot"):
        History().plot(tmp_path / "empty.png")


def test_accuracy_for_classes_binary_logits_and_one_hot():
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 0.0, 5.0], [1.0, 0.0, 0.0]])
    assert accuracy(logits, np.array([0, 1, 1, 0])) == 0.75
    assert accuracy(logits, np.eye(3)[[0, 1, 1, 0]]) == 0.75
    assert accuracy(np.array([[0.3], [-2.0], [1.0]]), np.array([1, 0, 0])) == pytest.approx(2 / 3)
    assert accuracy(np.array([0.3, -2.0]), np.array([1.0, 1.0])) == 0.5
    with pytest.raises(ValueError, match=r"targets of shape \(3,\) do not match outputs"):
        accuracy(logits, np.array([0, 1, 2]))
