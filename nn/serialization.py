"""Checkpoints: ``save(state_dict, path)`` / ``load(path)`` as ``.npz`` without pickle.

A checkpoint is a zip of ``.npy`` arrays, one per key. Object arrays are refused both ways
(``allow_pickle=False``), so loading a checkpoint never runs code from it.
"""

from __future__ import annotations

import os
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from typing import IO, Any

import numpy as np

from autograd import Tensor

PICKLE_REFUSED = (
    "load: {path} contains pickled Python objects{where}; gategrad checkpoints hold plain "
    "numeric arrays only and never unpickle (unpickling can run arbitrary code). Re-save it "
    "with nn.save(model.state_dict(), path)."
)


def save(state_dict: Mapping[str, Any], path: str | os.PathLike | IO[bytes]) -> None:
    """Write a mapping of names to arrays (or Tensors, numbers) to ``path`` as ``.npz``.

    The file is written exactly at ``path`` (no suffix is added). Values that would need
    pickling (objects, nested dicts) raise a TypeError naming the key.
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"save: expected a mapping of names to arrays, got {type(state_dict)}")
    arrays = {}
    for key, value in state_dict.items():
        if not isinstance(key, str):
            raise TypeError(f"save: keys must be strings, got {key!r}")
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
        if array.dtype.hasobject:
            raise TypeError(
                f"save: the value of {key!r} ({type(value).__name__}) is not a numeric array; "
                "checkpoints hold arrays only (no pickled objects)"
            )
        arrays[key] = array
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)


def _magic(path: Any) -> bytes:
    """The first bytes of a file (path or binary file object, which is rewound)."""
    if hasattr(path, "read"):
        start = path.tell()
        head = path.read(8)
        path.seek(start)
        return head
    with open(path, "rb") as handle:
        return handle.read(8)


def load(path: str | os.PathLike | IO[bytes]) -> OrderedDict:
    """Read a checkpoint written by ``save``: an ordered dict of names to numpy arrays.

    Anything else is refused with a ValueError before a byte of it is interpreted as Python
    objects: pickles, ``torch.save`` files (zips holding a pickle), ``.npz`` files with object
    arrays, single ``.npy`` arrays.
    """
    where = f"'{os.fspath(path)}'" if isinstance(path, (str, os.PathLike)) else "the file"
    head = _magic(path)
    if head.startswith(b"\x93NUMPY"):
        raise ValueError(
            f"load: {where} holds a single array, not a checkpoint (.npz of named arrays)"
        )
    if head[:1] == b"\x80":
        raise ValueError(PICKLE_REFUSED.format(path=where, where=""))
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise ValueError(f"load: {where} is not a gategrad checkpoint (.npz of named arrays)")
    result: OrderedDict = OrderedDict()
    with np.load(path, allow_pickle=False) as archive:
        for key in archive.files:
            if key.endswith(".pkl"):
                raise ValueError(PICKLE_REFUSED.format(path=where, where=f" (entry {key!r})"))
            try:
                value = archive[key]
            except ValueError as error:
                if "pickle" not in str(error):
                    raise
                raise ValueError(
                    PICKLE_REFUSED.format(path=where, where=f" (entry {key!r})")
                ) from None
            if not isinstance(value, np.ndarray):
                raise ValueError(
                    f"load: entry {key!r} of {where} is not a .npy array; not a gategrad "
                    "checkpoint"
                )
            result[key] = value
    return result
