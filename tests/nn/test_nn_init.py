"""nn.init: shapes of the distributions, gains, fans, seeding, dtype kept."""

import math

import numpy as np
import pytest

import autograd
import nn
from nn import init


def tensor(*shape, dtype=np.float32):
    return autograd.Tensor(np.zeros(shape, dtype))


def test_calculate_gain_values():
    assert init.calculate_gain("linear") == 1
    assert init.calculate_gain("conv2d") == 1
    assert init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01**2)))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("selu") == pytest.approx(0.75)
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.calculate_gain("swoosh")


def test_constant_fills_keep_dtype_and_return_the_tensor():
    t = tensor(2, 3, dtype=np.float64)
    assert init.constant_(t, 2.5) is t and np.all(t.data == 2.5) and t.dtype == np.float64
    assert np.all(init.ones_(t).data == 1)
    assert np.all(init.zeros_(t).data == 0)
    np.testing.assert_array_equal(init.eye_(tensor(2, 3)).data, np.eye(2, 3))


def test_uniform_and_normal_follow_their_parameters():
    autograd.manual_seed(0)
    u = init.uniform_(tensor(200, 200), -2.0, 3.0).data
    assert u.min() >= -2 and u.max() < 3 and u.mean() == pytest.approx(0.5, abs=0.05)
    n = init.normal_(tensor(200, 200), 1.0, 0.5).data
    assert n.mean() == pytest.approx(1.0, abs=0.01) and n.std() == pytest.approx(0.5, abs=0.01)
    t = init.trunc_normal_(tensor(100, 100), std=1.0, a=-1.0, b=1.0).data
    assert t.min() >= -1 and t.max() <= 1


def test_the_seeded_generator_makes_initialisation_reproducible():
    autograd.manual_seed(7)
    a = nn.Linear(5, 4).weight.data.copy()
    autograd.manual_seed(7)
    b = nn.Linear(5, 4).weight.data.copy()
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("shape", [(300, 100), (64, 16, 3, 3)])
def test_xavier_and_kaiming_scales(shape):
    autograd.manual_seed(1)
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    bound = math.sqrt(6 / (fan_in + fan_out))
    x = init.xavier_uniform_(tensor(*shape)).data
    assert np.abs(x).max() <= bound and x.std() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    x = init.xavier_normal_(tensor(*shape), gain=2.0).data
    assert x.std() == pytest.approx(2 * math.sqrt(2 / (fan_in + fan_out)), rel=0.05)
    x = init.kaiming_uniform_(tensor(*shape), nonlinearity="relu").data
    assert np.abs(x).max() <= math.sqrt(6 / fan_in)
    assert x.std() == pytest.approx(math.sqrt(2 / fan_in), rel=0.05)
    x = init.kaiming_normal_(tensor(*shape), mode="fan_out", nonlinearity="relu").data
    assert x.std() == pytest.approx(math.sqrt(2 / fan_out), rel=0.05)
    with pytest.raises(ValueError, match="Mode fan_middle not supported"):
        init.kaiming_normal_(tensor(*shape), mode="fan_middle")


def test_fans_need_two_dims():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(tensor(5))


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 2, 2)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    autograd.manual_seed(2)
    w = init.orthogonal_(tensor(*shape, dtype=np.float64), gain=3.0).data.reshape(shape[0], -1)
    small = min(w.shape)
    product = w.T @ w if w.shape[0] >= w.shape[1] else w @ w.T
    np.testing.assert_allclose(product, 9 * np.eye(small), atol=1e-10)


def test_default_layer_initialisations_match_pytorch_rules():
    autograd.manual_seed(3)
    linear = nn.Linear(400, 50)
    bound = 1 / math.sqrt(400)
    assert np.abs(linear.weight.data).max() <= bound and np.abs(linear.bias.data).max() <= bound
    assert linear.weight.data.std() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    conv = nn.Conv2d(8, 16, 3)
    assert np.abs(conv.weight.data).max() <= 1 / math.sqrt(8 * 9)
    assert np.all(nn.BatchNorm2d(3).weight.data == 1)
    embedding = nn.Embedding(1000, 20, padding_idx=0)
    assert embedding.weight.data[1:].std() == pytest.approx(1.0, rel=0.05)
    assert np.all(embedding.weight.data[0] == 0)
    assert np.all(nn.PReLU().weight.data == 0.25)
