"""Pooling: values against direct window loops, max routing (first maximum on ties),
gradients (first and second order), adaptive and global average pooling, errors."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from tests.nn.gradients import check_gradients, check_second_order

rng = np.random.default_rng(0)


def output_size(size, k, s, p, d, ceil_mode):
    span = d * (k - 1) + 1
    n = (math.ceil if ceil_mode else math.floor)((size + 2 * p - span) / s) + 1
    if ceil_mode and (n - 1) * s >= size + p:
        n -= 1
    return n


def reference_pool2d(x, k, s, p, d=(1, 1), ceil_mode=False, kind="max", count_include_pad=True):
    n, c, h, w = x.shape
    ho = output_size(h, k[0], s[0], p[0], d[0], ceil_mode)
    wo = output_size(w, k[1], s[1], p[1], d[1], ceil_mode)
    out = np.zeros((n, c, ho, wo))
    for i, j in itertools.product(range(ho), range(wo)):
        values, padded = [], 0
        for a, b in itertools.product(range(k[0]), range(k[1])):
            r, q = i * s[0] - p[0] + a * d[0], j * s[1] - p[1] + b * d[1]
            if 0 <= r < h and 0 <= q < w:
                values.append(x[:, :, r, q])
            elif -p[0] <= r < h + p[0] and -p[1] <= q < w + p[1]:
                padded += 1
        stack = np.stack(values, -1)
        if kind == "max":
            out[:, :, i, j] = stack.max(-1)
        else:
            count = len(values) + (padded if count_include_pad else 0)
            out[:, :, i, j] = stack.sum(-1) / count
    return out


@pytest.mark.parametrize("kw", [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=(2, 3), stride=(1, 2), dilation=2),
])
def test_max_pool2d_matches_the_window_definition(kw):
    x = rng.standard_normal((2, 3, 9, 8))
    k = F._windows.ntuple(kw["kernel_size"], 2, "", "")
    s = F._windows.ntuple(kw.get("stride", k), 2, "", "")
    p = F._windows.ntuple(kw.get("padding", 0), 2, "", "")
    d = F._windows.ntuple(kw.get("dilation", 1), 2, "", "")
    expected = reference_pool2d(x, k, s, p, d, kw.get("ceil_mode", False))
    np.testing.assert_array_equal(nn.MaxPool2d(**kw)(autograd.Tensor(x)).data, expected)


@given(size=st.integers(2, 9), k=st.integers(1, 3), s=st.integers(1, 3), p=st.integers(0, 1),
       ceil_mode=st.booleans(), count_include_pad=st.booleans())
def test_avg_pool2d_geometry_property(size, k, s, p, ceil_mode, count_include_pad):
    if p > k // 2 or k > size + 2 * p:
        return
    x = rng.standard_normal((1, 2, size, size + 1))
    out = F.avg_pool2d(autograd.Tensor(x), k, s, p, ceil_mode, count_include_pad)
    expected = reference_pool2d(x, (k, k), (s, s), (p, p), ceil_mode=ceil_mode, kind="avg",
                                count_include_pad=count_include_pad)
    np.testing.assert_allclose(out.data, expected, atol=1e-12)


def test_max_pool_routes_the_gradient_to_the_first_maximum():
    x = autograd.tensor([[[[1.0, 3.0], [3.0, 0.0]]]], requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[[[0, 1], [0, 0]]]])


def test_max_pool_overlapping_windows_accumulate_gradients():
    x = autograd.tensor([[[0.0, 5.0, 1.0, 2.0]]], requires_grad=True)
    out = F.max_pool1d(x, kernel_size=2, stride=1)
    np.testing.assert_array_equal(out.data, [[[5, 5, 2]]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[[0, 2, 0, 1]]])


def test_max_pool_return_indices_are_flat_positions_per_plane():
    x = autograd.tensor([[[[1.0, 9.0, 2.0], [4.0, 0.0, 8.0], [7.0, 6.0, 5.0]]]])
    out, indices = F.max_pool2d(x, 2, stride=1, return_indices=True)
    np.testing.assert_array_equal(out.data, [[[[9, 9], [7, 8]]]])
    np.testing.assert_array_equal(indices.data, [[[[1, 1], [6, 5]]]])


@pytest.mark.parametrize("layer", [
    nn.MaxPool2d(2), nn.MaxPool2d(3, stride=2, padding=1), nn.AvgPool2d(2),
    nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), nn.MaxPool1d(3, 2),
    nn.AvgPool1d(2, ceil_mode=True), nn.AdaptiveAvgPool2d((2, 3)), nn.AdaptiveAvgPool1d(3),
    nn.GlobalAvgPool2d(),
])
def test_pooling_gradients(layer):
    shape = (2, 2, 5) if "1d" in type(layer).__name__ else (2, 2, 5, 6)
    check_gradients(layer, rng.standard_normal(shape))


def test_pooling_second_order():
    check_second_order(lambda x: (F.max_pool2d(x, 2) ** 2), rng.standard_normal((1, 1, 4, 4)))
    check_second_order(lambda x: (F.avg_pool2d(x, 3, 2, 1) ** 2),
                       rng.standard_normal((1, 1, 5, 4)))


def test_adaptive_avg_pool_uses_pytorch_bins():
    x = rng.standard_normal((1, 1, 5, 7))
    out = F.adaptive_avg_pool2d(autograd.Tensor(x), (3, 2)).data
    rows = [(0, 2), (1, 4), (3, 5)]  # [floor(i*5/3), ceil((i+1)*5/3))
    cols = [(0, 4), (3, 7)]
    for (i, (r0, r1)), (j, (c0, c1)) in itertools.product(enumerate(rows), enumerate(cols)):
        assert out[0, 0, i, j] == pytest.approx(x[0, 0, r0:r1, c0:c1].mean())
    assert F.adaptive_avg_pool2d(autograd.Tensor(x), (None, 7)).shape == (1, 1, 5, 7)


def test_global_average_pooling():
    x = rng.standard_normal((2, 3, 4, 5))
    np.testing.assert_allclose(nn.GlobalAvgPool2d()(autograd.Tensor(x)).data, x.mean((2, 3)))
    assert nn.GlobalAvgPool2d(keepdim=True)(autograd.Tensor(x)).shape == (2, 3, 1, 1)
    np.testing.assert_allclose(nn.AdaptiveAvgPool2d(1)(autograd.Tensor(x)).data[..., 0, 0],
                               x.mean((2, 3)))


def test_pooling_errors():
    with pytest.raises(ValueError, match=r"4-D input of shape \(N, C, H, W\)"):
        nn.MaxPool2d(2)(autograd.zeros(3, 4, 4))
    with pytest.raises(ValueError, match="at most half"):
        nn.MaxPool2d(2, padding=2)(autograd.zeros(1, 1, 4, 4))
    with pytest.raises(ValueError, match="too small"):
        nn.AvgPool2d(5)(autograd.zeros(1, 1, 3, 3))
    assert repr(nn.MaxPool2d(2)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)")
