"""nn.utils: gradient clipping, vector <-> parameters, L1 / L2 penalties."""

import numpy as np
import pytest

import autograd
import nn
from nn import utils


def with_grads(*grads):
    params = []
    for g in grads:
        p = nn.Parameter(np.zeros_like(np.asarray(g, np.float32)))
        p.grad = autograd.Tensor(np.asarray(g, np.float32))
        params.append(p)
    return params


def test_clip_grad_norm_scales_jointly_and_returns_the_total_norm():
    params = with_grads([3.0, 0.0], [[4.0]])
    total = utils.clip_grad_norm_(params, max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(params[0].grad.data, [0.6, 0.0], rtol=1e-5)
    np.testing.assert_allclose(params[1].grad.data, [[0.8]], rtol=1e-5)
    untouched = with_grads([0.3, 0.4])
    assert utils.clip_grad_norm_(untouched, 1.0).item() == pytest.approx(0.5)
    np.testing.assert_allclose(untouched[0].grad.data, [0.3, 0.4])


def test_clip_grad_norm_other_norms_and_nonfinite():
    params = with_grads([1.0, -3.0], [2.0])
    assert utils.clip_grad_norm_(params, 10.0, norm_type=np.inf).item() == pytest.approx(3.0)
    assert utils.clip_grad_norm_(params, 10.0, norm_type=1).item() == pytest.approx(6.0)
    bad = with_grads([np.inf])
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.clip_grad_norm_(bad, 1.0, error_if_nonfinite=True)


def test_clip_grad_value_clamps_elementwise():
    params = with_grads([-5.0, 0.5, 2.0])
    utils.clip_grad_value_(params, 1.0)
    np.testing.assert_array_equal(params[0].grad.data, [-1.0, 0.5, 1.0])


def test_parameters_vector_round_trip():
    model = nn.Sequential(nn.Linear(3, 2), nn.Linear(2, 1))
    vector = utils.parameters_to_vector(model.parameters())
    assert vector.shape == (3 * 2 + 2 + 2 + 1,)
    np.testing.assert_array_equal(vector.data[:6], model[0].weight.data.reshape(-1))
    utils.vector_to_parameters(autograd.arange(11.0), model.parameters())
    np.testing.assert_array_equal(model[0].weight.data, np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(model[1].bias.data, [10.0])
    with pytest.raises(ValueError, match="has 3 elements but the parameters need 11"):
        utils.vector_to_parameters(autograd.zeros(3), model.parameters())


def test_penalties_cover_weights_not_biases_and_are_differentiable():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    for p in model.parameters():
        p.data[...] = 2.0
    l2 = utils.l2_penalty(model)
    l1 = utils.l1_penalty(model)
    assert l2.item() == pytest.approx(4.0 * 6) and l1.item() == pytest.approx(2.0 * 6)
    (l2 + l1).backward()
    np.testing.assert_allclose(model[0].weight.grad.data, 2 * 2.0 + 1.0)
    assert model[0].bias.grad is None
    assert utils.l2_penalty([model[0].bias]).item() == pytest.approx(8.0)
