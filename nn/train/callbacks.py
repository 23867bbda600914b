"""Callbacks: code that ``fit`` runs at fixed points of training, and the state it sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .history import History


@dataclass
class TrainingState:
    """What callbacks see: the objects being trained and where training is.

    ``epoch`` counts from 1; ``batch`` from 0 within the epoch; ``batch_loss`` is the latest
    batch's loss, ``running_loss`` the epoch's mean so far; ``logs`` the record of the epoch
    just finished (in ``on_epoch_end``). Set ``stop = True`` to end training after this epoch.
    """

    model: Any
    optimizer: Any
    epochs: int
    history: History
    epoch: int = 0
    batch: int = 0
    batch_loss: float = float("nan")
    running_loss: float = float("nan")
    logs: dict[str, float] = field(default_factory=dict)
    stop: bool = False


class Callback:
    """Base class with every hook doing nothing; override the ones you need. Any object with
    some of these methods works as a callback too."""

    def on_train_begin(self, state: TrainingState) -> None:
        pass

    def on_epoch_begin(self, state: TrainingState) -> None:
        pass

    def on_batch_end(self, state: TrainingState) -> None:
        pass

    def on_epoch_end(self, state: TrainingState) -> None:
        pass

    def on_train_end(self, state: TrainingState) -> None:
        pass


def run_hook(callbacks: list[Any], hook: str, state: TrainingState) -> None:
    for callback in callbacks:
        method = getattr(callback, hook, None)
        if method is not None:
            method(state)
