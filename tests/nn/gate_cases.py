"""Property-test cases for the nn gates, merged into tests/autograd/gate_table.py's GATES.

Each entry draws whole argument tuples for ``Gate.apply`` (small sizes: every example runs
gradcheck and gradgradcheck). Tensors may be non-contiguous views, which exercises the
batch-last window gates on arbitrary memory layouts.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from gate_inputs import case
from hypothesis import strategies as st

from autograd.testing import tensors
from nn.functional._windows import Geometry, output_shape
from nn.functional.activation import Elu, GeluErf, GeluTanh, LeakyRelu
from nn.functional.conv import Conv, ConvTranspose, ConvWeightGrad
from nn.functional.embedding import EmbeddingLookup
from nn.functional.linear import Linear
from nn.functional.loss import BinaryCrossEntropy, BinaryCrossEntropyWithLogits, CrossEntropy
from nn.functional.normalization import Standardize
from nn.functional.pooling import (
    AvgPool,
    AvgPoolAdjoint,
    MaxPool,
    PoolGather,
    PoolScatter,
)

TIE_FREE = st.integers(-60, 60).map(lambda k: k / 16)  # distinct values stay 1/16 apart


@st.composite
def window_setup(draw: Any, pooling: bool = False) -> tuple:
    """(batch, channels, spatial, kernel, geometry) with at least one output position."""
    nd = draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    if pooling:  # PyTorch's rule: symmetric padding of at most half the kernel
        padding = tuple((p, p) for p in (draw(st.integers(0, k // 2)) for k in kernel))
    else:
        padding = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(nd))
    smallest = [max(1, d * (k - 1) + 1 - lo - hi) for k, d, (lo, hi) in
                zip(kernel, dilation, padding)]
    spatial = tuple(draw(st.integers(n, n + 2)) for n in smallest)
    return draw(st.integers(1, 2)), spatial, kernel, Geometry(stride, padding, dilation)


@st.composite
def conv_arguments(draw: Any) -> tuple:
    batch, spatial, kernel, geometry = draw(window_setup())
    groups = draw(st.integers(1, 2))
    c, o = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    x = draw(tensors(shape=(batch, c) + spatial))
    w = draw(tensors(shape=(o, c // groups) + kernel))
    b = draw(st.one_of(st.none(), tensors(shape=(o,))))
    return x, w, b, geometry, groups


@st.composite
def conv_transpose_arguments(draw: Any) -> tuple:
    batch, spatial, kernel, geometry = draw(window_setup())
    groups = draw(st.integers(1, 2))
    c, o = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    out = output_shape(spatial, kernel, geometry)
    z = draw(tensors(shape=(batch, o) + out))
    w = draw(tensors(shape=(o, c // groups) + kernel))
    b = draw(st.one_of(st.none(), tensors(shape=(c,))))
    return z, w, b, geometry, groups, spatial


@st.composite
def conv_weight_grad_arguments(draw: Any) -> tuple:
    batch, spatial, kernel, geometry = draw(window_setup())
    groups = draw(st.integers(1, 2))
    c, o = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    x = draw(tensors(shape=(batch, c) + spatial))
    g = draw(tensors(shape=(batch, o) + output_shape(spatial, kernel, geometry)))
    return x, g, geometry, groups, kernel, None


@st.composite
def max_pool_arguments(draw: Any) -> tuple:
    batch, spatial, kernel, geometry = draw(window_setup(pooling=True))
    x = draw(tensors(shape=(batch, 2) + spatial, elements=TIE_FREE, unique=True))
    return x, kernel, geometry


def _route(draw: Any, shape: tuple, kernel: tuple) -> np.ndarray:
    seed = draw(st.integers(0, 2**16))
    return np.random.default_rng(seed).integers(0, math.prod(kernel), shape).astype(np.int8)


@st.composite
def pool_scatter_arguments(draw: Any) -> tuple:
    batch, spatial, kernel, geometry = draw(window_setup(pooling=True))
    out = output_shape(spatial, kernel, geometry)
    g = draw(tensors(shape=(batch, 2) + out))
    return g, _route(draw, (batch, 2) + out, kernel), kernel, geometry, (batch, 2) + spatial


@st.composite
def pool_gather_arguments(draw: Any) -> tuple:
    batch, spatial, kernel, geometry = draw(window_setup(pooling=True))
    out = output_shape(spatial, kernel, geometry)
    x = draw(tensors(shape=(batch, 2) + spatial))
    return x, _route(draw, (batch, 2) + out, kernel), kernel, geometry


def _divisor(draw: Any, out: tuple, kernel: tuple) -> Any:
    if draw(st.booleans()):
        return float(math.prod(kernel))
    seed = draw(st.integers(0, 2**16))
    return np.random.default_rng(seed).integers(1, 5, out).astype(np.float64)


@st.composite
def avg_pool_arguments(draw: Any) -> tuple:
    batch, spatial, kernel, geometry = draw(window_setup(pooling=True))
    out = output_shape(spatial, kernel, geometry)
    x = draw(tensors(shape=(batch, 2) + spatial))
    return x, kernel, geometry, _divisor(draw, out, kernel)


@st.composite
def avg_pool_adjoint_arguments(draw: Any) -> tuple:
    batch, spatial, kernel, geometry = draw(window_setup(pooling=True))
    out = output_shape(spatial, kernel, geometry)
    g = draw(tensors(shape=(batch, 2) + out))
    return g, kernel, geometry, _divisor(draw, out, kernel), (batch, 2) + spatial


@st.composite
def linear_arguments(draw: Any) -> tuple:
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    x = draw(tensors(shape=lead + (n_in,)))
    w = draw(tensors(shape=(n_out, n_in)))
    return x, w, draw(st.one_of(st.none(), tensors(shape=(n_out,))))


@st.composite
def slope_arguments(draw: Any) -> tuple:
    x = draw(tensors(shape=(draw(st.integers(1, 4)), 3), elements="nonzero"))
    return x, draw(st.floats(-1.0, 2.0))


@st.composite
def embedding_arguments(draw: Any) -> tuple:
    rows = draw(st.integers(1, 4))
    weight = draw(tensors(shape=(rows, draw(st.integers(1, 3)))))
    seed = draw(st.integers(0, 2**16))
    idx = np.random.default_rng(seed).integers(0, rows, draw(st.integers(1, 5)))
    return weight, idx


@st.composite
def bce_arguments(draw: Any) -> tuple:
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return (draw(tensors(shape=shape, elements=(0.05, 0.95))),
            draw(tensors(shape=shape, elements=(0.0, 1.0))))


@st.composite
def bce_logits_arguments(draw: Any) -> tuple:
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    pos_weight = draw(st.one_of(st.none(), tensors(shape=shape[-1:], elements="positive")))
    return (draw(tensors(shape=shape)), draw(tensors(shape=shape, elements=(0.0, 1.0))),
            pos_weight)


@st.composite
def cross_entropy_arguments(draw: Any) -> tuple:
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 4))) + tuple(
        draw(st.lists(st.integers(1, 2), max_size=1)))
    scale = draw(st.one_of(st.none(), st.floats(0.1, 2.0)))
    return (draw(tensors(shape=shape)), draw(tensors(shape=shape, elements=(0.0, 1.0))),
            scale)


@st.composite
def standardize_arguments(draw: Any) -> tuple:
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    axes = tuple(sorted(draw(st.sets(st.integers(0, len(shape) - 1), min_size=1))))
    if math.prod(shape[a] for a in axes) < 2:
        shape = tuple(3 if a == axes[0] else n for a, n in enumerate(shape))
    x = draw(tensors(shape=shape, elements=TIE_FREE, unique=True))
    return x, axes, 1e-3, None


NN_GATES = {
    Conv: case(conv_arguments()),
    ConvTranspose: case(conv_transpose_arguments()),
    ConvWeightGrad: case(conv_weight_grad_arguments()),
    MaxPool: case(max_pool_arguments()),
    PoolScatter: case(pool_scatter_arguments()),
    PoolGather: case(pool_gather_arguments()),
    AvgPool: case(avg_pool_arguments()),
    AvgPoolAdjoint: case(avg_pool_adjoint_arguments()),
    Linear: case(linear_arguments()),
    LeakyRelu: case(slope_arguments()),
    Elu: case(slope_arguments().map(lambda args: (args[0], abs(args[1]) + 0.1))),
    GeluErf: case(st.tuples(tensors(shape=(2, 3)))),
    GeluTanh: case(st.tuples(tensors(shape=(2, 3)))),
    EmbeddingLookup: case(embedding_arguments()),
    BinaryCrossEntropy: case(bce_arguments()),
    BinaryCrossEntropyWithLogits: case(bce_logits_arguments()),
    CrossEntropy: case(cross_entropy_arguments()),
    Standardize: case(standardize_arguments()),
}
