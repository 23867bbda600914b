"""Input builders for the per-gate table (gate_table.py): hypothesis strategies of whole
argument tuples for a gate's ``apply``, wrapped in a GateCase.

Sizes are kept small (at most 3 dims of side 3): every example runs gradcheck, which costs two
forward passes per input element, and gradgradcheck, which costs more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd.testing import broadcastable_shapes, indices, shapes, tensors

SMALL = dict(max_dims=3, max_side=3)


@dataclass(frozen=True)
class GateCase:
    """How to property-test one gate.

    ``arguments``: a strategy of argument tuples for ``gate.apply``.
    ``scalar_elements``: for gates that Scalar uses too, the elements (a domain name or a
    strategy) of each argument, so the gate is also checked on Scalars.
    ``second_order``: check second derivatives (gradgradcheck) too.
    ``options``: extra keyword arguments for ``check_gradients`` (eps, atol, rtol).
    """

    arguments: st.SearchStrategy
    scalar_elements: tuple | None = None
    second_order: bool = True
    options: dict = field(default_factory=dict)


def case(arguments: st.SearchStrategy, **kwargs: Any) -> GateCase:
    return GateCase(arguments, **kwargs)


# ---- elementwise -------------------------------------------------------------------------------

# Values on two interleaved lattices never tie, so max/min stay 0.25 away from their kink.
LATTICE = st.integers(-4, 4).map(lambda k: k / 2)
SHIFTED_LATTICE = st.integers(-4, 3).map(lambda k: k / 2 + 0.25)


def elementwise_arguments(*elements: Any) -> st.SearchStrategy:
    """One tensor per argument, shapes broadcasting together, values from ``elements``."""

    @st.composite
    def build(draw: Any) -> tuple:
        shape_list = draw(broadcastable_shapes(len(elements), **SMALL))
        return tuple(draw(tensors(shape=s, elements=e)) for s, e in zip(shape_list, elements))

    return build()


def elementwise(*elements: Any, scalar: bool = False, **kwargs: Any) -> GateCase:
    """A case for an elementwise gate whose arguments take values from ``elements``."""
    return GateCase(elementwise_arguments(*elements), tuple(elements) if scalar else None,
                    **kwargs)


@st.composite
def integer_powers(draw: Any) -> tuple:
    """x ** k with a constant integer k (x away from 0, where negative powers have a pole)."""
    return draw(tensors(shape=shapes(**SMALL), elements="nonzero")), draw(st.integers(-2, 3))


@st.composite
def where_arguments(draw: Any) -> tuple:
    cond_shape, a_shape, b_shape = draw(broadcastable_shapes(3, **SMALL))
    cond = draw(tensors(shape=cond_shape, dtype=np.bool_))
    return cond, draw(tensors(shape=a_shape)), draw(tensors(shape=b_shape))


# ---- linear algebra ----------------------------------------------------------------------------


@st.composite
def matmul_arguments(draw: Any) -> tuple:
    """1-D and 2-D operands and batches whose batch dims broadcast."""
    n, k, m = (draw(st.integers(1, 3)) for _ in range(3))
    batch_a, batch_b = draw(broadcastable_shapes(2, max_dims=2, max_side=2))
    a_is_vector, b_is_vector = draw(st.booleans()), draw(st.booleans())
    a_shape = (k,) if a_is_vector else batch_a + (n, k)
    b_shape = (k,) if b_is_vector else batch_b + (k, m)
    return draw(tensors(shape=a_shape)), draw(tensors(shape=b_shape))


# ---- reductions and shapes ---------------------------------------------------------------------


@st.composite
def reduction_arguments(draw: Any) -> tuple:
    """(x, axes, keepdim) with axes normalized as the Tensor methods pass them."""
    x = draw(tensors(shape=shapes(**SMALL)))
    axes = draw(hnp.valid_tuple_axes(x.ndim))
    return x, tuple(sorted(a % x.ndim for a in axes)), draw(st.booleans())


@st.composite
def reshape_arguments(draw: Any) -> tuple:
    x = draw(tensors(shape=shapes(**SMALL)))
    shape = x.shape
    targets = [(x.numel(),), (-1,), tuple(reversed(shape)), (1,) + shape, shape + (1,)]
    return x, draw(st.sampled_from(targets))


@st.composite
def permute_arguments(draw: Any) -> tuple:
    x = draw(tensors(shape=shapes(**SMALL)))
    return x, tuple(draw(st.permutations(range(x.ndim))))


@st.composite
def expand_arguments(draw: Any) -> tuple:
    """x and a shape x broadcasts to: new leading dims, and dims of size 1 grown."""
    x = draw(tensors(shape=shapes(**SMALL)))
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    grown = tuple(draw(st.integers(1, 3)) if n == 1 else n for n in x.shape)
    return x, lead + grown


@st.composite
def getitem_arguments(draw: Any) -> tuple:
    x = draw(tensors(shape=shapes(**SMALL)))
    return x, draw(indices(x.shape))


@st.composite
def scatter_add_arguments(draw: Any) -> tuple:
    """(grad, shape, index) where grad has the shape of ``zeros(shape)[index]``."""
    shape = draw(shapes(**SMALL))
    index = draw(indices(shape))
    picked = np.empty(shape)[index]
    return draw(tensors(shape=np.shape(picked))), shape, index


@st.composite
def cast_arguments(draw: Any) -> tuple:
    """float64 <-> float32 casts (float32 -> float64 is exact; the reverse rounds)."""
    source, target = draw(st.sampled_from([(np.float64, np.float32), (np.float32, np.float64),
                                           (np.float64, np.float64)]))
    return draw(tensors(shape=shapes(**SMALL), dtype=source)), np.dtype(target)
