"""random_split and train_val_test_split."""

import numpy as np
import pytest

from nn.data import DataLoader, TensorDataset, random_split, train_val_test_split


def labelled(n=100, n_classes=4):
    return TensorDataset(np.arange(n, dtype=np.float32)[:, None], np.arange(n) % n_classes)


def indices(subset):
    return np.sort(subset.indices).tolist()


def test_random_split_counts_partition_the_dataset():
    parts = random_split(labelled(100), [70, 20, 10], seed=0)
    assert [len(p) for p in parts] == [70, 20, 10]
    assert sorted(sum((indices(p) for p in parts), [])) == list(range(100))
    assert indices(parts[0]) != list(range(70))


def test_random_split_fractions_distribute_the_remainder():
    parts = random_split(labelled(10), [0.34, 0.33, 0.33], seed=0)
    assert [len(p) for p in parts] == [4, 3, 3]


def test_random_split_seeding():
    a = random_split(labelled(), [50, 50], seed=3)
    b = random_split(labelled(), [50, 50], seed=3)
    c = random_split(labelled(), [50, 50], seed=4)
    assert indices(a[0]) == indices(b[0]) and indices(a[0]) != indices(c[0])


def test_random_split_errors():
    with pytest.raises(ValueError, match="summing to the length of the dataset"):
        random_split(labelled(10), [5, 4])
    with pytest.raises(ValueError, match="summing to the length of the dataset"):
        random_split(labelled(10), [0.5, 0.6])


def test_subsets_load_their_own_samples():
    dataset = labelled(20)
    part = random_split(dataset, [5, 15], seed=1)[0]
    xs = np.concatenate([xb.data[:, 0] for xb, _ in DataLoader(part, batch_size=2)])
    assert sorted(xs.astype(int).tolist()) == indices(part)
    x, y = part[0]
    assert x.item() == part.indices[0] and y.item() == part.indices[0] % 4


def test_train_val_test_split_sizes_and_disjointness():
    train, val, test = train_val_test_split(labelled(100), 0.2, 0.1, seed=0)
    assert (len(train), len(val), len(test)) == (70, 20, 10)
    all_indices = indices(train) + indices(val) + indices(test)
    assert sorted(all_indices) == list(range(100))


def test_stratified_split_keeps_class_balance():
    y = np.array([0] * 80 + [1] * 20)
    dataset = TensorDataset(np.zeros((100, 1)), y)
    train, val, test = train_val_test_split(dataset, 0.1, 0.2, seed=0, stratify=y)
    assert np.bincount(y[test.indices]).tolist() == [16, 4]
    assert np.bincount(y[val.indices]).tolist() == [8, 2]
    assert np.bincount(y[train.indices]).tolist() == [56, 14]


def test_train_val_test_split_errors():
    with pytest.raises(ValueError, match="leaves no training data"):
        train_val_test_split(labelled(), 0.5, 0.5)
    with pytest.raises(ValueError, match="stratify has 3 labels for a dataset of 100"):
        train_val_test_split(labelled(), stratify=[0, 1, 0])
