"""The gategrad command line end to end, on tiny configurations."""

import gzip
import re
import struct
import subprocess
import sys

import numpy as np
import pytest

from gategrad import cli, pictures, run
from nn.train import read_checkpoint


def png(path):
    return path.read_bytes().startswith(b"\x89PNG")


def test_train_writes_curves_pictures_and_checkpoint(tmp_path, capsys):
    out = tmp_path / "run"
    code = cli.main(["train", "--model", "mlp", "--dataset", "moons", "--optimizer", "momentum",
                     "--epochs", "3", "--batch-size", "64", "--out", str(out), "--no-progress"])
    assert code == 0
    stdout = capsys.readouterr().out
    assert "model=mlp dataset=moons optimizer=momentum lr=0.05 epochs=3 batch_size=64" in stdout
    assert "test: loss=" in stdout and "accuracy=" in stdout
    assert png(out / "curves.png") and png(out / "gradient_chart.png")
    flow = (out / "gradient_flow.svg").read_text()
    assert "<svg" in flow and ">weight<" in flow and ">linear<" in flow   # named parameters
    saved = read_checkpoint(out / "checkpoint.npz")
    assert saved["epoch"] == 3 and len(saved["history"]["rows"]) == 3
    assert saved["optimizer"]["param_groups"][0]["momentum"] == 0.9
    for name in ("curves.png", "gradient_flow.svg", "gradient_chart.png", "checkpoint.npz"):
        assert str(out / name) in stdout


