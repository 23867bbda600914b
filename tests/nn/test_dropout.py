"""Inverted dropout: survivors scaled by 1/(1-p) in training, identity in eval."""

import numpy as np
import pytest

import autograd
import nn

T = autograd.Tensor


def test_dropout_zeroes_and_scales_in_training_and_is_identity_in_eval():
    autograd.manual_seed(0)
    layer = nn.Dropout(0.25)
    x = autograd.ones(200, 100)
    out = layer(x).data
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / 0.75)
    assert kept.mean() == pytest.approx(0.75, abs=0.01)
    assert out.mean() == pytest.approx(1.0, abs=0.02)
    layer.eval()
    assert layer(x) is x


def test_dropout_gradient_is_the_same_mask():
    autograd.manual_seed(1)
    x = T(np.ones((5, 6)), requires_grad=True)
    out = nn.Dropout(0.5)(x)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, out.data)


def test_dropout_is_reproducible_from_the_seed_and_handles_extremes():
    x = autograd.ones(4, 4)
    autograd.manual_seed(3)
    a = nn.Dropout()(x).data
    autograd.manual_seed(3)
    np.testing.assert_array_equal(nn.Dropout()(x).data, a)
    assert np.all(nn.Dropout(1.0)(x).data == 0)
    assert nn.Dropout(0.0)(x) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


def test_dropout2d_drops_whole_channels():
    autograd.manual_seed(2)
    out = nn.Dropout2d(0.5)(autograd.ones(8, 16, 3, 3)).data
    per_channel = out.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2).all(-1))
    assert 0 < (per_channel == 0).all(-1).mean() < 1
    with pytest.raises(ValueError, match=r"4-D input \(N, C, H, W\)"):
        nn.Dropout2d()(autograd.ones(2, 3))
