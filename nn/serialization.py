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


def load(path: str | os.PathLike | IO[bytes]) -> OrderedDict:
    """Read a checkpoint written by ``save``: an ordered dict of names to numpy arrays.

    A file that holds pickled objects (a ``torch.save`` file, a plain pickle, an ``.npz``
    with object arrays) is refused with a ValueError; nothing in it is executed.
    """
    where = f"'{os.fspath(path)}'" if isinstance(path, (str, os.PathLike)) else "the file"
    try:
        archive = np.load(path, allow_pickle=False)
    except ValueError as error:
        if "pickle" in str(error):
            raise ValueError(PICKLE_REFUSED.format(path=where, where="")) from None
        raise ValueError(f"load: {where} is not a gategrad checkpoint (.npz): {error}") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(
            f"load: {where} holds a single array, not a checkpoint (.npz of named arrays)"
        )
    result: OrderedDict = OrderedDict()
    with archive:
        for key in archive.files:
            try:
                result[key] = archive[key]
            except ValueError as error:
                if "pickle" not in str(error):
                    raise
                raise ValueError(
                    PICKLE_REFUSED.format(path=where, where=f" (entry {key!r})")
                ) from None
    return result
