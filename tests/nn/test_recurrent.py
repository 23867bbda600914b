"""Recurrent layers: cell formulas against numpy, sequence layers (layers, directions,
batch_first, unbatched), gradients through time for inputs, states and parameters."""

import numpy as np
import pytest

import autograd
import nn
from tests.nn.gradients import check_gradients

rng = np.random.default_rng(0)
T = autograd.Tensor


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_step(x, h, c, w_ih, w_hh, b_ih, b_hh):
    i, f, g, o = np.split(x @ w_ih.T + b_ih + h @ w_hh.T + b_hh, 4, axis=-1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


def gru_step(x, h, w_ih, w_hh, b_ih, b_hh):
    xr, xz, xn = np.split(x @ w_ih.T + b_ih, 3, axis=-1)
    hr, hz, hn = np.split(h @ w_hh.T + b_hh, 3, axis=-1)
    r, z = sigmoid(xr + hr), sigmoid(xz + hz)
    n = np.tanh(xn + r * hn)
    return (1 - z) * n + z * h


def weights(module):
    return [p.data for p in module.parameters()]


def test_cells_follow_the_pytorch_formulas():
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    rnn = nn.RNNCell(3, 4).double()
    w_ih, w_hh, b_ih, b_hh = weights(rnn)
    np.testing.assert_allclose(rnn(T(x), T(h)).data, np.tanh(x @ w_ih.T + b_ih + h @ w_hh.T +
                                                             b_hh))
    relu = nn.RNNCell(3, 4, nonlinearity="relu").double()
    w_ih, w_hh, b_ih, b_hh = weights(relu)
    np.testing.assert_allclose(relu(T(x), T(h)).data, np.maximum(x @ w_ih.T + b_ih + h @ w_hh.T
                                                                 + b_hh, 0))
    lstm = nn.LSTMCell(3, 4).double()
    h1, c1 = lstm(T(x), (T(h), T(c)))
    eh, ec = lstm_step(x, h, c, *weights(lstm))
    np.testing.assert_allclose(h1.data, eh)
    np.testing.assert_allclose(c1.data, ec)
    gru = nn.GRUCell(3, 4).double()
    np.testing.assert_allclose(gru(T(x), T(h)).data, gru_step(x, h, *weights(gru)))
    np.testing.assert_allclose(gru(T(x)).data, gru_step(x, np.zeros((2, 4)), *weights(gru)))


def test_lstm_sequence_equals_repeated_cells_over_layers_and_directions():
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True).double()
    x = rng.standard_normal((5, 2, 3))
    out, (h_n, c_n) = lstm(T(x))
    assert out.shape == (5, 2, 8) and h_n.shape == (4, 2, 4) and c_n.shape == (4, 2, 4)
    params = dict(lstm.named_parameters())

    def run(inputs, suffix, reverse):
        h, c = np.zeros((2, 4)), np.zeros((2, 4))
        ws = [params[f"{name}{suffix}"].data for name in ("weight_ih", "weight_hh", "bias_ih",
                                                           "bias_hh")]
        outs = [None] * len(inputs)
        for t in (reversed(range(len(inputs))) if reverse else range(len(inputs))):
            h, c = lstm_step(inputs[t], h, c, *ws)
            outs[t] = h
        return np.stack(outs), h, c

    f0, hf0, _ = run(x, "_l0", False)
    b0, hb0, _ = run(x, "_l0_reverse", True)
    layer1 = np.concatenate([f0, b0], -1)
    f1, hf1, cf1 = run(layer1, "_l1", False)
    b1, hb1, _ = run(layer1, "_l1_reverse", True)
    np.testing.assert_allclose(out.data, np.concatenate([f1, b1], -1), atol=1e-12)
    np.testing.assert_allclose(h_n.data, np.stack([hf0, hb0, hf1, hb1]), atol=1e-12)
    np.testing.assert_allclose(c_n.data[2], cf1, atol=1e-12)


