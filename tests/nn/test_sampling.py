"""Upsample / interpolate, Flatten and Unflatten."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.nn.gradients import check_gradients

rng = np.random.default_rng(0)
T = autograd.Tensor


def test_nearest_upsampling_repeats_pixels():
    x = np.arange(4.0).reshape(1, 1, 2, 2)
    out = nn.Upsample(scale_factor=2)(T(x)).data
    np.testing.assert_array_equal(out[0, 0], np.repeat(np.repeat(x[0, 0], 2, 0), 2, 1))
    odd = F.interpolate(T(x), size=(3, 5)).data[0, 0]
    rows, cols = np.floor(np.arange(3) * 2 / 3).astype(int), np.floor(np.arange(5) * 2 / 5)
    np.testing.assert_array_equal(odd, x[0, 0][rows][:, cols.astype(int)])


def test_bilinear_upsampling_interpolates_between_neighbours():
    x = np.array([[[[0.0, 1.0], [2.0, 3.0]]]])
    corners = F.interpolate(T(x), size=(3, 3), mode="bilinear", align_corners=True).data[0, 0]
    np.testing.assert_allclose(corners, [[0, 0.5, 1], [1, 1.5, 2], [2, 2.5, 3]])
    half = F.interpolate(T(x), scale_factor=2, mode="bilinear").data[0, 0]
    np.testing.assert_allclose(half[0], [0, 0.25, 0.75, 1])
    np.testing.assert_allclose(half[:, 0], [0, 0.5, 1.5, 2])


@pytest.mark.parametrize("kw", [dict(scale_factor=2), dict(size=(3, 5)),
                                dict(scale_factor=2, mode="bilinear"),
                                dict(size=(5, 3), mode="bilinear", align_corners=True)])
def test_upsampling_gradients(kw):
    check_gradients(nn.Upsample(**kw), rng.standard_normal((1, 2, 2, 3)))


def test_upsample_errors_and_repr():
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(autograd.zeros(1, 1, 2, 2))
    with pytest.raises(ValueError, match="expects a 4-D input"):
        F.interpolate(autograd.zeros(1, 1, 2), scale_factor=2, mode="bilinear")
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"


def test_flatten_and_unflatten():
    x = T(rng.standard_normal((2, 3, 4, 5)), requires_grad=True)
    flat = nn.Flatten()(x)
    assert flat.shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    back = nn.Unflatten(1, (3, 4, 5))(flat)
    np.testing.assert_array_equal(back.data, x.data)
    back.sum().backward()
    assert np.all(x.grad.data == 1)
