"""Early stopping: stop training when the validation metric has stopped improving."""

from __future__ import annotations

import math
from typing import Any


class EarlyStopping:
    """Track a validation metric and say when to stop ("impatience").

    Call ``step(metric)`` once per epoch; it returns True once ``patience`` epochs in a row
    have brought no improvement over the best value so far. An improvement means
    ``metric < best - min_delta`` (mode ``"min"``, e.g. a loss) or ``metric > best + min_delta``
    (mode ``"max"``, e.g. an accuracy); NaN never improves.

    Attributes: ``best`` (best value so far), ``best_epoch`` (index of the ``step`` call that
    gave it, counting from 0; -1 before the first), ``epoch`` (index of the latest call),
    ``num_bad_epochs``, ``improved`` (whether the latest metric was a new best: save a
    checkpoint then) and ``should_stop``.

    Example::

        stopper = EarlyStopping(patience=5)
        for epoch in range(100):
            train_one_epoch()
            if stopper.step(validation_loss()):
                break
    """

    def __init__(self, patience: int = 10, min_delta: float = 0.0, mode: str = "min") -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"EarlyStopping: patience must be an integer >= 1, got {patience!r}")
        if not min_delta >= 0:
            raise ValueError(f"EarlyStopping: min_delta must be >= 0, got {min_delta!r}")
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStopping: mode must be 'min' or 'max', got {mode!r}")
        self.patience = patience
        self.min_delta = min_delta
        self.mode = mode
        self.reset()

    def reset(self) -> None:
        """Forget all metrics seen so far."""
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = -1
        self.epoch = -1
        self.num_bad_epochs = 0
        self.improved = False
        self.should_stop = False

    def is_better(self, metric: float) -> bool:
        """Whether ``metric`` improves on the best value by more than ``min_delta``."""
        if self.mode == "min":
            return metric < self.best - self.min_delta
        return metric > self.best + self.min_delta

    def step(self, metric: Any) -> bool:
        """Record this epoch's metric; True when training should stop."""
        value = float(metric)
        self.epoch += 1
        self.improved = self.is_better(value)
        if self.improved:
            self.best = value
            self.best_epoch = self.epoch
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        self.should_stop = self.num_bad_epochs >= self.patience
        return self.should_stop

    def state_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta}, "
            f"mode={self.mode!r}, best={self.best}, best_epoch={self.best_epoch}, "
            f"num_bad_epochs={self.num_bad_epochs})"
        )
