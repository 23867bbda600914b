"""The 8x8 handwritten digits that ship inside scikit-learn (an optional extra: ``data``)."""

from __future__ import annotations

import numpy as np

from .optional import require


def load_digits(as_images: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten digits of scikit-learn (UCI optical recognition, 8x8 pixels).

    Returns ``(X, y)``: ``X`` float32 pixel intensities scaled from 0..16 to [0, 1], of shape
    ``(1797, 1, 8, 8)`` (N, C, H, W) or ``(1797, 64)`` with ``as_images=False``; ``y`` int64
    labels 0..9. Read from the copy inside the scikit-learn package: nothing is downloaded.
    Raises MissingDependencyError (an ImportError) when scikit-learn is not installed.
    """
    sklearn_datasets = require("sklearn.datasets", "load_digits", "scikit-learn", "data")
    bunch = sklearn_datasets.load_digits()
    pixels = np.asarray(bunch.images, dtype=np.float32) / np.float32(16.0)
    labels = np.asarray(bunch.target, dtype=np.int64)
    X = pixels[:, None, :, :] if as_images else pixels.reshape(len(pixels), -1)
    return np.ascontiguousarray(X), labels
