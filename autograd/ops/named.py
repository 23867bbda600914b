"""PyTorch's named forms of the operators and a few spellings of existing ops.

Each is one line over an operator or an existing op, so it shares that op's gate, dtype
promotion and errors: ``add(x, y, alpha=2)`` is ``x + 2 * y``.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def add(input: Any, other: Any, *, alpha: Any = 1) -> Any:
    """input + alpha * other."""
    return input + (other if alpha == 1 else other * alpha)


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Any:
    """input - alpha * other."""
    return input - (other if alpha == 1 else other * alpha)


def mul(input: Any, other: Any) -> Any:
    """input * other."""
    return input * other


def div(input: Any, other: Any) -> Any:
    """input / other (true division; integers give the default float dtype)."""
    return input / other


def neg(input: Any) -> Any:
    """-input."""
    return -input


def permute(input: Any, dims: Any) -> Any:
    """The dims of ``input`` reordered (``torch.permute(x, (2, 0, 1))``)."""
    return input.permute(*dims)


def broadcast_to(input: Any, shape: Any) -> Any:
    """``input`` broadcast to ``shape`` without copying."""
    return input.broadcast_to(*shape)


def t(input: Any) -> Any:
    """The transpose of a tensor of at most 2 dims."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return input.T


def mm(input: Any, mat2: Any) -> Any:
    """The product of two matrices (2-D only; ``matmul`` broadcasts)."""
    if input.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"mm: expected two 2-D tensors, got shapes {tuple(input.shape)} and "
                           f"{tuple(mat2.shape)}")
    return input @ mat2


def _comparison(op: Any, name: str) -> Any:
    def compare(input: Any, other: Any) -> Any:
        return op(input, other)

    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = f"Elementwise {name} (a bool tensor, no gradient)."
    return compare


eq = _comparison(lambda a, b: a == b, "eq")
ne = _comparison(lambda a, b: a != b, "ne")
lt = _comparison(lambda a, b: a < b, "lt")
le = _comparison(lambda a, b: a <= b, "le")
gt = _comparison(lambda a, b: a > b, "gt")
ge = _comparison(lambda a, b: a >= b, "ge")


def isnan(input: Any) -> Any:
    """Where ``input`` is NaN (a bool tensor, no gradient)."""
    from ..tensor import Tensor

    return Tensor._from_raw(np.isnan(input.data))


def isfinite(input: Any) -> Any:
    """Where ``input`` is neither inf nor NaN (a bool tensor, no gradient)."""
    from ..tensor import Tensor

    return Tensor._from_raw(np.isfinite(input.data))
