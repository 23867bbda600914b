"""Small helpers shared by the functional forms."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Tensor
from autograd.node import Node


def as_tensor(value: Any) -> Any:
    """Tensors (and None) pass through; arrays and numbers become constant Tensors."""
    if value is None or isinstance(value, Node):
        return value
    return Tensor._from_raw(np.asarray(value))
