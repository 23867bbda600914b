"""Linear and Identity: values, gradients for inputs and parameters, errors."""

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.nn.gradients import check_gradients, check_second_order

rng = np.random.default_rng(0)


@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 3), (3,)])
def test_linear_value_and_gradients(shape):
    layer = nn.Linear(3, 2).double()
    x = rng.standard_normal(shape)
    expected = x @ layer.weight.data.T + layer.bias.data
    np.testing.assert_allclose(layer(autograd.Tensor(x)).data, expected)
    check_gradients(layer, x, params=tuple(layer.parameters()))


def test_linear_without_bias_and_second_order():
    layer = nn.Linear(3, 2, bias=False).double()
    assert layer.bias is None and list(layer.state_dict()) == ["weight"]
    x = rng.standard_normal((4, 3))
    np.testing.assert_allclose(layer(autograd.Tensor(x)).data, x @ layer.weight.data.T)
    check_second_order(lambda t: layer(t).tanh(), x, params=(layer.weight,))


def test_linear_is_float32_by_default_and_keeps_it():
    layer = nn.Linear(3, 2)
    assert layer.weight.dtype == np.float32
    assert layer(autograd.randn(2, 3)).dtype == np.float32


def test_linear_shape_errors_name_the_expected_size():
    with pytest.raises(ValueError, match=r"in_features=3, got an input of shape \(2, 5\)"):
        nn.Linear(3, 2)(autograd.zeros(2, 5))
    with pytest.raises(ValueError, match="2-D weight"):
        F.linear(autograd.zeros(2, 3), autograd.zeros(3))


def test_identity_returns_its_input():
    x = autograd.randn(2, 3)
    assert nn.Identity(54, unused="x")(x) is x
