"""The training loop: ``fit``, ``evaluate``, ``predict``.

Written against PyTorch's protocols, so any objects that follow them work: ``model(x)`` gives
outputs, ``model.train()`` / ``model.eval()``, ``model.state_dict()`` / ``load_state_dict``;
``optimizer.zero_grad()`` / ``step()`` / ``state_dict()``; ``loss_fn(outputs, targets)`` gives a
scalar Tensor (the batch mean); batches are ``(inputs, targets)``.
"""

from __future__ import annotations

import inspect
import math
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from autograd import Node, Tensor, no_grad

from .callbacks import TrainingState, run_hook
from .checkpoint import load_checkpoint, save_checkpoint
from .history import History
from .metrics import RunningMean, resolve_metrics


@contextmanager
def _mode(model: Any, training: bool) -> Any:
    """Put the model in train/eval mode for a block, then back to its previous mode."""
    previous = getattr(model, "training", None)
    if hasattr(model, "train"):
        model.train(training)
    try:
        yield
    finally:
        if previous is not None and hasattr(model, "train"):
            model.train(previous)


def _split_batch(batch: Any, where: str) -> tuple[Any, Any]:
    if isinstance(batch, (tuple, list)) and len(batch) == 2:
        return batch[0], batch[1]
    raise ValueError(
        f"{where}: each batch must be a pair (inputs, targets), got "
        f"{type(batch).__name__}{f' of length {len(batch)}' if hasattr(batch, '__len__') else ''}"
    )


def _raw(value: Any) -> np.ndarray:
    return np.asarray(value.data if isinstance(value, Node) else value)


def _batch_size(targets: Any) -> int:
    shape = _raw(targets).shape
    return int(shape[0]) if shape else 1


def _measure(metric_fns: dict, outputs: Any, targets: Any) -> dict[str, float]:
    out, tgt = _raw(outputs), _raw(targets)
    return {name: fn(out, tgt) for name, fn in metric_fns.items()}


def _learning_rate(optimizer: Any) -> float | None:
    groups = getattr(optimizer, "param_groups", None)
    if groups and "lr" in groups[0]:
        return float(groups[0]["lr"])
    return None


def _wants_metric(scheduler: Any) -> bool:
    """Whether ``scheduler.step`` takes the monitored value (ReduceLROnPlateau does)."""
    try:
        parameters = inspect.signature(scheduler.step).parameters
    except (TypeError, ValueError):
        return False
    return "metrics" in parameters


def _progress(loader: Any, description: str, enabled: bool) -> Any:
    """A tqdm bar on a terminal; None when disabled or when stderr is not a terminal (logs get
    one plain line per epoch instead of bar redraws)."""
    if not enabled or not sys.stderr.isatty():
        return None
    total = len(loader) if hasattr(loader, "__len__") else None
    return tqdm(total=total, desc=description, unit="batch", leave=True, file=sys.stderr,
                dynamic_ncols=True)


def _format(logs: dict[str, float]) -> str:
    shown = [k for k in logs if k not in ("epoch", "time")]
    return ", ".join(f"{k}={logs[k]:.4g}" for k in shown)


def train_one_epoch(model: Any, loss_fn: Any, optimizer: Any, batches: Iterable,
                    state: TrainingState, metric_fns: dict, callbacks: Sequence[Any] = (),
                    scheduler: Any = None, bar: Any = None) -> dict[str, float]:
    """One pass over ``batches`` with a gradient step per batch (and a ``scheduler.step()``
    per batch if given); returns the epoch's mean loss and metrics. ``bar`` (a tqdm) advances
    per batch and shows the running loss. Raises FloatingPointError on a NaN or infinite
    loss."""
    means = RunningMean()
    with _mode(model, True):
        for state.batch, batch in enumerate(batches):
            inputs, targets = _split_batch(batch, "fit")
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = loss_fn(outputs, targets)
            loss_value = float(loss.item() if isinstance(loss, Node) else loss)
            if not math.isfinite(loss_value):
                raise FloatingPointError(
                    f"fit: the training loss is {loss_value} at epoch {state.epoch}, batch "
                    f"{state.batch}; try a lower learning rate (the last checkpoint, if any, "
                    "holds the last good state)"
                )
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            n = _batch_size(targets)
            means.update({"loss": loss_value, **_measure(metric_fns, outputs, targets)}, n)
            state.batch_loss, state.running_loss = loss_value, means.means()["loss"]
            if bar is not None:
                bar.set_postfix_str(f"loss={state.running_loss:.4f}", refresh=False)
                bar.update(1)
            run_hook(callbacks, "on_batch_end", state)
    if means.count == 0:
        raise ValueError(
            "fit: the training loader yielded no batches (an empty dataset, or drop_last=True "
            "with fewer samples than batch_size)"
        )
    return means.means()


def evaluate(model: Any, loss_fn: Any, loader: Iterable,
             metrics: Sequence[Any] | None = ("accuracy",)) -> dict[str, float]:
    """Mean loss and metrics of ``model`` over ``loader`` (eval mode, no graph recorded).
    ``loss_fn=None`` measures the metrics only."""
    metric_fns = resolve_metrics(metrics)
    means = RunningMean()
    with no_grad(), _mode(model, False):
        for batch in loader:
            inputs, targets = _split_batch(batch, "evaluate")
            outputs = model(inputs)
            values = _measure(metric_fns, outputs, targets)
            if loss_fn is not None:
                values["loss"] = float(_raw(loss_fn(outputs, targets)))
            means.update(values, _batch_size(targets))
    result = means.means()
    return ({"loss": result.pop("loss")} if "loss" in result else {}) | result