def test_batch_first_and_unbatched_inputs():
    gru = nn.GRU(3, 4, batch_first=True).double()
    x = rng.standard_normal((2, 5, 3))
    out, h_n = gru(T(x))
    reference = nn.GRU(3, 4).double()
    reference.load_state_dict(gru.state_dict())
    seq_out, seq_h = reference(T(x.transpose(1, 0, 2)))
    np.testing.assert_allclose(out.data, seq_out.data.transpose(1, 0, 2))
    np.testing.assert_allclose(h_n.data, seq_h.data)
    single, h1 = reference(T(x[0]))
    assert single.shape == (5, 4) and h1.shape == (1, 4)
    np.testing.assert_allclose(single.data, seq_out.data[:, 0])


@pytest.mark.parametrize("make", [
    lambda: nn.RNN(2, 3, num_layers=2), lambda: nn.LSTM(2, 2, bidirectional=True),
    lambda: nn.GRU(2, 3, batch_first=True),
], ids=["rnn", "lstm", "gru"])
def test_gradients_through_time(make):
    layer = make().double()
    x = rng.standard_normal((3, 2, 2))
    check_gradients(layer, x, params=tuple(layer.parameters()))


def test_initial_states_receive_gradients():
    rnn = nn.RNN(2, 3).double()
    check_gradients(lambda x, h: rnn(x, h), rng.standard_normal((4, 1, 2)),
                    rng.standard_normal((1, 1, 3)))
    lstm = nn.LSTM(2, 3).double()
    check_gradients(lambda x, h, c: lstm(x, (h, c)), rng.standard_normal((3, 2, 2)),
                    rng.standard_normal((1, 2, 3)), rng.standard_normal((1, 2, 3)))


@pytest.mark.parametrize("make", [
    lambda: nn.RNNCell(3, 4), lambda: nn.RNNCell(3, 4, nonlinearity="relu"),
    lambda: nn.GRUCell(3, 4), lambda: nn.GRUCell(3, 4, bias=False),
], ids=["rnn tanh", "rnn relu", "gru", "gru no bias"])
def test_cell_gradients_for_input_hidden_state_and_parameters(make):
    cell = make().double()
    params = tuple(cell.parameters())
    x, h = rng.standard_normal((2, 3)), rng.standard_normal((2, 4))
    check_gradients(lambda x, h: cell(x, h), x, h, params=params)
    check_gradients(cell, x, params=params)  # zero initial state
    check_gradients(lambda x, h: cell(x, h), x[0], h[0], params=params)  # unbatched


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no bias"])
def test_lstm_cell_gradients_for_input_both_states_and_parameters(bias):
    cell = nn.LSTMCell(3, 4, bias=bias).double()
    params = tuple(cell.parameters())
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    check_gradients(lambda x, h, c: cell(x, (h, c)), x, h, c, params=params)
    check_gradients(cell, x, params=params)  # zero initial states
    check_gradients(lambda x, h, c: cell(x, (h, c)), x[0], h[0], c[0], params=params)


def test_dropout_between_layers_only_in_training():
    autograd.manual_seed(0)
    lstm = nn.LSTM(3, 4, num_layers=2, dropout=0.5).double()
    x = T(rng.standard_normal((4, 2, 3)))
    lstm.eval()
    a, _ = lstm(x)
    b, _ = lstm(x)
    np.testing.assert_array_equal(a.data, b.data)
    lstm.train()
    c, _ = lstm(x)
    assert not np.allclose(a.data, c.data)


def test_parameter_names_shapes_and_errors():
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    assert [(k, v.shape) for k, v in lstm.state_dict().items()][:5] == [
        ("weight_ih_l0", (16, 3)), ("weight_hh_l0", (16, 4)), ("bias_ih_l0", (16,)),
        ("bias_hh_l0", (16,)), ("weight_ih_l0_reverse", (16, 3))]
    assert lstm.weight_ih_l1.shape == (16, 8)
    assert np.abs(lstm.weight_hh_l0.data).max() <= 0.5
    assert repr(lstm) == "LSTM(3, 4, num_layers=2, bidirectional=True)"
    with pytest.raises(ValueError, match="input_size. Expected 3, got 5"):
        lstm(autograd.zeros(2, 1, 5))
    with pytest.raises(ValueError, match=r"Expected hidden size \(4, 1, 4\)"):
        lstm(autograd.zeros(2, 1, 3), (autograd.zeros(1, 1, 4), autograd.zeros(4, 1, 4)))
    with pytest.raises(ValueError, match="Unknown nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
