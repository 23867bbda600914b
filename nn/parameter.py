"""Parameter: a Tensor that a Module registers as learnable (it requires grad by default)."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor, get_default_dtype
from autograd.tensor import as_array


class Parameter(Tensor):
    """A leaf Tensor that requires grad; assigning one to a Module attribute registers it.

    ``Parameter(data)`` shares the memory of a Tensor or ndarray ``data`` (keeping its dtype);
    python numbers and lists give the default dtype (float32). ``Parameter()`` is empty.
    """

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        if data is None:
            array = np.empty(0, dtype=get_default_dtype())
        elif isinstance(data, Tensor):
            array = data.data
        else:
            array = as_array(data, copy=False)
        self.data = array
        self._make_leaf(requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol: Any) -> Any:
        return (Parameter, (self.data, self.requires_grad))


def is_parameter(value: Any) -> bool:
    return isinstance(value, Parameter)
