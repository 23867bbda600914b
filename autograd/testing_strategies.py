"""Hypothesis strategies for gategrad values: tensors, Scalars, shapes, dims and indices.

Built on ``hypothesis.extra.numpy``. Re-exported by ``autograd.testing``; import from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "autograd.testing needs the optional dependency hypothesis, which is not installed. "
        "Install it with: pip install 'gategrad[testing]'  (or: pip install hypothesis)"
    ) from error

from .scalar import Scalar
from .tensor import Tensor

# ---- domains: where a function is smooth ---------------------------------------------------


@dataclass(frozen=True)
class Domain:
    """A set of input values, as closed intervals: ``Domain("nonzero", ((-2, -0.1), (0.1, 2)))``.

    Central differences need a margin around kinks and poles (0 for relu, abs and 1/x; the
    boundary of log's domain), so the named domains keep 0.1 away from them.
    """

    name: str
    intervals: tuple

    def elements(self, dtype: Any = np.float64) -> st.SearchStrategy:
        """A strategy for finite values of ``dtype`` inside the domain."""
        dtype = np.dtype(dtype)
        parts = [_floats(low, high, dtype) for low, high in self.intervals]
        return parts[0] if len(parts) == 1 else st.one_of(*parts)


DOMAINS = {
    "real": Domain("real", ((-2.0, 2.0),)),
    "positive": Domain("positive", ((0.1, 2.0),)),  # log, sqrt, the base of pow
    "nonzero": Domain("nonzero", ((-2.0, -0.1), (0.1, 2.0))),  # relu, abs, divisors
    "unit": Domain("unit", ((-0.9, 0.9),)),  # asin, atanh: inside (-1, 1)
    "above_one": Domain("above_one", ((1.1, 3.0),)),  # acosh
    # 0.1 away from every multiple of 0.5: where floor, ceil, trunc, round and sign are flat
    "away_from_halves": Domain(
        "away_from_halves", tuple((k / 2 + 0.1, k / 2 + 0.4) for k in range(-4, 4))
    ),
}


def domain(spec: Any) -> Domain:
    """A Domain from a name in ``DOMAINS``, a ``(low, high)`` pair or a Domain."""
    if isinstance(spec, Domain):
        return spec
    if isinstance(spec, str):
        if spec not in DOMAINS:
            raise ValueError(f"domain: unknown domain {spec!r}; known: {sorted(DOMAINS)}")
        return DOMAINS[spec]
    if isinstance(spec, (tuple, list)) and len(spec) == 2:
        low, high = (float(v) for v in spec)
        if not low <= high:
            raise ValueError(f"domain: expected (low, high) with low <= high, got {spec}")
        return Domain(f"[{low:g}, {high:g}]", ((low, high),))
    raise TypeError(f"domain: expected a name, a (low, high) pair or a Domain, got {spec!r}")


def _floats(low: float, high: float, dtype: np.dtype) -> st.SearchStrategy:
    if dtype.kind in "iu":
        return st.integers(int(np.ceil(low)), int(np.floor(high)))
    if dtype.kind == "b":
        return st.booleans()
    # bounds rounded inwards to values the dtype represents exactly (hypothesis requires it)
    lo, hi = dtype.type(low), dtype.type(high)
    if lo < low:
        lo = np.nextafter(lo, dtype.type(np.inf))
    if hi > high:
        hi = np.nextafter(hi, dtype.type(-np.inf))
    return st.floats(float(lo), float(hi), allow_nan=False, allow_infinity=False,
                     allow_subnormal=False, width=8 * dtype.itemsize)


def _elements(elements: Any, dtype: np.dtype) -> st.SearchStrategy:
    if isinstance(elements, st.SearchStrategy):
        return elements
    return domain("real" if elements is None else elements).elements(dtype)


# ---- shapes, dims and indices --------------------------------------------------------------


def shapes(min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
           max_side: int = 4) -> st.SearchStrategy:
    """Array shapes (tuples of ints); by default 0-d to 3-d with sides 1..4."""
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                            max_side=max_side)


def broadcastable_shapes(n: int, min_dims: int = 0, max_dims: int = 3, min_side: int = 1,
                         max_side: int = 4) -> st.SearchStrategy:
    """Tuples of ``n`` shapes that broadcast together (numpy's rules)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=n, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side,
    ).map(lambda shapes: shapes.input_shapes)


def dims(shape: Sequence[int], allow_none: bool = True,
         allow_tuple: bool = True) -> st.SearchStrategy:
    """Valid ``dim`` arguments for a tensor of ``shape``: an int (negative too), a tuple of
    distinct dims, or None (all dims)."""
    ndim = len(shape)
    options = []
    if ndim:
        options.append(st.integers(-ndim, ndim - 1))
    if allow_tuple:
        options.append(hnp.valid_tuple_axes(ndim))
    if allow_none or not options:
        options.append(st.none())
    return st.one_of(*options)


def indices(shape: Sequence[int], advanced: bool = True) -> st.SearchStrategy:
    """Indices for a tensor of ``shape``: basic (ints, slices, None, Ellipsis) and, with
    ``advanced``, integer arrays (repeats allowed), boolean masks, and one integer array
    among slices."""
    shape = tuple(shape)
    options = [hnp.basic_indices(shape, allow_newaxis=True)]
    if advanced and shape and all(side > 0 for side in shape):
        small = hnp.array_shapes(min_dims=1, max_dims=2, max_side=3)
        options.append(hnp.integer_array_indices(shape, result_shape=small))
        options.append(hnp.arrays(np.bool_, shape))
        options.append(_one_advanced_axis(shape))
    return st.one_of(*options)


@st.composite
def _one_advanced_axis(draw: Any, shape: tuple) -> tuple:
    axis = draw(st.integers(0, len(shape) - 1))
    side = shape[axis]
    chosen = draw(hnp.arrays(np.intp, draw(hnp.array_shapes(min_dims=1, max_dims=2, max_side=3)),
                             elements=st.integers(-side, side - 1)))
    return tuple(chosen if k == axis else slice(None) for k in range(len(shape)))


# ---- values ----------------------------------------------------------------------------------


def tensors(
    shape: Any = None,
    dtype: Any = np.float64,
    elements: Any = None,
    requires_grad: bool = True,
    contiguous: bool | None = None,
    unique: bool = False,
) -> st.SearchStrategy:
    """Tensors for property tests.

    * ``shape``: a tuple, an int, or a strategy of shapes (default ``shapes()``).
    * ``dtype``: a dtype or a strategy of dtypes (default float64, what gradcheck needs).
    * ``elements``: a strategy for the values, or a domain: a name in ``DOMAINS`` (``"real"``,
      the default, ``"positive"``, ``"nonzero"``, ...) or ``(low, high)``.
    * ``requires_grad``: applies to floating-point dtypes.
    * ``contiguous``: True for C-contiguous data only, False for non-contiguous views only
      (strided, transposed or reversed), None (default) for both.
    * ``unique``: all values distinct. With values on a lattice, e.g.
      ``elements=st.integers(-40, 40).map(lambda k: k / 8)``, no two values are closer than
      the lattice step: tie-free inputs for max-like gates (max, pooling, sort).
    """
    return _tensors(shape, dtype, elements, requires_grad, contiguous, unique)


@st.composite
def _tensors(draw: Any, shape: Any, dtype: Any, elements: Any, requires_grad: bool,
             contiguous: bool | None, unique: bool) -> Tensor:
    shape = _draw_shape(draw, shape)
    dtype = np.dtype(draw(dtype) if isinstance(dtype, st.SearchStrategy) else dtype)
    values = _elements(elements, dtype)
    if contiguous is None:
        contiguous = not draw(st.booleans())  # shrinks towards contiguous
    if contiguous or not shape or 0 in shape:
        data = draw(hnp.arrays(dtype, shape, elements=values, unique=unique))
    else:
        data = draw(_non_contiguous(shape, dtype, values, unique))
    tensor = Tensor._from_raw(data)
    if requires_grad and dtype.kind == "f":
        tensor.requires_grad_(True)
    return tensor


def _draw_shape(draw: Any, shape: Any) -> tuple:
    if shape is None:
        shape = shapes()
    if isinstance(shape, st.SearchStrategy):
        shape = draw(shape)
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(n) for n in shape)


