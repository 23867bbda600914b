"""The datasets the command line knows: ``spirals``, ``moons``, ``digits``, ``mnist:PATH``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nn.data import (
    Subset,
    TensorDataset,
    load_digits,
    load_mnist,
    make_moons,
    make_spirals,
    train_val_test_split,
)

from .models import UsageError

DATASETS = ("spirals", "moons", "digits", "mnist:PATH")
# per-dataset defaults: epochs, batch size
DEFAULTS = {"spirals": (100, 32), "moons": (40, 32), "digits": (15, 32), "mnist": (3, 64)}


@dataclass
class DataBundle:
    """Train/validation/test splits and what a model needs to know about the samples."""

    name: str
    train: Any
    val: Any
    test: Any
    input_shape: tuple[int, ...]
    n_classes: int


def _split(name: str, X: np.ndarray, y: np.ndarray, seed: int) -> DataBundle:
    dataset = TensorDataset(X, y)
    train, val, test = train_val_test_split(dataset, 0.15, 0.15, seed=seed, stratify=y)
    return DataBundle(name, train, val, test, X.shape[1:], int(y.max()) + 1)


def load_dataset(spec: str, seed: int = 0) -> DataBundle:
    """The dataset named by ``spec`` split 70/15/15 (stratified); MNIST keeps its own test set
    when the ``t10k`` files are there and takes 10% of its training set for validation."""
    if spec == "spirals":
        return _split(spec, *make_spirals(600, n_classes=3, noise=0.2, seed=seed), seed)
    if spec == "moons":
        return _split(spec, *make_moons(600, noise=0.15, seed=seed), seed)
    if spec == "digits":
        return _split(spec, *load_digits(), seed)
    if spec.startswith("mnist:"):
        if not spec[len("mnist:"):]:
            raise UsageError("--dataset mnist:PATH needs the directory of the IDX files")
        path = Path(spec[len("mnist:"):]).expanduser()
        X, y = load_mnist(path, "train")
        try:
            X_test, y_test = load_mnist(path, "test")
        except FileNotFoundError:
            return _split("mnist", X, y, seed)
        train = TensorDataset(X, y)
        fit_part, val, _ = train_val_test_split(train, 0.1, 0.0, seed=seed, stratify=y)
        n_classes = int(max(y.max(), y_test.max())) + 1
        test = Subset(TensorDataset(X_test, y_test), np.arange(len(y_test)))
        return DataBundle("mnist", fit_part, val, test, X.shape[1:], n_classes)
    raise UsageError(f"unknown dataset {spec!r}; choose from {', '.join(DATASETS)}")


def default_epochs_and_batch(name: str) -> tuple[int, int]:
    return DEFAULTS[name]
