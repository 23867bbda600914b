"""Pointwise gates: clamp/clip, erf, softplus, square, reciprocal, rsqrt, trig, logs and
exponentials, logaddexp, pow with a tensor exponent, and the zero-gradient step functions."""

import math

import numpy as np
import pytest
from hypothesis import strategies as st

import autograd as ag
from tests.autograd.opcases import Case, case_tests
from tests.autograd.strategies import arrays, broadcast_pair

OFF_GRID = 0.0029  # keeps kinks (bounds, integers, zero) away from the 1/128 grid of inputs


def unary(low=-2.0, high=2.0, shift=0.0):
    return arrays(low=low, high=high).map(lambda x: ((np.asarray(x + shift),), {}))


@st.composite
def clamp_inputs(draw):
    x = draw(arrays())
    kind = draw(st.sampled_from(["numbers", "min_only", "max_only", "tensors", "crossed"]))
    if kind == "numbers":
        return (x,), {"min": -0.5 - OFF_GRID, "max": 0.7 + OFF_GRID}
    if kind == "min_only":
        return (x,), {"min": 0.1 + OFF_GRID, "max": None}
    if kind == "max_only":
        return (x,), {"min": None, "max": -0.2 + OFF_GRID}
    low = draw(arrays(x.shape[draw(st.integers(0, x.ndim)):])) + OFF_GRID
    high = draw(arrays(x.shape[draw(st.integers(0, x.ndim)):])) + 2 * OFF_GRID
    if kind == "crossed":  # min > max somewhere: the result is max there
        low, high = np.maximum(low, 1.0 + OFF_GRID), np.minimum(high, -1.0 + OFF_GRID)
    return (x, np.asarray(low), np.asarray(high)), {}


def _clamp(x, low=None, high=None, min=None, max=None):  # noqa: A002
    lo, hi = (low, high) if low is not None else (min, max)
    return ag.clamp(x, lo, hi)


def _clamp_ref(x, low=None, high=None, min=None, max=None):  # noqa: A002
    lo, hi = (low, high) if low is not None else (min, max)
    out = x if lo is None else np.maximum(x, lo)
    return out if hi is None else np.minimum(out, hi)


@st.composite
def softplus_inputs(draw):
    x = draw(arrays())
    return (x,), {"beta": draw(st.sampled_from([1.0, 2.0, 0.5])),
                  "threshold": draw(st.sampled_from([20.0, 1.0 + OFF_GRID, 0.3 + OFF_GRID]))}


def _softplus_ref(x, beta, threshold):
    return np.where(x * beta > threshold, x, np.log1p(np.exp(beta * x)) / beta)


_erf_ref = np.vectorize(math.erf)

CASES = [
    Case("clamp", _clamp, _clamp_ref, clamp_inputs()),
    Case("clip", lambda x: x.clip(-0.3 - OFF_GRID, 0.4 + OFF_GRID),
         lambda x: np.clip(x, -0.3 - OFF_GRID, 0.4 + OFF_GRID), unary()),
    Case("erf", lambda x: x.erf(), _erf_ref, unary()),
    Case("softplus", lambda x, **kw: ag.softplus(x, **kw), _softplus_ref, softplus_inputs()),
    Case("square", lambda x: x.square(), np.square, unary()),
    Case("reciprocal", lambda x: x.reciprocal(), np.reciprocal, unary(0.25, 2.0)),
    Case("rsqrt", lambda x: ag.rsqrt(x), lambda x: 1 / np.sqrt(x), unary(0.25, 2.0)),
    Case("sin", lambda x: x.sin(), np.sin, unary()),
    Case("cos", lambda x: ag.cos(x), np.cos, unary()),
    Case("tan", lambda x: x.tan(), np.tan, unary(-1.2, 1.2)),
    Case("log1p", lambda x: x.log1p(), np.log1p, unary(-0.75, 2.0)),
    Case("expm1", lambda x: ag.expm1(x), np.expm1, unary()),
    Case("log2", lambda x: x.log2(), np.log2, unary(0.25, 2.0)),
    Case("log10", lambda x: ag.log10(x), np.log10, unary(0.25, 2.0)),
    Case("exp2", lambda x: x.exp2(), np.exp2, unary()),
    Case("logaddexp", lambda x, y: ag.logaddexp(x, y), np.logaddexp,
         broadcast_pair().map(lambda p: (p, {}))),
    Case("pow_tensor_exponent", lambda x, y: x**y, np.power,
         broadcast_pair().map(lambda p: ((np.asarray(np.abs(p[0]) + 0.25), p[1]), {}))),
    Case("rpow", lambda x: 2.5**x, lambda x: 2.5**x, unary()),
    Case("sign", lambda x: x.sign(), np.sign, unary(shift=OFF_GRID)),
    Case("floor", lambda x: x.floor(), np.floor, unary(shift=OFF_GRID)),
    Case("ceil", lambda x: ag.ceil(x), np.ceil, unary(shift=OFF_GRID)),
    Case("trunc", lambda x: x.trunc(), np.trunc, unary(shift=OFF_GRID)),
    Case("round", lambda x: x.round(), np.round, unary(shift=OFF_GRID)),
    Case("round_decimals", lambda x: ag.round(x, decimals=1), lambda x: np.round(x, 1),
         unary(shift=OFF_GRID / 10)),
]


