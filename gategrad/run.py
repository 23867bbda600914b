"""Training as the command line does it: data, model, optimizer, fit, test, pictures."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import autograd
import nn
import optim
from autograd import Tensor
from nn.data import DataLoader, Normalize, channel_stats
from nn.data.optional import require
from nn.train import History, evaluate, fit, read_checkpoint

from .datasets import DataBundle, default_epochs_and_batch, load_dataset
from .models import UsageError, build_model
from .pictures import save_gradient_pictures

SCHEDULES = ("cosine", "constant")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
DEFAULT_LR = {"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.05,
              "rmsprop": 1e-3, "adam": 3e-3}


def make_optimizer(name: str, params: Any, lr: float) -> Any:
    if name == "sgd":
        return optim.SGD(params, lr=lr)
    if name == "momentum":
        return optim.SGD(params, lr=lr, momentum=0.9)
    if name == "nesterov":
        return optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
    if name == "adagrad":
        return optim.Adagrad(params, lr=lr)
    if name == "rmsprop":
        return optim.RMSprop(params, lr=lr)
    if name == "adam":
        return optim.Adam(params, lr=lr)
    raise UsageError(f"unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}")


@dataclass
class TrainConfig:
    model: str = "mlp"
    dataset: str = "spirals"
    optimizer: str = "adam"
    lr: float | None = None
    epochs: int | None = None
    batch_size: int | None = None
    seed: int = 0
    schedule: str = "cosine"
    out: Path = Path("gategrad-out")
    resume: bool = False
    progress: bool = True

    def resolved(self) -> TrainConfig:
        """Defaults filled in: the optimizer's learning rate, the dataset's epochs/batch size."""
        name = "mnist" if self.dataset.startswith("mnist:") else self.dataset
        epochs, batch = default_epochs_and_batch(name) if name in (
            "spirals", "moons", "digits", "mnist") else (10, 32)
        lr = DEFAULT_LR.get(self.optimizer) if self.lr is None else self.lr
        for label, value in (("--epochs", self.epochs), ("--batch-size", self.batch_size)):
            if value is not None and value < 1:
                raise UsageError(f"{label} must be >= 1, got {value}")
        if lr is not None and not lr > 0:
            raise UsageError(f"--lr must be > 0, got {lr}")
        if self.schedule not in SCHEDULES:
            raise UsageError(f"unknown schedule {self.schedule!r}; choose from "
                             f"{', '.join(SCHEDULES)}")
        return TrainConfig(self.model, self.dataset, self.optimizer, lr,
                           self.epochs or epochs, self.batch_size or batch, self.seed,
                           self.schedule, Path(self.out), self.resume, self.progress)

    def describe(self) -> str:
        return (f"model={self.model} dataset={self.dataset} optimizer={self.optimizer} "
                f"lr={self.lr:g} epochs={self.epochs} batch_size={self.batch_size} "
                f"schedule={self.schedule} seed={self.seed}")


# what must match for --resume to continue a run (epochs too when the schedule depends on it)
RUN_KEYS = ("model", "dataset", "optimizer", "lr", "batch_size", "seed", "schedule")


class RunRecord:
    """The run's settings, saved in the checkpoint so that ``--resume`` can refuse a checkpoint
    of a different run (instead of failing inside load_state_dict or silently mixing)."""

    def __init__(self, config: TrainConfig) -> None:
        self.config = config

    def settings(self) -> dict[str, Any]:
        keys = RUN_KEYS + (("epochs",) if self.config.schedule == "cosine" else ())
        return {key: getattr(self.config, key) for key in keys}

    def state_dict(self) -> dict[str, Any]:
        return self.settings()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass  # checked before training by check_resume


def check_resume(path: Path, config: TrainConfig) -> None:
    """UsageError if the checkpoint at ``path`` was written by a run with other settings."""
    saved = read_checkpoint(path)["extra"].get("run") or {}
    wanted = RunRecord(config).settings()
    differences = [f"{key} {saved.get(key)!r} there, {value!r} now"
                   for key, value in wanted.items() if saved.get(key) != value]
    if differences:
        raise UsageError(
            f"--resume: {path} belongs to another run ({'; '.join(differences)}); repeat that "
            "run's options, or use another --out to start afresh"
        )


@dataclass
class TrainResult:
    history: History
    test: dict[str, float]
    files: list[Path] = field(default_factory=list)
    model: Any = None


def first_batch(dataset: Any, size: int, transform: Any = None) -> tuple[Tensor, Tensor]:
    inputs, targets = next(iter(DataLoader(dataset, batch_size=size, transform=transform)))
    return inputs, targets


def image_normalization(data: DataBundle) -> Normalize | None:
    """For images: Normalize by the training split's per-channel mean and std (None for
    other data)."""
    if len(data.input_shape) != 3:
        return None
    images = data.train.get_batch(np.arange(len(data.train)))[0]
    return Normalize(*channel_stats(images))


def train(config: TrainConfig, data: DataBundle | None = None) -> TrainResult:
    """Train as ``config`` says, evaluate on the test split, and write into ``config.out``:
    ``checkpoint.npz`` (after every epoch), ``curves.png``, ``gradient_flow.svg`` and
    ``gradient_chart.png``. Images are normalized by the training split's mean and std; the
    learning rate follows a cosine from ``lr`` to 0 over the epochs unless ``schedule`` is
    ``"constant"``."""
    config = config.resolved()
    require("matplotlib", "gategrad's curves and gradient charts", "matplotlib", "plot")
    autograd.manual_seed(config.seed)
    data = data or load_dataset(config.dataset, config.seed)
    model = build_model(config.model, data.input_shape, data.n_classes)
    optimizer = make_optimizer(config.optimizer, model.parameters(), config.lr)
    loss_fn = nn.CrossEntropyLoss()
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    normalize = image_normalization(data)
    train_loader = DataLoader(data.train, batch_size=config.batch_size, shuffle=True,
                              seed=config.seed, transform=normalize)
    val_loader = DataLoader(data.val, batch_size=512, transform=normalize)
    scheduler = None
    if config.schedule == "cosine":
        scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs)
    checkpoint = out / "checkpoint.npz"
    if config.resume and checkpoint.is_file():
        check_resume(checkpoint, config)
    history = fit(model, loss_fn, optimizer, train_loader, val_loader, epochs=config.epochs,
                  scheduler=scheduler, checkpoint=checkpoint, resume=config.resume,
                  extra_state={"run": RunRecord(config)}, progress=config.progress)
    test = evaluate(model, loss_fn, DataLoader(data.test, batch_size=512, transform=normalize))
    curves = history.plot(out / "curves.png",
                          title=f"{config.model} on {data.name} ({config.optimizer})")
    inputs, targets = first_batch(data.test, 32, normalize)
    pictures = save_gradient_pictures(model, loss_fn, inputs, targets,
                                      out / "gradient_flow.svg", out / "gradient_chart.png")
    return TrainResult(history, test, [curves, *pictures, checkpoint], model)
