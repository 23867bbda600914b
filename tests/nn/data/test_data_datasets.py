"""Generated datasets (spirals, moons, blobs) and the scikit-learn digits."""

import sys

import numpy as np
import pytest

from nn.data import MissingDependencyError, load_digits, make_blobs, make_moons, make_spirals


@pytest.mark.parametrize("make, kwargs, n_classes", [
    (make_spirals, {"n_samples": 301, "n_classes": 4}, 4),
    (make_moons, {"n_samples": 101}, 2),
    (make_blobs, {"n_samples": 301, "centers": 5, "n_features": 3}, 5),
])
def test_shapes_dtypes_balance_and_seeding(make, kwargs, n_classes):
    X, y = make(**kwargs, seed=0)
    n = kwargs["n_samples"]
    assert X.dtype == np.float32 and y.dtype == np.int64
    assert X.shape == (n, kwargs.get("n_features", 2)) and y.shape == (n,)
    counts = np.bincount(y)
    assert len(counts) == n_classes and counts.max() - counts.min() <= 1
    X2, y2 = make(**kwargs, seed=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(**kwargs, seed=1)
    assert not np.allclose(X, X3)
    assert not np.array_equal(y[:20], np.sort(y[:20]))   # rows come shuffled


def test_noise_free_moons_lie_on_their_arcs():
    X, y = make_moons(60, noise=0.0)
    upper, lower = X[y == 0].astype(np.float64), X[y == 1].astype(np.float64)
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-6)
    assert upper[:, 1].min() >= -1e-6
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, rtol=1e-6)
    assert lower[:, 1].max() <= 0.5 + 1e-6


def test_noise_free_spirals_turn_with_radius():
    X, y = make_spirals(90, n_classes=3, noise=0.0)
    radius = np.hypot(X[:, 0], X[:, 1]).astype(np.float64)
    angle = np.arctan2(X[:, 0], X[:, 1]).astype(np.float64)
    assert radius.max() <= 1.0 + 1e-6
    expected = 4.0 * radius + 4.0 * y                       # the arm's angle at that radius
    difference = np.angle(np.exp(1j * (angle - expected)))  # equal modulo 2 pi
    np.testing.assert_allclose(difference[radius > 1e-3], 0.0, atol=1e-4)


def test_blobs_with_given_centres_and_zero_spread():
    centres = [[0.0, 1.0], [5.0, -5.0]]
    X, y = make_blobs(10, centers=centres, cluster_std=0.0)
    np.testing.assert_array_equal(X, np.asarray(centres, dtype=np.float32)[y])
    with pytest.raises(ValueError, match="cluster_std needs one value or one per cluster"):
        make_blobs(10, centers=3, cluster_std=[1.0, 2.0])


def test_generator_argument_errors():
    with pytest.raises(ValueError, match="make_spirals: n_samples: must be an integer >= 1"):
        make_spirals(0)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        make_moons(10, noise=-1)
    with pytest.raises(ValueError, match=r"shape \(n_clusters, n_features\)"):
        make_blobs(10, centers=[1.0, 2.0])


def test_load_digits():
    pytest.importorskip("sklearn")
    X, y = load_digits()
    assert X.shape == (1797, 1, 8, 8) and X.dtype == np.float32
    assert y.dtype == np.int64 and sorted(set(y.tolist())) == list(range(10))
    assert X.min() == 0.0 and X.max() == 1.0
    flat, y_flat = load_digits(as_images=False)
    assert flat.shape == (1797, 64)
    np.testing.assert_array_equal(flat, X.reshape(1797, 64))
    np.testing.assert_array_equal(y, y_flat)


def test_load_digits_without_scikit_learn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)   # import now fails
    with pytest.raises(MissingDependencyError,
                       match=r"load_digits needs scikit-learn.*pip install 'gategrad\[data\]'"):
        load_digits()
