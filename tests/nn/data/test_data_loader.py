"""DataLoader and TensorDataset: batching, shuffling, seeding, collation, transforms."""

import numpy as np
import pytest

import autograd as ag
from nn.data import DataLoader, Dataset, TensorDataset


def make_dataset(n=10):
    X = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64)
    return TensorDataset(X, y)


def epoch_labels(loader):
    return [yb.data.tolist() for _, yb in loader]


@pytest.mark.parametrize("n, batch_size, drop_last, sizes", [
    (10, 4, False, [4, 4, 2]),
    (10, 4, True, [4, 4]),
    (8, 4, False, [4, 4]),
    (8, 4, True, [4, 4]),
    (3, 5, False, [3]),
    (3, 5, True, []),
])
def test_batch_sizes_and_len(n, batch_size, drop_last, sizes):
    loader = DataLoader(make_dataset(n), batch_size=batch_size, drop_last=drop_last)
    batches = list(loader)
    assert [len(xb) for xb, _ in batches] == sizes
    assert [len(yb) for _, yb in batches] == sizes
    assert len(loader) == len(sizes)


def test_unshuffled_batches_keep_order_values_and_dtypes():
    dataset = make_dataset(10)
    batches = list(DataLoader(dataset, batch_size=4))
    assert all(isinstance(t, ag.Tensor) for batch in batches for t in batch)
    X = np.concatenate([xb.data for xb, _ in batches])
    y = np.concatenate([yb.data for _, yb in batches])
    np.testing.assert_array_equal(X, dataset.arrays[0])
    np.testing.assert_array_equal(y, dataset.arrays[1])
    assert batches[0][0].dtype == np.float32 and batches[0][1].dtype == np.int64
    assert not batches[0][0].requires_grad


def test_shuffle_visits_every_sample_once_in_a_new_order_each_epoch():
    loader = DataLoader(make_dataset(50), batch_size=7, shuffle=True, seed=1)
    first = sum(epoch_labels(loader), [])
    second = sum(epoch_labels(loader), [])
    assert sorted(first) == list(range(50)) and sorted(second) == list(range(50))
    assert first != list(range(50))
    assert first != second


def test_shuffle_inputs_stay_paired_with_targets():
    dataset = make_dataset(20)
    for xb, yb in DataLoader(dataset, batch_size=6, shuffle=True, seed=3):
        np.testing.assert_array_equal(xb.data, dataset.arrays[0][yb.data])


def test_same_seed_same_epochs_different_seed_different_order():
    def two_epochs(seed):
        loader = DataLoader(make_dataset(30), batch_size=8, shuffle=True, seed=seed)
        return epoch_labels(loader) + epoch_labels(loader)

    assert two_epochs(5) == two_epochs(5)
    assert two_epochs(5) != two_epochs(6)


def test_seeded_loader_ignores_the_global_generator():
    loader_a = DataLoader(make_dataset(30), batch_size=8, shuffle=True, seed=5)
    ag.manual_seed(0)
    a = epoch_labels(loader_a)
    loader_b = DataLoader(make_dataset(30), batch_size=8, shuffle=True, seed=5)
    ag.manual_seed(123)
    ag.randn(10)
    assert epoch_labels(loader_b) == a


def test_unseeded_loader_follows_manual_seed():
    loader = DataLoader(make_dataset(30), batch_size=8, shuffle=True)
    ag.manual_seed(42)
    a = epoch_labels(loader)
    ag.manual_seed(42)
    b = epoch_labels(loader)
    ag.manual_seed(43)
    c = epoch_labels(loader)
    assert a == b and a != c


def test_state_dict_resumes_the_shuffle_sequence():
    straight = DataLoader(make_dataset(30), batch_size=8, shuffle=True, seed=9)
    epoch_labels(straight)
    state = straight.state_dict()
    expected = epoch_labels(straight)
    resumed = DataLoader(make_dataset(30), batch_size=8, shuffle=True, seed=9)
    resumed.load_state_dict(state)
    assert epoch_labels(resumed) == expected
    fresh = DataLoader(make_dataset(30), batch_size=8, shuffle=True, seed=9)
    assert epoch_labels(fresh) != expected


class PerSampleDataset(Dataset):
    """A dataset without get_batch: the loader stacks samples one by one."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.full((2, 2), i, dtype=np.float32), i


def test_per_sample_dataset_is_collated_like_a_tensor_dataset():
    batches = list(DataLoader(PerSampleDataset(5), batch_size=2))
    assert [tuple(xb.shape) for xb, _ in batches] == [(2, 2, 2), (2, 2, 2), (1, 2, 2)]
    assert batches[1][1].tolist() == [2, 3]
    np.testing.assert_array_equal(batches[1][0].data[1], np.full((2, 2), 3.0))


def test_single_array_samples_give_a_single_tensor():
    class Single(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return np.array([i, i + 1])

    batches = list(DataLoader(Single(), batch_size=3))
    assert isinstance(batches[0], ag.Tensor)
    assert batches[0].tolist() == [[0, 1], [1, 2], [2, 3]]


def test_tensor_dataset_accepts_tensors_and_indexes_like_pytorch():
    X = ag.randn(6, 2)
    y = ag.tensor([0, 1, 0, 1, 1, 0])
    dataset = TensorDataset(X, y)
    assert len(dataset) == 6
    x3, y3 = dataset[3]
    assert isinstance(x3, ag.Tensor)
    np.testing.assert_array_equal(x3.data, X.data[3])
    assert y3.item() == 1


def test_transform_is_applied_to_inputs_only():
    dataset = make_dataset(6)
    loader = DataLoader(dataset, batch_size=4, transform=lambda images: images * 10)
    xb, yb = next(iter(loader))
    np.testing.assert_array_equal(xb.data, dataset.arrays[0][:4] * 10)
    np.testing.assert_array_equal(yb.data, dataset.arrays[1][:4])


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        DataLoader(make_dataset(), batch_size=0)
    with pytest.raises(TypeError, match="__len__ and __getitem__"):
        DataLoader(object(), batch_size=2)
    with pytest.raises(ValueError, match=r"size mismatch.*\(3, 2\), \(4,\)"):
        TensorDataset(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="shapes differ"):
        class Ragged(Dataset):
            def __len__(self):
                return 2

            def __getitem__(self, i):
                return np.zeros(i + 1), 0

        list(DataLoader(Ragged(), batch_size=2))
