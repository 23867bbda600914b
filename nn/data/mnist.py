"""IDX files (the MNIST format) read from disk: ``read_idx`` and ``load_mnist``. No downloads.

An IDX file is a 4-byte magic number ``0x00 0x00 <type> <ndim>``, then ``ndim`` big-endian
unsigned 32-bit sizes, then the values in C order, big-endian. Files may be gzip-compressed
(recognised by their content, whatever their name). A file whose header or length does not
add up raises IdxFormatError: a corrupt or truncated file never gives an array.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

# IDX type byte -> numpy dtype (big-endian where it matters)
IDX_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
GZIP_MAGIC = b"\x1f\x8b"
MNIST_SPLITS = {"train": "train", "test": "t10k"}


class IdxFormatError(ValueError):
    """An IDX file whose header, sizes or length are wrong (corrupt, truncated, not IDX)."""


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as handle:
        raw = handle.read()
    if not raw.startswith(GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise IdxFormatError(
            f"read_idx: {path} is a corrupt or truncated gzip file ({error})"
        ) from None


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """The array stored in the IDX file ``path`` (raw or gzip-compressed), in native byte
    order, with the file's dtype (uint8 for MNIST) and shape."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"read_idx: no such file: {path}")
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise IdxFormatError(
            f"read_idx: {path} is too short to be an IDX file ({len(raw)} bytes; the header "
            "alone has at least 8)"
        )
    zero0, zero1, type_code, ndim = raw[:4]
    if zero0 != 0 or zero1 != 0:
        raise IdxFormatError(
            f"read_idx: {path} is not an IDX file: the magic number {raw[:4].hex()} should "
            "start with two zero bytes"
        )
    if type_code not in IDX_TYPES:
        known = ", ".join(f"0x{code:02X}" for code in IDX_TYPES)
        raise IdxFormatError(
            f"read_idx: {path} has unknown data type code 0x{type_code:02X} in its magic number "
            f"(expected one of {known})"
        )
    if ndim == 0:
        raise IdxFormatError(f"read_idx: {path} declares 0 dimensions in its magic number")
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise IdxFormatError(
            f"read_idx: {path} is truncated inside its header: {ndim} dimension sizes need "
            f"{header_size} bytes, the file has {len(raw)}"
        )
    shape = tuple(int(n) for n in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_TYPES[type_code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(raw) - header_size
    if found < expected:
        raise IdxFormatError(
            f"read_idx: {path} is truncated: shape {shape} of {dtype.name} needs {expected} "
            f"bytes of data, the file has {found}"
        )
    if found > expected:
        raise IdxFormatError(
            f"read_idx: {path} has {found - expected} bytes after the data its header "
            f"announces (shape {shape} of {dtype.name}, {expected} bytes): corrupt or not IDX"
        )
    values = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def _find(directory: Path, prefix: str, kind: str) -> Path:
    """The IDX file of ``kind`` ("images"/"labels") in ``directory``, under the usual names."""
    ndim = 3 if kind == "images" else 1
    names = [f"{prefix}-{kind}-idx{ndim}-ubyte", f"{prefix}-{kind}.idx{ndim}-ubyte"]
    candidates = [name + suffix for name in names for suffix in ("", ".gz")]
    for name in candidates:
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(
        f"load_mnist: no {kind} file in {directory}: expected one of {', '.join(candidates)}"
    )


def load_mnist(path: str | os.PathLike, split: str = "train",
               num_classes: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """MNIST-format data from the directory ``path`` (files the user already has).

    ``split`` is ``"train"`` (``train-images-idx3-ubyte[.gz]`` and ``train-labels-...``) or
    ``"test"`` (``t10k-...``). Returns ``(images, labels)``: images float32 in [0, 1] of shape
    ``(N, 1, H, W)``, labels int64 of shape ``(N,)``, each in 0 .. num_classes - 1 (0-9 for
    MNIST and Fashion-MNIST; pass ``num_classes`` for other data in the same layout). Raises
    FileNotFoundError for missing files, IdxFormatError (a ValueError) for files that are
    corrupt, truncated, hold a label outside that range or do not match each other.
    """
    if split not in MNIST_SPLITS:
        raise ValueError(f"load_mnist: split must be 'train' or 'test', got {split!r}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or \
            not 1 <= num_classes <= 256:
        raise ValueError(f"load_mnist: num_classes must be an integer from 1 to 256 (labels are "
                         f"uint8), got {num_classes!r}")
    directory = Path(path)
    if not directory.is_dir():
        raise FileNotFoundError(f"load_mnist: no such directory: {directory}")
    prefix = MNIST_SPLITS[split]
    images_path = _find(directory, prefix, "images")
    labels_path = _find(directory, prefix, "labels")
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.dtype != np.uint8 or images.ndim != 3:
        raise IdxFormatError(
            f"load_mnist: {images_path} should hold uint8 images of shape (N, height, width), "
            f"got {images.dtype.name} of shape {images.shape}"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise IdxFormatError(
            f"load_mnist: {labels_path} should hold uint8 labels of shape (N,), got "
            f"{labels.dtype.name} of shape {labels.shape}"
        )
    if len(images) != len(labels):
        raise IdxFormatError(
            f"load_mnist: {images_path} has {len(images)} images but {labels_path} has "
            f"{len(labels)} labels"
        )
    bad = np.flatnonzero(labels >= num_classes)
    if bad.size:
        raise IdxFormatError(
            f"load_mnist: {labels_path} holds label {int(labels[bad[0]])} at index {bad[0]} "
            f"({bad.size} label(s) out of range): labels must be in 0-{num_classes - 1}"
        )
    pixels = images.astype(np.float32)[:, None, :, :] / np.float32(255.0)
    return pixels, labels.astype(np.int64)
