"""Input builders for the op library's gates in the per-gate table (gate_table.py): strategies
of whole argument tuples for each gate's ``apply``, as the user-facing functions pass them
(dims normalized, index tuples built). Sizes stay small: gradgradcheck runs on every example.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import Tensor
from autograd.ops.index import along_dim_index
from autograd.ops.joining import _index_map
from autograd.ops.linalg import explicit_equation
from autograd.testing import broadcastable_shapes, shapes, tensors

SMALL = dict(max_dims=3, max_side=3)
# distinct values at least 1/8 apart: tie-free inputs for max-like gates
TIE_FREE = st.integers(-16, 16).map(lambda k: k / 8)


def _with_dim(draw: Any, min_dims: int = 1, **kwargs: Any) -> tuple:
    x = draw(tensors(shape=shapes(min_dims=min_dims, **SMALL), **kwargs))
    return x, draw(st.integers(0, x.ndim - 1))


@st.composite
def along_dim_arguments(draw: Any) -> tuple:
    """(x, dim): softmax, log_softmax, cumsum."""
    return _with_dim(draw)


@st.composite
def extremum_arguments(draw: Any) -> tuple:
    """(x, axes, keepdim) with tie-free values (amax, amin)."""
    x = draw(tensors(shape=shapes(**SMALL), elements=TIE_FREE, unique=True))
    axes = draw(hnp.valid_tuple_axes(x.ndim))
    return x, tuple(sorted(a % x.ndim for a in axes)), draw(st.booleans())


@st.composite
def var_arguments(draw: Any) -> tuple:
    """(x, axes, correction, keepdim) with more elements reduced than the correction."""
    x = draw(tensors(shape=shapes(**SMALL)))
    axes = tuple(sorted(a % x.ndim for a in draw(hnp.valid_tuple_axes(x.ndim)))) or tuple(
        range(x.ndim))
    count = int(np.prod([x.shape[a] for a in axes]))
    correction = draw(st.sampled_from([c for c in (0, 1) if c < count]))
    return x, axes, correction, draw(st.booleans())


@st.composite
def prod_arguments(draw: Any) -> tuple:
    """(x, dim, keepdim); values away from 0 (the zeros are tested in test_ops_reduce)."""
    x, dim = _with_dim(draw, elements="nonzero")
    return x, dim, draw(st.booleans())


@st.composite
def norm_arguments(draw: Any) -> tuple:
    """(x, p, axes, keepdim): p = 1, 2, 3 on values away from 0; p = inf on tie-free values."""
    p = draw(st.sampled_from([1.0, 2.0, 3.0, np.inf]))
    if p == np.inf:
        x = draw(tensors(shape=shapes(**SMALL), elements=TIE_FREE.filter(bool), unique=True))
    else:
        x = draw(tensors(shape=shapes(**SMALL), elements="nonzero"))
    axes = draw(hnp.valid_tuple_axes(x.ndim))
    return x, p, tuple(sorted(a % x.ndim for a in axes)), draw(st.booleans())


def _index_array(draw: Any, shape: tuple, high: int) -> np.ndarray:
    return draw(hnp.arrays(np.int64, shape, elements=st.integers(0, high - 1)))


@st.composite
def gather_arguments(draw: Any) -> tuple:
    """(x, index tuple) as gather and max(dim) build it; repeated indices included."""
    x, dim = _with_dim(draw)
    shape = tuple(draw(st.integers(1, 3)) if d == dim else draw(st.integers(1, n))
                  for d, n in enumerate(x.shape))
    return x, along_dim_index(_index_array(draw, shape, x.shape[dim]), dim)


@st.composite
def index_select_arguments(draw: Any) -> tuple:
    x, dim = _with_dim(draw)
    index = _index_array(draw, (draw(st.integers(0, 4)),), x.shape[dim])
    return x, (slice(None),) * dim + (index,)


@st.composite
def flip_arguments(draw: Any) -> tuple:
    x = draw(tensors(shape=shapes(**SMALL)))
    flipped = draw(st.lists(st.booleans(), min_size=x.ndim, max_size=x.ndim))
    return x, tuple(slice(None, None, -1) if f else slice(None) for f in flipped)


@st.composite
def index_pad_arguments(draw: Any) -> tuple:
    """(x, index) for reflect / replicate / circular padding of the last dims."""
    x = draw(tensors(shape=shapes(min_dims=1, **SMALL)))
    mode = draw(st.sampled_from(["reflect", "replicate", "circular"]))
    count = draw(st.integers(1, x.ndim))
    maps = []
    for n in x.shape[x.ndim - count:]:
        high = {"reflect": n - 1, "replicate": 2, "circular": n}[mode]
        maps.append(_index_map(n, draw(st.integers(0, high)), draw(st.integers(0, high)), mode))
    return x, (slice(None),) * (x.ndim - count) + np.ix_(*maps)


@st.composite
def cat_arguments(draw: Any) -> tuple:
    """(dim, *tensors) agreeing in every dim but dim."""
    base = draw(shapes(min_dims=1, **SMALL))
    dim = draw(st.integers(0, len(base) - 1))
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        shape = list(base)
        shape[dim] = draw(st.integers(0, 3))
        parts.append(draw(tensors(shape=tuple(shape))))
    return (dim, *parts)


@st.composite
def stack_arguments(draw: Any) -> tuple:
    shape = draw(shapes(**SMALL))
    parts = [draw(tensors(shape=shape)) for _ in range(draw(st.integers(1, 3)))]
    return (draw(st.integers(0, len(shape))), *parts)


@st.composite
def constant_pad_arguments(draw: Any) -> tuple:
    """(x, widths, value): per-dim (before, after), negative widths crop."""
    x = draw(tensors(shape=shapes(min_dims=1, **SMALL)))
    widths = tuple((draw(st.integers(-(n // 2), 2)), draw(st.integers(-(n // 2), 2)))
                   for n in x.shape)
    return x, widths, draw(st.sampled_from([0.0, 1.5]))


@st.composite
def roll_arguments(draw: Any) -> tuple:
    x = draw(tensors(shape=shapes(min_dims=1, **SMALL)))
    if draw(st.booleans()):
        return x, draw(st.integers(-4, 4)), None
    dims = tuple(draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, unique=True)))
    return x, tuple(draw(st.integers(-4, 4)) for _ in dims), dims


@st.composite
def round_arguments(draw: Any) -> tuple:
    return draw(tensors(shape=shapes(**SMALL), elements="away_from_halves")), 0


# x on the lattice k/2, lower bounds on k/2 + 1/4, upper bounds on k/2 + 1/8: never equal
_LATTICE = st.integers(-4, 4).map(lambda k: k / 2)
_LOW = st.integers(-4, 3).map(lambda k: k / 2 + 0.25)
_HIGH = st.integers(-4, 3).map(lambda k: k / 2 + 0.125)


@st.composite
def clamp_arguments(draw: Any) -> tuple:
    """(x, lo, hi) with bounds None, numbers or tensors (crossing bounds included)."""
    x_shape, lo_shape, hi_shape = draw(broadcastable_shapes(3, **SMALL))
    x = draw(tensors(shape=x_shape, elements=_LATTICE))

    def bound(shape: tuple, values: st.SearchStrategy) -> Any:
        kind = draw(st.sampled_from(["none", "number", "tensor"]))
        if kind == "none":
            return None
        if kind == "number":
            return draw(values)
        return draw(tensors(shape=shape, elements=values))

    lo, hi = bound(lo_shape, _LOW), bound(hi_shape, _HIGH)
    return x, lo, hi


@st.composite
def softplus_arguments(draw: Any) -> tuple:
    """(x, beta, threshold): x on the lattice k/2, the kink x = threshold / beta off it."""
    x = draw(tensors(shape=shapes(**SMALL), elements=_LATTICE))
    return x, draw(st.sampled_from([1.0, 2.0])), draw(st.sampled_from([0.3, 20.0]))


def _well_conditioned(draw: Any, shape: tuple) -> Tensor:
    noise = draw(tensors(shape=shape, elements=(-0.3, 0.3)))
    return Tensor._from_raw(noise.data + 2.0 * np.eye(shape[-1]), requires_grad=True)


@st.composite
def square_matrix_arguments(draw: Any) -> tuple:
    n = draw(st.integers(1, 3))
    batch = draw(st.sampled_from([(), (2,)]))
    return (_well_conditioned(draw, batch + (n, n)),)


@st.composite
def solve_arguments(draw: Any) -> tuple:
    n = draw(st.integers(1, 3))
    a = _well_conditioned(draw, draw(st.sampled_from([(), (2,)])) + (n, n))
    return a, draw(tensors(shape=(n, draw(st.integers(1, 2)))))


EINSUM_SHAPES = {
    "ij,jk->ik": [(2, 3), (3, 2)],
    "ii->i": [(3, 3)],
    "iij->j": [(2, 2, 3)],
    "ij->": [(2, 3)],
    "i,j->ij": [(3,), (2,)],
    "...ij,...jk->...ik": [(1, 2, 3), (2, 3, 2)],
    "ij,ij,ij->i": [(2, 3), (2, 3), (1, 3)],
}


@st.composite
def einsum_arguments(draw: Any) -> tuple:
    """(explicit equation, *operands), as einsum passes them to the gate."""
    equation = draw(st.sampled_from(sorted(EINSUM_SHAPES)))
    shapes_ = EINSUM_SHAPES[equation]
    operands = [draw(tensors(shape=s)) for s in shapes_]
    return (explicit_equation(equation, shapes_), *operands)


@st.composite
def std_arguments(draw: Any) -> tuple:
    """var's arguments, with the reduced values spread out (std has a kink at constant input,
    where central differences see |a| and the gate gives PyTorch's one-sided choice)."""
    x, axes, correction, keepdim = draw(var_arguments())
    spread = np.ptp(x.data, axis=axes) if x.size else np.zeros(0)
    assume(x.size == 0 or float(np.min(spread)) > 1e-2)
    return x, axes, correction, keepdim
