"""Training checkpoints: model, optimizer, scheduler, history and random state in one ``.npz``.

Written atomically (to a temporary file in the same directory, then ``os.replace``), so an
exception or Ctrl-C while saving leaves the previous checkpoint intact. Nested state (dicts with
int keys, tuples, numbers, random-generator states) is stored as a JSON skeleton next to the
arrays; loading uses ``allow_pickle=False``, so a checkpoint can never run code.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np

from autograd import Node
from autograd.rng import generator as global_generator

from .history import History

FORMAT = "gategrad-training-checkpoint"
VERSION = 1
SKELETON_KEY = "__skeleton__"


class CheckpointError(ValueError):
    """A file that is not a readable gategrad training checkpoint."""


# ---- nested state <-> (JSON skeleton, named arrays) --------------------------------------------

class _Encoder:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def _name(self, path: tuple[str, ...]) -> str:
        base = re.sub(r"[^A-Za-z0-9_.\-/]", "_", "/".join(path)) or "value"
        name, n = base, 1
        while name in self.arrays or name == SKELETON_KEY:
            name, n = f"{base}#{n}", n + 1
        return name

    def encode(self, value: Any, path: tuple[str, ...] = ()) -> Any:
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, Node):
            value = value.data
        if isinstance(value, (np.ndarray, np.generic)):
            array = np.asarray(value)
            if array.dtype.hasobject:
                raise TypeError(f"save_checkpoint: {'/'.join(path)} holds Python objects")
            name = self._name(path)
            self.arrays[name] = array
            return {"scalar" if isinstance(value, np.generic) else "array": name}
        if isinstance(value, Mapping):
            return {"dict": [[self.encode(k, path), self.encode(v, path + (str(k),))]
                             for k, v in value.items()]}
        if isinstance(value, (list, tuple)):
            items = [self.encode(v, path + (str(i),)) for i, v in enumerate(value)]
            return {"tuple" if isinstance(value, tuple) else "list": items}
        raise TypeError(
            f"save_checkpoint: cannot store {'/'.join(path) or 'the state'} of type "
            f"{type(value).__name__} (checkpoints hold arrays, numbers, strings, lists and dicts)"
        )


def _decode(node: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    if not isinstance(node, dict):
        return node
    (kind, body), = node.items()
    if kind == "array":
        return arrays[body]
    if kind == "scalar":
        return arrays[body][()]
    if kind == "dict":
        return {_decode(k, arrays): _decode(v, arrays) for k, v in body}
    if kind == "tuple":
        return tuple(_decode(v, arrays) for v in body)
    return [_decode(v, arrays) for v in body]


# ---- atomic writing ----------------------------------------------------------------------------

def atomic_write(path: str | os.PathLike, write: Callable[[IO[bytes]], None]) -> Path:
    """Call ``write(file)`` on a temporary file next to ``path``, then move it onto ``path`` in
    one step. If anything (including KeyboardInterrupt) interrupts, ``path`` is untouched and the
    temporary file is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())     # mkstemp's 0600 -> the usual permissions
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---- the public pair ---------------------------------------------------------------------------

def _state_of(obj: Any) -> Any:
    return obj.state_dict() if obj is not None and hasattr(obj, "state_dict") else None


def save_checkpoint(
    path: str | os.PathLike,
    model: Any,
    optimizer: Any = None,
    scheduler: Any = None,
    epoch: int = 0,
    history: History | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Path:
    """Save everything needed to resume training exactly: the ``state_dict()`` of the model,
    optimizer, scheduler and of each object in ``extra`` (e.g. the training DataLoader, an
    EarlyStopping), the number of completed ``epoch``s, the ``history`` and the state of
    ``autograd``'s random generator. Atomic: the old file survives any interruption."""
    state = {
        "format": FORMAT,
        "version": VERSION,
        "epoch": int(epoch),
        "model": model.state_dict(),
        "optimizer": _state_of(optimizer),
        "scheduler": _state_of(scheduler),
        "history": history.state_dict() if history is not None else None,
        "extra": {name: _state_of(obj) for name, obj in (extra or {}).items()},
        "rng": global_generator().bit_generator.state,
    }
    encoder = _Encoder()
    skeleton = json.dumps(encoder.encode(state))
    arrays = dict(encoder.arrays)
    arrays[SKELETON_KEY] = np.array(skeleton)
    return atomic_write(path, lambda handle: np.savez(handle, **arrays))


def read_checkpoint(path: str | os.PathLike) -> dict[str, Any]:
    """The saved state as a dict (``epoch``, ``model``, ``optimizer``, ``scheduler``,
    ``history``, ``extra``, ``rng``), without applying it to anything."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load_checkpoint: no such file: {path}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, EOFError) as error:
        raise CheckpointError(
            f"load_checkpoint: {path} is not a readable .npz file ({error})"
        ) from None
    if SKELETON_KEY not in arrays:
        raise CheckpointError(
            f"load_checkpoint: {path} is an .npz file but not a gategrad training checkpoint "
            "(written by save_checkpoint / fit)"
        )
    state = _decode(json.loads(str(arrays.pop(SKELETON_KEY))), arrays)
    if state.get("format") != FORMAT or state.get("version") != VERSION:
        raise CheckpointError(
            f"load_checkpoint: {path} has format {state.get('format')!r} version "
            f"{state.get('version')!r}; expected {FORMAT!r} version {VERSION}"
        )
    return state


def load_checkpoint(
    path: str | os.PathLike,
    model: Any = None,
    optimizer: Any = None,
    scheduler: Any = None,
    extra: Mapping[str, Any] | None = None,
    restore_rng: bool = False,
) -> dict[str, Any]:
    """Load a checkpoint written by ``save_checkpoint`` into the objects given (each through
    its ``load_state_dict``) and return the saved state, with ``"history"`` as a History.
    ``restore_rng=True`` also puts ``autograd``'s random generator back where it was."""
    state = read_checkpoint(path)
    if model is not None:
        model.load_state_dict(state["model"])
    for name, obj in (("optimizer", optimizer), ("scheduler", scheduler)):
        if obj is not None:
            if state[name] is None:
                raise CheckpointError(f"load_checkpoint: {path} holds no {name} state")
            obj.load_state_dict(state[name])
    for name, obj in (extra or {}).items():
        saved = state["extra"].get(name)
        if obj is not None and saved is not None and hasattr(obj, "load_state_dict"):
            obj.load_state_dict(saved)
    if restore_rng:
        global_generator().bit_generator.state = state["rng"]
    history = History()
    if state["history"] is not None:
        history.load_state_dict(state["history"])
    state["history"] = history
    return state