def test_train_resume_after_ctrl_c_matches_an_uninterrupted_run(tmp_path, capsys,
                                                                monkeypatch):
    args = ["train", "--dataset", "spirals", "--epochs", "4", "--batch-size", "128",
            "--no-progress", "--out"]
    assert cli.main(args + [str(tmp_path / "straight")]) == 0
    straight = read_checkpoint(tmp_path / "straight" / "checkpoint.npz")

    real_fit = run.fit

    class CtrlC:
        def on_epoch_begin(self, state):
            if state.epoch == 3:
                raise KeyboardInterrupt

    monkeypatch.setattr(run, "fit", lambda *a, **k: real_fit(*a, callbacks=[CtrlC()], **k))
    out = tmp_path / "interrupted"
    assert cli.main(args + [str(out)]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert read_checkpoint(out / "checkpoint.npz")["epoch"] == 2
    monkeypatch.setattr(run, "fit", real_fit)
    assert cli.main(args + [str(out), "--resume"]) == 0
    resumed = read_checkpoint(out / "checkpoint.npz")
    assert resumed["history"]["rows"] == straight["history"]["rows"]
    for name, value in straight["model"].items():
        np.testing.assert_array_equal(resumed["model"][name], value)
    capsys.readouterr()


def test_resume_refuses_a_checkpoint_of_another_run(tmp_path, capsys):
    args = ["train", "--dataset", "moons", "--epochs", "1", "--out", str(tmp_path),
            "--no-progress"]
    assert cli.main(args) == 0
    before = (tmp_path / "checkpoint.npz").read_bytes()
    capsys.readouterr()
    assert cli.main(args + ["--resume", "--optimizer", "sgd", "--epochs", "3"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "belongs to another run" in err
    assert "optimizer 'adam' there, 'sgd' now" in err and "epochs 1 there, 3 now" in err
    assert (tmp_path / "checkpoint.npz").read_bytes() == before
    assert cli.main(args + ["--resume", "--epochs", "3", "--schedule", "constant"]) == 1
    assert "schedule 'cosine' there, 'constant' now" in capsys.readouterr().err


def write_idx(path, array):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", n) for n in array.shape)
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


def test_train_lenet_on_mnist_files(tmp_path, capsys):
    rng = np.random.default_rng(0)
    labels = np.arange(60) % 3
    images = rng.integers(0, 60, size=(60, 12, 12))
    for k in range(3):                                    # a bright bar per class
        images[labels == k, 4 * k:4 * k + 4, :] += 190
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", labels)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images[:20])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", labels[:20])
    out = tmp_path / "out"
    code = cli.main(["train", "--model", "lenet", "--dataset", f"mnist:{tmp_path}", "--epochs",
                     "1", "--batch-size", "16", "--out", str(out), "--no-progress"])
    assert code == 0
    assert read_checkpoint(out / "checkpoint.npz")["model"]["0.weight"].shape == (32, 1, 3, 3)
    capsys.readouterr()


@pytest.mark.parametrize("suffix", [".svg", ".gv"])
def test_graph_of_one_training_step(tmp_path, capsys, suffix):
    path = tmp_path / f"step{suffix}"
    assert cli.main(["graph", "--model", "mlp", "--batch-size", "3", "--out", str(path)]) == 0
    text = path.read_text()
    assert ("<svg" in text) if suffix == ".svg" else text.lstrip().startswith("digraph")
    assert "bias" in text and "cross_entropy" in text
    stdout = capsys.readouterr().out
    assert f"wrote {path}: the graph of one training step of mlp on a batch of 3" in stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_graph_flow_view_of_lenet(tmp_path, capsys):
    pytest.importorskip("sklearn")
    path = tmp_path / "flow.svg"
    assert cli.main(["graph", "--model", "lenet", "--flow", "--out", str(path)]) == 0
    assert ">conv" in path.read_text()
    assert "gradient flow of one training step of lenet" in capsys.readouterr().out


def test_demo_end_to_end_with_a_tiny_run(tmp_path, capsys, monkeypatch):
    pytest.importorskip("sklearn")
    monkeypatch.setitem(cli.DEMO_CONFIG, "epochs", 1)    # too short for 97%: the demo says so
    code = cli.main(["demo", "--out", str(tmp_path), "--no-progress"])
    captured = capsys.readouterr()
    assert code == 1
    assert "below 97%" in captured.err
    assert re.search(r"^x +input +-2 +-4$", captured.out, re.M)   # the worked example's table
    assert re.search(r"^f +\* +q, z +-12 +1$", captured.out, re.M)
    assert "test accuracy:" in captured.out and "3. Files written" in captured.out
    names = ["example_add_mul.svg", "example_sigmoid_neuron.svg", "curves.png",
             "gradient_flow.svg", "gradient_chart.png", "checkpoint.npz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    for name in names:
        assert str(tmp_path / name) in captured.out
    example = (tmp_path / "example_add_mul.svg").read_text()
    assert "-12" in example and "-4" in example                  # values and gradients drawn


@pytest.mark.parametrize("argv, code, message", [
    (["train", "--model", "resnet"], 2, "argument --model: invalid choice: 'resnet'"),
    (["train", "--epochs", "0"], 2, "argument --epochs: must be >= 1, got 0"),
    (["train", "--lr", "-1"], 2, "argument --lr: must be > 0, got -1"),
    (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    (["graph", "--model", "mlp"], 2, "the following arguments are required: --out"),
    (["train", "--dataset", "cifar"], 1, "unknown dataset 'cifar'"),
    (["train", "--dataset", "mnist:"], 1, "mnist:PATH needs the directory"),
    (["train", "--model", "lenet", "--dataset", "moons"], 1, "model lenet needs image data"),
    (["graph", "--out", "picture.txt"], 1, "the suffix must be one of .svg"),
])
def test_bad_arguments_give_one_line(argv, code, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        result = cli.main(argv)
    except SystemExit as exit:          # argparse's errors
        result = exit.code
    err = capsys.readouterr().err
    assert result == code
    assert message in err and err.count("\n") == 1 and err.startswith("gategrad")


def test_missing_dataset_directory_exits_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gategrad", "train", "--dataset", f"mnist:{tmp_path}/absent",
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr == f"gategrad: error: load_mnist: no such directory: {tmp_path}/absent\n"


def test_missing_optional_dependency_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    code = cli.main(["train", "--dataset", "digits", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert "load_digits needs scikit-learn" in err and "gategrad[data]" in err


def test_missing_matplotlib_is_reported_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code = cli.main(["train", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert "needs matplotlib" in err and "gategrad[plot]" in err
    assert not (tmp_path / "out").exists()


def test_ctrl_c_during_training(tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "fit", interrupted)
    code = cli.main(["train", "--out", str(tmp_path), "--no-progress"])
    assert code == 130
    assert "interrupted" in capsys.readouterr().err


def test_without_graphviz_dot(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))          # no 'dot' anywhere
    code = cli.main(["graph", "--out", str(tmp_path / "step.svg")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "apt-get install graphviz" in err
    root, names = cli.add_mul_example()
    written = pictures.save_graph(root, names, tmp_path / "example.svg", fallback=True)
    assert written == tmp_path / "example.gv"
    assert written.read_text().lstrip().startswith("digraph")
    assert "wrote the DOT source" in capsys.readouterr().err
    assert not (tmp_path / "example.svg").exists() and not (tmp_path / "step.svg").exists()


def test_readme_lists_every_option_of_every_command():
    """The README's option list of each command names exactly that command's options."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Data, training and the command line", 1)[1].split("\n## ", 1)[0]
    listed = dict(re.findall(r"^- `gategrad (\w+)`: (.*?)(?=^\S|^- |\Z)", section, re.M | re.S))
    subcommands = next(a for a in cli.build_parser()._actions if a.choices and
                       isinstance(a.choices, dict)).choices
    assert set(listed) == set(subcommands)
    for name, parser in subcommands.items():
        options = {o for a in parser._actions for o in a.option_strings if o.startswith("--")}
        options.discard("--help")
        assert set(re.findall(r"`(--[a-z-]+)", listed[name])) == options, name
