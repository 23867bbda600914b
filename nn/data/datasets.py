"""Generated 2-D classification data: the classic decision-boundary demos (seeded, no files).

Each function returns ``(X, y)``: ``X`` float32 of shape ``(n_samples, n_features)``, ``y``
int64 class labels ``0 .. n_classes-1``. Rows come shuffled; the same ``seed`` gives the same
data.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _check_count(name: str, value: int, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name}: must be an integer >= {minimum}, got {value!r}")
    return int(value)


def _check_noise(name: str, value: float) -> float:
    if not value >= 0:
        raise ValueError(f"{name}: noise must be >= 0, got {value!r}")
    return float(value)


def _per_class(n_samples: int, n_classes: int) -> list[int]:
    """Split ``n_samples`` as evenly as possible (the first classes get the remainder)."""
    base, extra = divmod(n_samples, n_classes)
    return [base + (1 if k < extra else 0) for k in range(n_classes)]


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple:
    order = rng.permutation(len(y))
    return X[order].astype(np.float32), y[order].astype(np.int64)


def make_spirals(
    n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class, in the unit disc (not linearly separable).

    Arm ``k``: radius ``r`` from 0 to 1, angle ``4 r + 4 k`` radians plus Gaussian noise of
    standard deviation ``noise``; the point is ``(r sin angle, r cos angle)``.
    """
    n_samples = _check_count("make_spirals: n_samples", n_samples)
    n_classes = _check_count("make_spirals: n_classes", n_classes)
    noise = _check_noise("make_spirals", noise)
    rng = np.random.default_rng(seed)
    points, labels = [], []
    for k, count in enumerate(_per_class(n_samples, n_classes)):
        radius = np.linspace(0.0, 1.0, count)
        angle = np.linspace(4.0 * k, 4.0 * (k + 1), count) + noise * rng.standard_normal(count)
        points.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]))
        labels.append(np.full(count, k))
    return _shuffled(np.concatenate(points), np.concatenate(labels), rng)


def make_moons(
    n_samples: int = 200, noise: float = 0.1, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: class 0 the upper arc of the unit circle, class 1 the
    lower arc shifted to ``(1 - cos t, 0.5 - sin t)``; plus Gaussian noise (std ``noise``)."""
    n_samples = _check_count("make_moons: n_samples", n_samples, minimum=2)
    noise = _check_noise("make_moons", noise)
    rng = np.random.default_rng(seed)
    n_upper, n_lower = _per_class(n_samples, 2)
    upper = np.linspace(0.0, np.pi, n_upper)
    lower = np.linspace(0.0, np.pi, n_lower)
    X = np.concatenate([
        np.column_stack([np.cos(upper), np.sin(upper)]),
        np.column_stack([1.0 - np.cos(lower), 0.5 - np.sin(lower)]),
    ])
    X = X + noise * rng.standard_normal(X.shape)
    y = np.concatenate([np.zeros(n_upper), np.ones(n_lower)])
    return _shuffled(X, y, rng)


def make_blobs(
    n_samples: int = 300,
    centers: int | Sequence[Sequence[float]] | np.ndarray = 3,
    n_features: int = 2,
    cluster_std: float | Sequence[float] = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    seed: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian clusters, one per class.

    ``centers`` is a number of clusters (their centres drawn uniformly in ``center_box`` along
    every feature) or an array of centres of shape ``(n_classes, n_features)``.
    ``cluster_std`` is one standard deviation or one per cluster.
    """
    n_samples = _check_count("make_blobs: n_samples", n_samples)
    rng = np.random.default_rng(seed)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        n_classes = _check_count("make_blobs: centers", centers)
        n_features = _check_count("make_blobs: n_features", n_features)
        low, high = center_box
        centre_array = rng.uniform(low, high, size=(n_classes, n_features))
    else:
        centre_array = np.asarray(centers, dtype=np.float64)
        if centre_array.ndim != 2 or len(centre_array) == 0:
            raise ValueError(
                "make_blobs: centers must be a number of clusters or an array of shape "
                f"(n_clusters, n_features), got shape {centre_array.shape}"
            )
        n_classes = len(centre_array)
    stds = np.asarray(cluster_std, dtype=np.float64).reshape(-1)
    if stds.size not in (1, n_classes):
        raise ValueError(
            f"make_blobs: cluster_std needs one value or one per cluster ({n_classes}), got "
            f"{stds.size}"
        )
    stds = np.broadcast_to(stds, (n_classes,))
    if not np.all(stds >= 0):
        raise ValueError(f"make_blobs: cluster_std must be >= 0, got {cluster_std!r}")
    points, labels = [], []
    for k, count in enumerate(_per_class(n_samples, n_classes)):
        shape = (count, centre_array.shape[1])
        points.append(centre_array[k] + stds[k] * rng.standard_normal(shape))
        labels.append(np.full(count, k))
    return _shuffled(np.concatenate(points), np.concatenate(labels), rng)