def predict(model: Any, data: Any, batch_size: int = 256) -> np.ndarray:
    """The model's outputs for ``data`` (a DataLoader or any iterable of batches, whose first
    element is used, or an array / Tensor of inputs), as one ndarray (eval mode, no graph)."""
    if isinstance(data, (np.ndarray, Node, list)):
        inputs = _raw(data)
        batches: Iterable = (Tensor._from_raw(inputs[i:i + batch_size])
                             for i in range(0, len(inputs), batch_size))
    else:
        batches = (b[0] if isinstance(b, (tuple, list)) else b for b in data)
    outputs = []
    with no_grad(), _mode(model, False):
        for batch_inputs in batches:
            outputs.append(_raw(model(batch_inputs)).copy())
    if not outputs:
        raise ValueError("predict: no inputs")
    return np.concatenate(outputs)


def fit(
    model: Any,
    loss_fn: Any,
    optimizer: Any,
    train_loader: Iterable,
    val_loader: Iterable | None = None,
    epochs: int = 10,
    scheduler: Any = None,
    callbacks: Sequence[Any] = (),
    metrics: Sequence[Any] | None = ("accuracy",),
    early_stopping: Any = None,
    monitor: str | None = None,
    checkpoint: str | os.PathLike | None = None,
    resume: bool = False,
    extra_state: Mapping[str, Any] | None = None,
    scheduler_interval: str = "epoch",
    progress: bool = True,
) -> History:
    """Train ``model`` for ``epochs`` epochs; return the History of per-epoch losses/metrics.

    * ``val_loader``: evaluated after every epoch (``val_loss``, ``val_<metric>``).
    * ``metrics``: names (``"accuracy"``) or functions ``f(outputs, targets) -> float``.
    * ``scheduler``: stepped once per epoch (or per batch with ``scheduler_interval="batch"``);
      a scheduler whose ``step`` takes ``metrics`` (ReduceLROnPlateau) gets the monitored value.
    * ``early_stopping``: an object whose ``step(value)`` returns True to stop (e.g.
      ``optim.EarlyStopping``), fed the ``monitor``ed value (default ``"val_loss"`` with a
      validation loader, else ``"loss"``).
    * ``callbacks``: objects with any of the hooks of ``Callback``.
    * ``checkpoint``: a file written atomically after every epoch with everything needed to
      resume (model, optimizer, scheduler, history, shuffling and random state); with
      ``resume=True`` an existing checkpoint is loaded first and training continues from it,
      giving the same result as an uninterrupted run. An exception or Ctrl-C during training
      leaves the last good checkpoint intact. ``extra_state``: more objects (name -> object
      with ``state_dict()`` / ``load_state_dict()``) saved in and restored from the checkpoint.
    * ``progress``: a progress bar per epoch (tqdm, on stderr) showing the running loss; when
      stderr is not a terminal (a log file, CI), one line per epoch instead.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"fit: epochs must be an integer >= 0, got {epochs!r}")
    if scheduler_interval not in ("epoch", "batch"):
        raise ValueError(
            f"fit: scheduler_interval must be 'epoch' or 'batch', got {scheduler_interval!r}"
        )
    metric_fns = resolve_metrics(metrics)
    monitor = monitor or ("val_loss" if val_loader is not None else "loss")
    if monitor.startswith("val_") and val_loader is None:
        raise ValueError(f"fit: monitor={monitor!r} needs a val_loader")
    measured = ["loss", *metric_fns]
    measured += [f"val_{name}" for name in measured] if val_loader is not None else []
    if monitor not in measured:
        raise ValueError(f"fit: monitor={monitor!r} is not measured; measured: "
                         f"{', '.join(measured)}")
    callbacks = list(callbacks)
    history = History()
    extra = {**(extra_state or {}), "train_loader": train_loader,
             "early_stopping": early_stopping}
    start = 0
    if checkpoint is not None and resume and Path(checkpoint).is_file():
        saved = load_checkpoint(checkpoint, model, optimizer, scheduler, extra, restore_rng=True)
        history, start = saved["history"], saved["epoch"]
        if getattr(early_stopping, "should_stop", False):
            start = epochs                    # that run had already stopped early
    state = TrainingState(model=model, optimizer=optimizer, epochs=epochs, history=history)
    run_hook(callbacks, "on_train_begin", state)
    for epoch in range(start + 1, epochs + 1):
        state.epoch, state.logs = epoch, {}
        run_hook(callbacks, "on_epoch_begin", state)
        logs: dict[str, float] = {"epoch": epoch}
        lr = _learning_rate(optimizer)
        bar = _progress(train_loader, f"epoch {epoch}/{epochs}", progress)
        try:
            logs.update(train_one_epoch(
                model, loss_fn, optimizer, train_loader, state, metric_fns, callbacks,
                scheduler if scheduler_interval == "batch" else None, bar))
            if val_loader is not None:
                validation = evaluate(model, loss_fn, val_loader, list(metric_fns.values()))
                logs.update({f"val_{k}": v for k, v in validation.items()})
            if lr is not None:
                logs["lr"] = lr
            if bar is not None:
                bar.set_postfix_str(_format(logs), refresh=False)
            elif progress:
                print(f"epoch {epoch}/{epochs}: {_format(logs)}", file=sys.stderr, flush=True)
        finally:
            if bar is not None:
                bar.close()
        if scheduler is not None and scheduler_interval == "epoch":
            scheduler.step(logs[monitor]) if _wants_metric(scheduler) else scheduler.step()
        if early_stopping is not None and early_stopping.step(logs[monitor]):
            state.stop = True
        history.append(logs)
        state.logs = logs
        run_hook(callbacks, "on_epoch_end", state)
        if checkpoint is not None:
            save_checkpoint(checkpoint, model, optimizer, scheduler, epoch, history, extra)
        if state.stop:
            break
    run_hook(callbacks, "on_train_end", state)
    return history
