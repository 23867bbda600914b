"""Recurrent cells (one time step) and the multi-layer, optionally bidirectional, time loop.

Everything is composed from gates (linear, sigmoid, tanh, mul, add, cat, stack), so gradients
through time (backpropagation through time) and higher derivatives come from the engine.
Gate orders and formulas are PyTorch's:

* RNN:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)  (or relu)
* LSTM: i, f, g, o = split(W_ih x + b_ih + W_hh h + b_hh); i, f, o sigmoid, g tanh;
        c' = f * c + i * g;  h' = o * tanh(c')
* GRU:  r, z = sigmoid of their parts of (W_ih x + b_ih + W_hh h + b_hh);
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn));  h' = (1 - z) * n + z * h
"""

from __future__ import annotations

from typing import Any

import autograd
from autograd import Tensor
from autograd.ops.elementwise import Relu, Sigmoid, Tanh

from .dropout import dropout
from .linear import linear


def _split(gates: Tensor, pieces: int) -> list:
    size = gates.shape[-1] // pieces
    return [gates[..., k * size:(k + 1) * size] for k in range(pieces)]


def rnn_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Any = None,
             b_hh: Any = None, nonlinearity: str = "tanh") -> Tensor:
    """One Elman RNN step: h' = act(W_ih x + b_ih + W_hh h + b_hh)."""
    pre = linear(input, w_ih, b_ih) + linear(hx, w_hh, b_hh)
    if nonlinearity == "tanh":
        return Tanh.apply(pre)
    if nonlinearity == "relu":
        return Relu.apply(pre)
    raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")


def lstm_cell(input: Tensor, state: tuple, w_ih: Tensor, w_hh: Tensor, b_ih: Any = None,
              b_hh: Any = None) -> tuple:
    """One LSTM step: returns (h', c')."""
    hx, cx = state
    gates = linear(input, w_ih, b_ih) + linear(hx, w_hh, b_hh)
    i, f, g, o = _split(gates, 4)
    c = Sigmoid.apply(f) * cx + Sigmoid.apply(i) * Tanh.apply(g)
    h = Sigmoid.apply(o) * Tanh.apply(c)
    return h, c


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Any = None,
             b_hh: Any = None) -> Tensor:
    """One GRU step: h' = (1 - z) * n + z * h."""
    x_r, x_z, x_n = _split(linear(input, w_ih, b_ih), 3)
    h_r, h_z, h_n = _split(linear(hx, w_hh, b_hh), 3)
    r = Sigmoid.apply(x_r + h_r)
    z = Sigmoid.apply(x_z + h_z)
    n = Tanh.apply(x_n + r * h_n)
    return n + z * (hx - n)


def _step(mode: str, x: Tensor, state: Any, weights: tuple, nonlinearity: str) -> Any:
    if mode == "LSTM":
        return lstm_cell(x, state, *weights)
    if mode == "GRU":
        return gru_cell(x, state, *weights)
    return rnn_cell(x, state, *weights, nonlinearity=nonlinearity)


def run_layers(mode: str, steps: list, initial: list, layer_weights: list, num_layers: int,
               bidirectional: bool, dropout_p: float, training: bool,
               nonlinearity: str = "tanh") -> tuple:
    """Run a stack of recurrent layers over a sequence.

    ``steps``: the inputs per time step, each (N, features). ``initial``: per (layer,
    direction) the initial state (h, or (h, c) for LSTM). ``layer_weights``: per (layer,
    direction) the tuple (w_ih, w_hh, b_ih, b_hh). Returns (outputs per time step of the last
    layer, final states per (layer, direction)). Dropout (training only) applies to the
    outputs of every layer but the last.
    """
    directions = 2 if bidirectional else 1
    finals = []
    for layer in range(num_layers):
        per_direction = []
        for direction in range(directions):
            index = layer * directions + direction
            state = initial[index]
            order = range(len(steps)) if direction == 0 else range(len(steps) - 1, -1, -1)
            outputs: list = [None] * len(steps)
            for t in order:
                state = _step(mode, steps[t], state, layer_weights[index], nonlinearity)
                outputs[t] = state[0] if mode == "LSTM" else state
            per_direction.append(outputs)
            finals.append(state)
        if directions == 1:
            steps = per_direction[0]
        else:
            steps = [autograd.cat([f, b], -1) for f, b in zip(*per_direction)]
        if dropout_p and training and layer < num_layers - 1:
            steps = [dropout(s, dropout_p, True) for s in steps]
    return steps, finals
