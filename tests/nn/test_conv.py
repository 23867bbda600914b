"""Convolutions: values against a direct loop reference, gradients (first and second order)
for inputs and parameters, the adjoint relation of conv and conv_transpose, errors."""

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F
from tests.nn.gradients import check_gradients, check_second_order

rng = np.random.default_rng(0)


def reference_conv2d(x, w, b, stride, padding, dilation, groups):
    """Direct definition: y[n,o,i,j] = sum_{c,p,q} w[o,c,p,q] x_pad[n, g*C/G + c, i*s+p*d, ...]."""
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    n, c, h, w_ = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    ho = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    wo = (w_ + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, o, ho, wo))
    per_group = o // groups
    for oc, i, j in itertools.product(range(o), range(ho), range(wo)):
        g = oc // per_group
        patch = xp[:, g * cg:(g + 1) * cg, i * sh:i * sh + dh * (kh - 1) + 1:dh,
                   j * sw:j * sw + dw * (kw - 1) + 1:dw]
        out[:, oc, i, j] = np.sum(patch * w[oc], axis=(1, 2, 3))
    return out if b is None else out + b[None, :, None, None]


CASES = [
    dict(c=3, o=4, k=3, stride=1, padding=1, dilation=1, groups=1),
    dict(c=4, o=6, k=(3, 2), stride=2, padding=(1, 0), dilation=(2, 1), groups=2),
    dict(c=4, o=4, k=3, stride=1, padding=0, dilation=1, groups=4),  # depthwise
    dict(c=2, o=3, k=1, stride=(1, 2), padding=0, dilation=1, groups=1),
]


@pytest.mark.parametrize("case", CASES)
def test_conv2d_matches_the_direct_definition(case):
    layer = nn.Conv2d(case["c"], case["o"], case["k"], case["stride"], case["padding"],
                      case["dilation"], case["groups"]).double()
    x = rng.standard_normal((2, case["c"], 7, 8))
    expected = reference_conv2d(x, layer.weight.data, layer.bias.data, layer.stride,
                                layer.padding, layer.dilation, layer.groups)
    np.testing.assert_allclose(layer(autograd.Tensor(x)).data, expected, atol=1e-12)


@given(h=st.integers(3, 9), w=st.integers(3, 9), k=st.integers(1, 3), stride=st.integers(1, 3),
       padding=st.integers(0, 2), dilation=st.integers(1, 2), groups=st.sampled_from([1, 2]))
