"""Batch, layer and group normalisation: batch statistics vs running statistics, momentum,
values against numpy, gradients (first and second order) for inputs and parameters."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.nn.gradients import check_gradients, check_second_order

rng = np.random.default_rng(0)
T = autograd.Tensor


def normalise(x, axes, eps=1e-5):
    return (x - x.mean(axes, keepdims=True)) / np.sqrt(x.var(axes, keepdims=True) + eps)


def test_batchnorm2d_training_uses_batch_statistics_and_updates_running_ones():
    bn = nn.BatchNorm2d(3, momentum=0.2).double()
    bn.weight.data[...] = [1.0, 2.0, 3.0]
    bn.bias.data[...] = [0.0, 0.5, -1.0]
    x = rng.standard_normal((4, 3, 2, 5)) * 3 + 1
    out = bn(T(x)).data
    expected = normalise(x, (0, 2, 3)) * bn.weight.data[:, None, None] + bn.bias.data[:, None,
                                                                                      None]
    np.testing.assert_allclose(out, expected, atol=1e-12)
    np.testing.assert_allclose(bn.running_mean.data, 0.2 * x.mean((0, 2, 3)))
    np.testing.assert_allclose(bn.running_var.data, 0.8 + 0.2 * x.var((0, 2, 3), ddof=1))
    assert bn.num_batches_tracked.item() == 1


def test_batchnorm_eval_uses_running_statistics():
    bn = nn.BatchNorm1d(2).double()
    bn.running_mean.data[...] = [1.0, -1.0]
    bn.running_var.data[...] = [4.0, 0.25]
    bn.eval()
    x = rng.standard_normal((3, 2))
    expected = (x - [1.0, -1.0]) / np.sqrt(np.array([4.0, 0.25]) + 1e-5)
    np.testing.assert_allclose(bn(T(x)).data, expected)
    assert bn.num_batches_tracked.item() == 0
    check_gradients(bn, x, params=tuple(bn.parameters()))


def test_batchnorm_cumulative_average_and_no_running_stats():
    bn = nn.BatchNorm1d(2, momentum=None).double()
    batches = [rng.standard_normal((5, 2)) for _ in range(3)]
    for batch in batches:
        bn(T(batch))
    np.testing.assert_allclose(bn.running_mean.data, np.mean([b.mean(0) for b in batches], 0))
    free = nn.BatchNorm1d(2, track_running_stats=False, affine=False).double().eval()
    assert free.running_mean is None and list(free.state_dict()) == []
    x = rng.standard_normal((4, 2))
    np.testing.assert_allclose(free(T(x)).data, normalise(x, (0,)))


@pytest.mark.parametrize("layer, shape", [
    (nn.BatchNorm1d(3), (4, 3)), (nn.BatchNorm1d(2), (3, 2, 4)), (nn.BatchNorm2d(2), (3, 2, 2, 2)),
    (nn.LayerNorm((3, 2)), (2, 4, 3, 2)), (nn.GroupNorm(2, 4), (2, 4, 3)),
], ids=repr)
def test_normalisation_gradients_in_training(layer, shape):
    layer.double()
    with autograd.no_grad():
        for p in layer.parameters():
            p.data[...] = rng.standard_normal(p.shape)
    check_gradients(layer, rng.standard_normal(shape), params=tuple(layer.parameters()))


def test_standardize_second_order():
    check_second_order(lambda x: F.layer_norm(x, (4,)) ** 3, rng.standard_normal((2, 4)))
    check_second_order(lambda x: F.batch_norm(x, None, None, training=True) ** 3,
                       rng.standard_normal((3, 2)))


def test_layer_norm_and_group_norm_values():
    x = rng.standard_normal((2, 4, 3))
    ln = nn.LayerNorm(3).double()
    np.testing.assert_allclose(ln(T(x)).data, normalise(x, (2,)), atol=1e-12)
    gn = nn.GroupNorm(2, 4, eps=1e-3).double()
    gn.weight.data[...] = [1.0, 2.0, 3.0, 4.0]
    grouped = normalise(x.reshape(2, 2, 6), (2,), 1e-3).reshape(2, 4, 3)
    np.testing.assert_allclose(gn(T(x)).data, grouped * gn.weight.data[:, None], atol=1e-12)
    assert nn.LayerNorm(3, bias=False).bias is None


def test_normalisation_errors():
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input"):
        nn.BatchNorm2d(3)(autograd.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(autograd.zeros(1, 3))
    with pytest.raises(ValueError, match=r"normalized_shape=\[3\]"):
        nn.LayerNorm(3)(autograd.zeros(2, 4))
    with pytest.raises(ValueError, match="divisible by num_groups"):
        F.group_norm(autograd.zeros(2, 3, 4), 2)
    with pytest.raises(ValueError, match=r"running_mean of shape \(4,\)"):
        F.batch_norm(autograd.zeros(2, 4), autograd.zeros(3), autograd.ones(3))
