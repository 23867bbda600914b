"""IDX reading on small files the tests write, and on corrupt and truncated ones."""

import gzip
import struct

import numpy as np
import pytest

from nn.data import IdxFormatError, load_mnist, read_idx

TYPE_CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C,
              np.float32: 0x0D, np.float64: 0x0E}


def idx_bytes(array):
    """The IDX encoding of ``array``, written independently of the reader."""
    array = np.asarray(array)
    header = bytes([0, 0, TYPE_CODES[array.dtype.type], array.ndim])
    header += b"".join(struct.pack(">I", n) for n in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path, data, compress=False):
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


@pytest.fixture
def small_mnist():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    labels = rng.integers(0, 10, size=7).astype(np.uint8)
    return images, labels


@pytest.mark.parametrize("dtype", list(TYPE_CODES))
@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_round_trips_every_type(tmp_path, dtype, compress):
    rng = np.random.default_rng(1)
    array = (rng.standard_normal((3, 2, 4)) * 50).astype(dtype)
    path = write(tmp_path / "data.idx", idx_bytes(array), compress)
    result = read_idx(path)
    assert result.dtype == np.dtype(dtype) and result.dtype.isnative
    np.testing.assert_array_equal(result, array)


@pytest.mark.parametrize("compress", [False, True])
def test_load_mnist_reads_both_splits(tmp_path, small_mnist, compress):
    images, labels = small_mnist
    suffix = ".gz" if compress else ""
    write(tmp_path / f"train-images-idx3-ubyte{suffix}", idx_bytes(images), compress)
    write(tmp_path / f"train-labels-idx1-ubyte{suffix}", idx_bytes(labels), compress)
    write(tmp_path / "t10k-images.idx3-ubyte", idx_bytes(images[:3]))
    write(tmp_path / "t10k-labels.idx1-ubyte", idx_bytes(labels[:3]))
    X, y = load_mnist(tmp_path)
    assert X.shape == (7, 1, 5, 4) and X.dtype == np.float32
    assert y.dtype == np.int64
    np.testing.assert_allclose(X[:, 0], images / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(y, labels)
    X_test, y_test = load_mnist(tmp_path, split="test")
    assert X_test.shape == (3, 1, 5, 4)
    np.testing.assert_array_equal(y_test, labels[:3])


def test_truncated_data_is_an_error_not_a_short_array(tmp_path, small_mnist):
    data = idx_bytes(small_mnist[0])
    path = write(tmp_path / "x.idx", data[:-5])
    with pytest.raises(IdxFormatError, match=r"truncated: shape \(7, 5, 4\) of uint8 needs 140 "
                                             r"bytes of data, the file has 135"):
        read_idx(path)


def test_truncated_header(tmp_path):
    path = write(tmp_path / "x.idx", bytes([0, 0, 0x08, 3]) + struct.pack(">I", 7))
    with pytest.raises(IdxFormatError, match="truncated inside its header"):
        read_idx(path)
    write(path, b"\x00\x00")
    with pytest.raises(IdxFormatError, match="too short"):
        read_idx(path)


def test_extra_bytes_are_an_error(tmp_path, small_mnist):
    path = write(tmp_path / "x.idx", idx_bytes(small_mnist[1]) + b"\x00\x01")
    with pytest.raises(IdxFormatError, match="2 bytes after the data"):
        read_idx(path)


def test_bad_magic_and_unknown_type(tmp_path, small_mnist):
    good = idx_bytes(small_mnist[1])
    path = write(tmp_path / "x.idx", b"\x01" + good[1:])
    with pytest.raises(IdxFormatError, match="not an IDX file"):
        read_idx(path)
    write(path, good[:2] + b"\x07" + good[3:])
    with pytest.raises(IdxFormatError, match="unknown data type code 0x07"):
        read_idx(path)
    write(path, good[:3] + b"\x00" + good[4:])
    with pytest.raises(IdxFormatError, match="0 dimensions"):
        read_idx(path)


def test_corrupt_and_truncated_gzip(tmp_path, small_mnist):
    compressed = gzip.compress(idx_bytes(small_mnist[0]))
    path = write(tmp_path / "x.idx.gz", compressed[: len(compressed) // 2])
    with pytest.raises(IdxFormatError, match="corrupt or truncated gzip"):
        read_idx(path)
    write(path, compressed[:10] + bytes(len(compressed) - 10))
    with pytest.raises(IdxFormatError, match="corrupt or truncated gzip"):
        read_idx(path)


def test_gzip_truncated_data_inside_is_caught(tmp_path, small_mnist):
    path = write(tmp_path / "x.gz", idx_bytes(small_mnist[0])[:-1], compress=True)
    with pytest.raises(IdxFormatError, match="truncated"):
        read_idx(path)


def test_mismatched_image_and_label_counts(tmp_path, small_mnist):
    images, labels = small_mnist
    write(tmp_path / "train-images-idx3-ubyte", idx_bytes(images))
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(labels[:5]))
    with pytest.raises(IdxFormatError, match="has 7 images but .* has 5 labels"):
        load_mnist(tmp_path)


@pytest.mark.parametrize("compress", [False, True])
def test_labels_out_of_range_are_rejected(tmp_path, small_mnist, compress):
    images, labels = small_mnist
    labels = labels.copy()
    labels[3], labels[5] = 200, 10
    suffix = ".gz" if compress else ""
    write(tmp_path / "train-images-idx3-ubyte", idx_bytes(images))
    labels_path = write(tmp_path / f"train-labels-idx1-ubyte{suffix}", idx_bytes(labels), compress)
    with pytest.raises(ValueError) as caught:
        load_mnist(tmp_path)
    assert isinstance(caught.value, IdxFormatError)
    message = str(caught.value)
    assert str(labels_path) in message
    assert "label 200 at index 3 (2 label(s) out of range): labels must be in 0-9" in message


def test_num_classes_widens_the_label_range(tmp_path, small_mnist):
    images, labels = small_mnist
    labels = labels.copy()
    labels[0], labels[1] = 46, 10
    write(tmp_path / "train-images-idx3-ubyte", idx_bytes(images))
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(labels))
    _, y = load_mnist(tmp_path, num_classes=47)
    np.testing.assert_array_equal(y, labels)
    with pytest.raises(IdxFormatError, match="label 46 at index 0 .*labels must be in 0-45"):
        load_mnist(tmp_path, num_classes=46)
    with pytest.raises(ValueError, match="num_classes must be an integer from 1 to 256"):
        load_mnist(tmp_path, num_classes=0)


def test_swapped_files_are_rejected(tmp_path, small_mnist):
    images, labels = small_mnist
    write(tmp_path / "train-images-idx3-ubyte", idx_bytes(labels))
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(images))
    with pytest.raises(IdxFormatError, match=r"uint8 images of shape \(N, height, width\)"):
        load_mnist(tmp_path)


def test_missing_files_and_directories(tmp_path, small_mnist):
    with pytest.raises(FileNotFoundError, match="no such directory"):
        load_mnist(tmp_path / "absent")
    with pytest.raises(FileNotFoundError, match="no images file .* train-images-idx3-ubyte"):
        load_mnist(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_idx(tmp_path / "absent.idx")
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        load_mnist(tmp_path, split="validation")