def test_conv2d_geometry_property(h, w, k, stride, padding, dilation, groups):
    if dilation * (k - 1) + 1 > min(h, w) + 2 * padding:
        return
    x = rng.standard_normal((2, 2, h, w))
    weight = rng.standard_normal((4, 2 // groups, k, k))
    out = F.conv2d(autograd.Tensor(x), autograd.Tensor(weight), None, stride, padding, dilation,
                   groups)
    expected = reference_conv2d(x, weight, None, (stride,) * 2, (padding,) * 2, (dilation,) * 2,
                                groups)
    np.testing.assert_allclose(out.data, expected, atol=1e-12)


def test_same_and_valid_padding():
    x = rng.standard_normal((1, 2, 6, 7))
    for k, d in [(3, 1), (4, 1), (2, 3)]:
        layer = nn.Conv2d(2, 3, k, padding="same", dilation=d).double()
        assert layer(autograd.Tensor(x)).shape == (1, 3, 6, 7)
    valid = nn.Conv2d(2, 3, 3, padding="valid")
    assert valid(autograd.randn(1, 2, 6, 7)).shape == (1, 3, 4, 5)
    assert "padding=same" in repr(nn.Conv2d(2, 3, 3, padding="same"))
    with pytest.raises(ValueError, match="strided"):
        nn.Conv2d(2, 3, 3, stride=2, padding="same")


def test_even_same_padding_puts_the_extra_zero_at_the_end():
    x = np.arange(5.0).reshape(1, 1, 5)
    w = np.ones((1, 1, 2))
    out = F.conv1d(autograd.Tensor(x), autograd.Tensor(w), padding="same")
    np.testing.assert_allclose(out.data[0, 0], [1, 3, 5, 7, 4])


@pytest.mark.parametrize("case", CASES[:3])
def test_conv2d_gradients_for_input_weight_and_bias(case):
    layer = nn.Conv2d(case["c"], case["o"], case["k"], case["stride"], case["padding"],
                      case["dilation"], case["groups"]).double()
    x = rng.standard_normal((2, case["c"], 5, 6))
    check_gradients(layer, x, params=tuple(layer.parameters()))


def test_conv1d_and_conv3d_values_and_gradients():
    layer = nn.Conv1d(2, 3, 3, stride=2, padding=1).double()
    x = rng.standard_normal((2, 2, 7))
    expected = reference_conv2d(x[:, :, None], layer.weight.data[:, :, None], layer.bias.data,
                                (1, 2), (0, 1), (1, 1), 1)[:, :, 0]
    np.testing.assert_allclose(layer(autograd.Tensor(x)).data, expected, atol=1e-12)
    check_gradients(layer, x, params=tuple(layer.parameters()))
    cube = nn.Conv3d(1, 2, 2).double()
    check_gradients(cube, rng.standard_normal((1, 1, 3, 3, 3)), params=tuple(cube.parameters()))


def test_conv_second_order_gradients():
    weight = rng.standard_normal((2, 2, 2, 2))
    check_second_order(lambda x, w: F.conv2d(x, w, stride=2, padding=1).tanh(),
                       rng.standard_normal((1, 2, 4, 4)), weight)


def test_conv_transpose_is_the_adjoint_of_conv():
    x = rng.standard_normal((2, 4, 7, 6))
    w = rng.standard_normal((6, 2, 3, 2))
    y = rng.standard_normal(F.conv2d(autograd.Tensor(x), autograd.Tensor(w), None, 2, 1, 1,
                                     2).shape)
    forward = F.conv2d(autograd.Tensor(x), autograd.Tensor(w), None, 2, 1, 1, 2).data
    back = F.conv_transpose2d(autograd.Tensor(y), autograd.Tensor(w), None, 2, 1, groups=2,
                              output_size=(7, 6)).data
    assert np.sum(forward * y) == pytest.approx(np.sum(x * back), rel=1e-12)


def test_conv_transpose2d_shapes_gradients_and_second_order():
    layer = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2).double()
    x = rng.standard_normal((2, 4, 3, 4))
    assert layer(autograd.Tensor(x)).shape == (2, 6, 6, 8)
    assert layer(autograd.Tensor(x), output_size=(5, 7)).shape == (2, 6, 5, 7)
    assert layer.weight.shape == (4, 3, 3, 3)
    check_gradients(layer, x, params=tuple(layer.parameters()))
    w = rng.standard_normal((2, 1, 2, 2))
    check_second_order(lambda z, k: F.conv_transpose2d(z, k, stride=2).tanh(),
                       rng.standard_normal((1, 2, 2, 2)), w)
    with pytest.raises(ValueError, match="not reachable"):
        layer(autograd.Tensor(x), output_size=(9, 9))
    with pytest.raises(ValueError, match="output_padding"):
        nn.ConvTranspose2d(1, 1, 3, stride=1, output_padding=1)(autograd.randn(1, 1, 3, 3))


def test_conv_transpose1d_value():
    x = np.array([[[1.0, 2.0]]])
    w = np.array([[[1.0, 10.0, 100.0]]])
    out = F.conv_transpose1d(autograd.Tensor(x), autograd.Tensor(w), stride=2)
    np.testing.assert_allclose(out.data[0, 0], [1, 10, 102, 20, 200])


def test_conv_errors_name_the_expected_layout():
    conv = nn.Conv2d(3, 4, 3)
    with pytest.raises(ValueError, match=r"expected a 4-D input of shape \(N, C, H, W\), got a "
                                         r"3-D input of shape \(3, 8, 8\)"):
        conv(autograd.zeros(3, 8, 8))
    with pytest.raises(ValueError, match="expected input with 3 channels"):
        conv(autograd.zeros(1, 2, 8, 8))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        conv(autograd.zeros(1, 3, 2, 2))
    with pytest.raises(ValueError, match=r"\(N, C, L\)"):
        nn.Conv1d(3, 4, 3)(autograd.zeros(1, 3, 8, 8))
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(NotImplementedError, match="padding_mode"):
        nn.Conv2d(3, 4, 3, padding_mode="reflect")


def test_gradients_are_not_computed_for_inputs_that_do_not_need_them():
    conv = nn.Conv2d(1, 2, 3)
    x = autograd.randn(1, 1, 5, 5)
    conv(x).sum().backward()
    assert x.grad is None and conv.weight.grad is not None


def test_float32_stays_float32_and_non_contiguous_inputs_work():
    conv = nn.Conv2d(2, 3, 3, padding=1)
    data = rng.standard_normal((6, 7, 4, 2)).astype(np.float32).transpose(2, 3, 0, 1)
    x = autograd.from_numpy(data)  # (4, 2, 6, 7), not contiguous
    out = conv(x)
    assert out.dtype == np.float32
    expected = reference_conv2d(x.data.astype(np.float64), conv.weight.data.astype(np.float64),
                                conv.bias.data.astype(np.float64), (1, 1), (1, 1), (1, 1), 1)
    np.testing.assert_allclose(out.data, expected, atol=1e-5)
