"""Training: ``fit`` (with progress bars, validation, schedulers, early stopping, atomic
checkpoints that resume exactly), ``evaluate``, ``predict``, ``History`` and metrics."""

from .callbacks import Callback, TrainingState
from .checkpoint import (
    CheckpointError,
    atomic_write,
    load_checkpoint,
    read_checkpoint,
    save_checkpoint,
)
from .history import History
from .loop import evaluate, fit, predict, train_one_epoch
from .metrics import METRICS, accuracy

__all__ = [
    "METRICS", "Callback", "CheckpointError", "History", "TrainingState", "accuracy",
    "atomic_write", "evaluate", "fit", "load_checkpoint", "predict", "read_checkpoint",
    "save_checkpoint", "train_one_epoch",
]