@st.composite
def _non_contiguous(draw: Any, shape: tuple, dtype: np.dtype, values: st.SearchStrategy,
                    unique: bool) -> np.ndarray:
    """A view of ``shape`` into a larger or reordered array."""
    kinds = ["strided", "reversed"] + (["transposed"] if len(shape) >= 2 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "transposed":
        order = draw(st.permutations(range(len(shape))).filter(
            lambda p: list(p) != list(range(len(shape)))))
        base = draw(hnp.arrays(dtype, tuple(shape[k] for k in order), elements=values,
                               unique=unique))
        return np.transpose(base, np.argsort(order))
    axis = draw(st.integers(0, len(shape) - 1))
    if kind == "reversed":
        base = draw(hnp.arrays(dtype, shape, elements=values, unique=unique))
        return np.flip(base, axis)
    wide = tuple(2 * n if k == axis else n for k, n in enumerate(shape))
    base = draw(hnp.arrays(dtype, wide, elements=values, unique=unique))
    return base[tuple(slice(None, None, 2) if k == axis else slice(None)
                      for k in range(len(shape)))]


def scalars(elements: Any = None, requires_grad: bool = True) -> st.SearchStrategy:
    """Scalars whose values come from ``elements`` (a strategy or a domain, default "real")."""
    return _elements(elements, np.dtype(np.float64)).map(
        lambda value: Scalar(float(value), requires_grad=requires_grad)
    )


__all__ = [
    "DOMAINS", "Domain", "broadcastable_shapes", "dims", "domain", "indices", "scalars",
    "shapes", "tensors",
]
