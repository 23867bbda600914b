"""Hypothesis strategies for the op tests: float64 arrays on a grid, in three memory layouts.

Values are multiples of 1/128, so they stay clear (by far more than the finite-difference
step) of kinks placed off the grid (clamp bounds, zeros of abs) and, with ``distinct=True``,
of ties (max, sort). Arrays come C-contiguous, transposed or strided, so the gates also see
non-contiguous views.
"""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import strategies as st

STEP = 1 / 128
LAYOUTS = ("contiguous", "transposed", "strided")


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def _arrange(values: np.ndarray, shape: tuple, layout: str) -> np.ndarray:
    if layout == "transposed" and len(shape) >= 2:
        return values.reshape(shape[::-1]).T
    if layout == "strided" and len(shape) >= 1:
        base = np.zeros(shape[:-1] + (2 * shape[-1],))
        base[..., ::2] = values.reshape(shape)
        return base[..., ::2]
    return values.reshape(shape)


@st.composite
def arrays(draw, shape=None, low: float = -2.0, high: float = 2.0, distinct: bool = False,
           **shape_kwargs):
    """A float64 array with values on the 1/128 grid in [low, high] and a random layout."""
    if shape is None:
        shape = draw(shapes(**shape_kwargs))
    elif not isinstance(shape, tuple):
        shape = draw(shape)
    size = int(np.prod(shape))
    ints = st.integers(int(np.ceil(low / STEP)), int(np.floor(high / STEP)))
    values = draw(hnp.arrays(np.int64, size, elements=ints, unique=distinct)) * STEP
    layout = draw(st.sampled_from(LAYOUTS))
    return _arrange(values.astype(np.float64), tuple(shape), layout)


@st.composite
def broadcast_pair(draw, low: float = -2.0, high: float = 2.0, max_dims: int = 3):
    """Two arrays whose shapes broadcast together."""
    pair = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=max_dims,
                                                   max_side=4))
    return tuple(draw(arrays(shape, low, high)) for shape in pair.input_shapes)


@st.composite
def with_dim(draw, low: float = -2.0, high: float = 2.0, distinct: bool = False,
             min_dims: int = 1, max_dims: int = 3):
    """(array, dim) with dim a valid (possibly negative) dim of the array."""
    x = draw(arrays(None, low, high, distinct, min_dims=min_dims, max_dims=max_dims))
    dim = draw(st.integers(-x.ndim, x.ndim - 1))
    return x, dim


@st.composite
def with_dims(draw, low: float = -2.0, high: float = 2.0, distinct: bool = False,
              max_dims: int = 3):
    """(array, dims) with dims None, an int or a tuple of distinct dims."""
    x = draw(arrays(None, low, high, distinct, max_dims=max_dims))
    if x.ndim == 0:
        return x, None
    choice = draw(st.sampled_from(["none", "int", "tuple"]))
    if choice == "none":
        return x, None
    if choice == "int":
        return x, draw(st.integers(-x.ndim, x.ndim - 1))
    dims = draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True))
    return x, tuple(dims)
