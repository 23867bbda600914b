"""Activations: values against their formulas, gradients (first and second order), modules."""

import math

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.nn.gradients import check_gradients, check_second_order

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 4)) * 2


def erf(values):
    return np.vectorize(math.erf)(values)


FORMULAS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.ELU(1.5), lambda x: np.where(x > 0, x, 1.5 * (np.exp(x) - 1))),
    (nn.SELU(), lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 *
                                                         (np.exp(x) - 1))),
    (nn.GELU(), lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2)))),
    (nn.GELU("tanh"), lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) *
                                                       (x + 0.044715 * x**3)))),
    (nn.SiLU(), lambda x: x / (1 + np.exp(-x))),
    (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
    (nn.Tanh(), np.tanh),
    (nn.Softplus(2.0, 3.0), lambda x: np.where(2 * x > 3, x, np.log1p(np.exp(2 * x)) / 2)),
    (nn.Softmax(dim=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
    (nn.LogSoftmax(dim=0), lambda x: x - np.log(np.exp(x).sum(0, keepdims=True))),
]


@pytest.mark.parametrize("layer, formula", FORMULAS, ids=lambda v: repr(v) if isinstance(
    v, nn.Module) else "")
def test_activation_values_and_gradients(layer, formula):
    np.testing.assert_allclose(layer(autograd.Tensor(X)).data, formula(X), rtol=1e-12,
                               atol=1e-12)
    check_gradients(layer, X)


@pytest.mark.parametrize("layer", [nn.ELU(), nn.GELU(), nn.GELU("tanh"), nn.SiLU(),
                                   nn.Softplus(), nn.LeakyReLU(0.3), nn.SELU(), nn.Softmax(1)],
                         ids=repr)
def test_activation_second_order(layer):
    check_second_order(layer, X)


def test_prelu_learns_one_slope_or_one_per_channel():
    shared = nn.PReLU().double()
    x = rng.standard_normal((2, 3, 4))
    np.testing.assert_allclose(shared(autograd.Tensor(x)).data, np.where(x > 0, x, 0.25 * x))
    check_gradients(shared, x, params=(shared.weight,))
    per_channel = nn.PReLU(3).double()
    per_channel.weight.data[...] = [0.1, 0.2, 0.3]
    out = per_channel(autograd.Tensor(x)).data
    np.testing.assert_allclose(out, np.where(x > 0, x, np.array([0.1, 0.2, 0.3])[:, None] * x))
    check_gradients(per_channel, x, params=(per_channel.weight,))
    with pytest.raises(ValueError, match="channel dim 1"):
        per_channel(autograd.zeros(2, 4))


def test_softmax_is_stable_for_large_logits():
    x = autograd.tensor([[1000.0, 0.0, -1000.0]])
    np.testing.assert_allclose(F.softmax(x, dim=1).data, [[1, 0, 0]])
    np.testing.assert_allclose(F.log_softmax(x, dim=1).data, [[0, -1000, -2000]])


def test_maxout_takes_the_max_of_its_linear_pieces_and_routes_the_gradient():
    layer = nn.Maxout(3, 2, pieces=3).double()
    assert layer.linear.weight.shape == (6, 3)
    x = rng.standard_normal((4, 3))
    pieces = (x @ layer.linear.weight.data.T + layer.linear.bias.data).reshape(4, 2, 3)
    np.testing.assert_allclose(layer(autograd.Tensor(x)).data, pieces.max(-1))
    check_gradients(layer, x, params=tuple(layer.parameters()))
    with pytest.raises(ValueError, match="not divisible"):
        F.maxout(autograd.zeros(2, 5), 2)


def test_maxout_with_a_zero_piece_is_relu():
    x = autograd.Tensor(rng.standard_normal((3, 2)))
    both = autograd.stack([x, autograd.zeros_like(x)], -1).reshape(3, 4)
    np.testing.assert_allclose(F.maxout(both, 2).data, np.maximum(x.data, 0))


def test_gelu_rejects_unknown_approximations():
    with pytest.raises(ValueError, match="approximate"):
        nn.GELU("fast")