test_values, test_gradients, test_second_order = case_tests(CASES)


def test_erf_known_values():
    x = ag.tensor([0.0, 0.5, 1.0, -2.0, 6.0], dtype=np.float64)
    expected = [0.0, 0.5204998778130465, 0.8427007929497149, -0.9953222650189527, 1.0]
    np.testing.assert_allclose(x.erf().data, expected, rtol=1e-15)
    assert ag.tensor([0.5]).erf().dtype == np.float32


def test_step_functions_have_zero_gradient():
    x = ag.tensor([-1.5, -0.5, 0.0, 0.5, 2.5], requires_grad=True)
    for op in (ag.sign, ag.floor, ag.ceil, ag.trunc, ag.round):
        x.grad = None
        op(x).sum().backward()
        np.testing.assert_array_equal(x.grad.data, np.zeros(5))
    np.testing.assert_array_equal(x.round().data, [-2.0, -0.0, 0.0, 0.0, 2.0])  # halves to even


def test_abs_and_relu_have_zero_gradient_at_zero():
    x = ag.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    x.abs().sum().backward()
    np.testing.assert_array_equal(x.grad.data, [-1, 0, 1])
    x.grad = None
    x.relu().sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0, 0, 1])


def test_clamp_semantics_follow_pytorch():
    x = ag.tensor([-2.0, 0.0, 0.5, 3.0], requires_grad=True)
    out = x.clamp(0.0, 1.0)
    np.testing.assert_array_equal(out.data, [0.0, 0.0, 0.5, 1.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0, 1, 1, 0])  # bounds are inclusive
    low = ag.tensor([1.0], requires_grad=True)
    high = ag.tensor([0.0], requires_grad=True)
    crossed = ag.clamp(ag.tensor([0.5]), low, high)  # min > max: the result is max
    assert crossed.item() == 0.0
    crossed.sum().backward()
    assert (low.grad.item(), high.grad.item()) == (0.0, 1.0)
    with pytest.raises(ValueError, match="clamp: at least one of 'min' or 'max'"):
        x.clamp()
    assert ag.tensor([1, 5]).clamp(max=2.5).dtype == np.float32  # int tensor, python float


def test_pow_with_zero_base_and_zero_exponent_matches_pytorch():
    base = ag.tensor([0.0, 0.0, 2.0, 0.0], dtype=np.float64, requires_grad=True)
    exponent = ag.tensor([0.0, 2.0, 0.0, -1.0], dtype=np.float64, requires_grad=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = base**exponent
        np.testing.assert_array_equal(out.data, [1.0, 0.0, 1.0, np.inf])
        (out * ag.tensor([1.0, 1.0, 1.0, 0.0], dtype=np.float64)).sum().backward()
    # d/dbase: 0 where exponent == 0, exponent * base**(exponent - 1) elsewhere
    np.testing.assert_array_equal(base.grad.data[:3], [0.0, 0.0, 0.0])
    # d/dexponent: 0 where base == 0 and exponent >= 0, out * ln(base) elsewhere
    np.testing.assert_allclose(exponent.grad.data[:3], [0.0, 0.0, math.log(2.0)])


def test_softplus_is_stable_and_linear_above_threshold():
    x = ag.tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
    out = ag.softplus(x)
    np.testing.assert_allclose(out.data, [0.0, math.log(2.0), 1000.0], atol=1e-6)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, [0.0, 0.5, 1.0])
