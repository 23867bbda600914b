"""Splitting a dataset: ``random_split`` (PyTorch's) and ``train_val_test_split``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.rng import generator as global_generator

from .dataset import Subset, as_numpy


def _rng(seed: int | None) -> np.random.Generator:
    return global_generator() if seed is None else np.random.default_rng(seed)


def _lengths(lengths: Sequence[float], n: int) -> list[int]:
    """Integer lengths; fractions summing to 1 are turned into counts summing to ``n`` (the
    remainder goes one by one to the first parts, as PyTorch does)."""
    values = list(lengths)
    if not values:
        raise ValueError("random_split: lengths is empty")
    if all(float(v).is_integer() and v >= 0 for v in values) and sum(values) == n:
        return [int(v) for v in values]
    if math.isclose(sum(values), 1.0) and all(0 <= v <= 1 for v in values):
        counts = [int(math.floor(n * v)) for v in values]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        return counts
    raise ValueError(
        f"random_split: lengths {values} must be non-negative integers summing to the length "
        f"of the dataset ({n}) or fractions summing to 1"
    )


def random_split(dataset: Any, lengths: Sequence[float], seed: int | None = None) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping Subsets of the given lengths (counts or
    fractions summing to 1). ``seed`` makes the split reproducible; without it the split draws
    from ``autograd``'s generator."""
    n = len(dataset)
    counts = _lengths(lengths, n)
    order = _rng(seed).permutation(n)
    bounds = np.cumsum([0] + counts)
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


def train_val_test_split(
    dataset: Any,
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
    seed: int | None = 0,
    stratify: Any = None,
) -> tuple[Subset, Subset, Subset]:
    """``(train, val, test)`` Subsets of ``dataset`` with the given fractions for validation
    and test (the rest is training data).

    ``stratify``: the labels of all samples (array of length ``len(dataset)``); each class is
    then split in the same proportions, so small test sets keep the class balance.
    """
    for label, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0.0 <= value < 1.0:
            raise ValueError(f"train_val_test_split: {label} must be in [0, 1), got {value!r}")
    if val_fraction + test_fraction >= 1.0:
        raise ValueError(
            f"train_val_test_split: val_fraction + test_fraction = "
            f"{val_fraction + test_fraction} leaves no training data (must be < 1)"
        )
    n = len(dataset)
    rng = _rng(seed)
    if stratify is None:
        groups = [rng.permutation(n)]
    else:
        labels = as_numpy(stratify).reshape(-1)
        if len(labels) != n:
            raise ValueError(
                f"train_val_test_split: stratify has {len(labels)} labels for a dataset of "
                f"{n} samples"
            )
        groups = [rng.permutation(np.flatnonzero(labels == c)) for c in np.unique(labels)]
    parts: list[list[np.ndarray]] = [[], [], []]
    for group in groups:
        n_test = int(round(len(group) * test_fraction))
        n_val = int(round(len(group) * val_fraction))
        parts[2].append(group[:n_test])
        parts[1].append(group[n_test:n_test + n_val])
        parts[0].append(group[n_test + n_val:])
    train, val, test = (rng.permutation(np.concatenate(p)) for p in parts)
    return Subset(dataset, train), Subset(dataset, val), Subset(dataset, test)
