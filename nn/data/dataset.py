"""Datasets: ``Dataset`` (the protocol), ``TensorDataset`` (arrays indexed together), ``Subset``.

A dataset is anything with ``__len__`` and ``__getitem__(i)`` returning one sample (a tuple of
arrays or Tensors, or a single one). A dataset may also offer ``get_batch(indices)``, returning
the whole batch as a tuple of numpy arrays at once; ``DataLoader`` then skips per-sample
stacking (``TensorDataset`` and ``Subset`` of one do this, which keeps loading cheap).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Node, Tensor


class Dataset:
    """Base class of map-style datasets: subclasses define ``__len__`` and ``__getitem__``."""

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")


def as_numpy(value: Any) -> np.ndarray:
    """The values of a Tensor, ndarray, list or number as an ndarray (Tensors are not copied)."""
    if isinstance(value, Node):
        return np.asarray(value.data)
    return np.asarray(value)


class TensorDataset(Dataset):
    """Samples are the ``i``-th rows of several arrays of equal length, e.g. ``(inputs, targets)``.

    ``TensorDataset(X, y)``: ``X`` and ``y`` may be Tensors, ndarrays or nested lists; they are
    kept as given (no copy of arrays, dtypes unchanged). ``dataset[i]`` is a tuple of Tensors,
    as in PyTorch.
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: needs at least one array")
        arrays = tuple(as_numpy(t) for t in tensors)
        for position, array in enumerate(arrays):
            if array.ndim == 0:
                raise ValueError(
                    f"TensorDataset: argument {position} is a 0-d array; every argument needs a "
                    "first dimension indexing the samples"
                )
        lengths = [len(a) for a in arrays]
        if len(set(lengths)) != 1:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ValueError(
                f"TensorDataset: size mismatch between arrays: shapes {shapes}; all arrays need "
                "the same first dimension (one row per sample)"
            )
        self.arrays = arrays

    @property
    def tensors(self) -> tuple[Tensor, ...]:
        """The arrays as Tensors (sharing memory)."""
        return tuple(Tensor._from_raw(a) for a in self.arrays)

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(Tensor._from_raw(np.asarray(a[index])) for a in self.arrays)

    def get_batch(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        """Rows ``indices`` of every array, as ndarrays (one fancy-indexing per array)."""
        return tuple(a[indices] for a in self.arrays)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices`` (in that order)."""

    def __init__(self, dataset: Any, indices: Sequence[int] | np.ndarray) -> None:
        indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        n = len(dataset)
        if indices.size and (indices.min() < -n or indices.max() >= n):
            raise IndexError(
                f"Subset: indices must lie in [0, {n}) for a dataset of {n} samples, got values "
                f"from {indices.min()} to {indices.max()}"
            )
        self.dataset = dataset
        self.indices = indices % max(n, 1)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[int(self.indices[index])]

    def get_batch(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        """The batch from the wrapped dataset's ``get_batch`` (see ``has_batch_access``)."""
        return self.dataset.get_batch(self.indices[np.asarray(indices)])


def has_batch_access(dataset: Any) -> bool:
    """Whether ``dataset.get_batch(indices)`` can be used (directly or through Subsets)."""
    while isinstance(dataset, Subset):
        dataset = dataset.dataset
    return callable(getattr(dataset, "get_batch", None))
