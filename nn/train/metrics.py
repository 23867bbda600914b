"""Metrics computed on a batch of model outputs and targets (numpy), averaged over an epoch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

Metric = Callable[[np.ndarray, np.ndarray], float]


def accuracy(outputs: np.ndarray, targets: np.ndarray) -> float:
    """The fraction of correct predictions.

    ``outputs`` of shape ``(N, K)`` with ``K > 1`` are class scores (logits or probabilities):
    the prediction is the arg-max. Shape ``(N,)`` or ``(N, 1)`` is one logit per sample for a
    binary problem: the prediction is ``logit > 0``. ``targets`` are class indices, or one-hot /
    probability rows of the same shape as ``outputs``.
    """
    outputs, targets = np.asarray(outputs), np.asarray(targets)
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        predicted = outputs.argmax(axis=1)
        if targets.shape == outputs.shape:
            targets = targets.argmax(axis=1)
    elif outputs.ndim == 1 or (outputs.ndim == 2 and outputs.shape[1] == 1):
        predicted = (outputs.reshape(-1) > 0).astype(np.int64)
        targets = targets.reshape(-1)
        if np.issubdtype(targets.dtype, np.floating):
            targets = (targets > 0.5).astype(np.int64)
    else:
        raise ValueError(
            f"accuracy: expected outputs of shape (N, classes) or (N,), got {outputs.shape}"
        )
    if targets.shape != predicted.shape:
        raise ValueError(
            f"accuracy: targets of shape {targets.shape} do not match outputs of shape "
            f"{outputs.shape}"
        )
    return float(np.mean(predicted == targets)) if predicted.size else 0.0


METRICS: dict[str, Metric] = {"accuracy": accuracy}


def resolve_metrics(metrics: Iterable[Any] | None) -> dict[str, Metric]:
    """Names (``"accuracy"``) or functions ``f(outputs, targets) -> float`` as a name->function
    dict (a function is named by its ``__name__``)."""
    resolved: dict[str, Metric] = {}
    for metric in metrics or ():
        if isinstance(metric, str):
            if metric not in METRICS:
                raise ValueError(
                    f"unknown metric {metric!r}; known: {', '.join(sorted(METRICS))}, or pass a "
                    "function f(outputs, targets) -> float"
                )
            resolved[metric] = METRICS[metric]
        elif callable(metric):
            resolved[getattr(metric, "__name__", type(metric).__name__)] = metric
        else:
            raise TypeError(f"a metric must be a name or a function, got {metric!r}")
    return resolved


class RunningMean:
    """Sample-weighted running means of the loss and the metrics over an epoch."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.count = 0

    def update(self, values: dict[str, float], n: int) -> None:
        for key, value in values.items():
            self.totals[key] = self.totals.get(key, 0.0) + float(value) * n
        self.count += n

    def means(self) -> dict[str, float]:
        return {k: v / self.count for k, v in self.totals.items()} if self.count else {}
