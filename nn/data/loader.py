"""DataLoader: a dataset in mini-batches of Tensors, optionally shuffled and augmented."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from autograd import Tensor
from autograd.rng import generator as global_generator

from .dataset import as_numpy, has_batch_access


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples, yielding Tensors.

    * ``shuffle``: a new random order every epoch (every ``iter(loader)``).
    * ``drop_last``: drop the last batch when it is smaller than ``batch_size``.
    * ``seed``: the loader gets its own random generator, so the order of every epoch is
      reproducible whatever else draws random numbers; without it, shuffling draws from
      ``autograd``'s generator (seeded by ``autograd.manual_seed``).
    * ``transform``: a function applied to the batch of inputs (the first array of each batch,
      as an ndarray) before it becomes a Tensor, e.g. ``augment.Compose([...])``.

    Each batch is a tuple of Tensors, one per array of the samples (``(inputs, targets)`` for a
    ``TensorDataset(X, y)``), or a single Tensor when samples are single arrays.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | None = None,
        transform: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or (
            batch_size < 1
        ):
            raise ValueError(
                f"DataLoader: batch_size should be a positive integer value, but got "
                f"batch_size={batch_size!r}"
            )
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError(
                f"DataLoader: dataset must have __len__ and __getitem__ (a map-style dataset), "
                f"got {type(dataset).__name__}"
            )
        if transform is not None and not callable(transform):
            raise TypeError(f"DataLoader: transform must be callable, got {transform!r}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.seed = seed
        self.transform = transform
        self.generator = None if seed is None else np.random.default_rng(seed)

    def __len__(self) -> int:
        """The number of batches per epoch."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self) -> np.ndarray:
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        rng = self.generator if self.generator is not None else global_generator()
        return rng.permutation(n)

    def __iter__(self) -> Iterator[Any]:
        order = self._order()
        stop = len(self) * self.batch_size if self.drop_last else len(order)
        batched = has_batch_access(self.dataset)
        for start in range(0, stop, self.batch_size):
            indices = order[start:start + self.batch_size]
            if batched:
                arrays, single = tuple(self.dataset.get_batch(indices)), False
            else:
                arrays, single = collate([self.dataset[int(i)] for i in indices])
            if self.transform is not None:
                arrays = (np.asarray(self.transform(arrays[0])),) + arrays[1:]
            tensors = tuple(Tensor._from_raw(np.ascontiguousarray(a)) for a in arrays)
            yield tensors[0] if single else tensors

    # ---- checkpoints: the random state, so a resumed run shuffles exactly as before ------------

    def state_dict(self) -> dict[str, Any]:
        """The loader's random state (its own generator's and its transform's, if any)."""
        state: dict[str, Any] = {}
        if self.generator is not None:
            state["generator"] = self.generator.bit_generator.state
        if hasattr(self.transform, "state_dict"):
            state["transform"] = self.transform.state_dict()
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if "generator" in state:
            if self.generator is None:
                self.generator = np.random.default_rng()
            self.generator.bit_generator.state = state["generator"]
        if "transform" in state and hasattr(self.transform, "load_state_dict"):
            self.transform.load_state_dict(state["transform"])

    def __repr__(self) -> str:
        return (
            f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)} samples, "
            f"batch_size={self.batch_size}, shuffle={self.shuffle}, drop_last={self.drop_last}, "
            f"seed={self.seed})"
        )


def collate(samples: list) -> tuple[tuple[np.ndarray, ...], bool]:
    """Stack samples into batch arrays: ``(arrays, single)`` where ``single`` says the samples
    were single arrays rather than tuples."""
    first = samples[0]
    if isinstance(first, (tuple, list)):
        widths = {len(s) for s in samples}
        if len(widths) != 1:
            raise ValueError(f"DataLoader: samples have different lengths {sorted(widths)}")
        fields = zip(*samples)
        return tuple(_stack(field, position) for position, field in enumerate(fields)), False
    if isinstance(first, dict):
        raise TypeError("DataLoader: samples that are dicts are not supported; return tuples")
    return (_stack(samples, 0),), True


def _stack(values: Any, position: int) -> np.ndarray:
    arrays = [as_numpy(v) for v in values]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(
            f"DataLoader: cannot stack field {position} of the samples into a batch: shapes "
            f"differ ({', '.join(str(s) for s in sorted(shapes))})"
        )
    return np.stack(arrays)
