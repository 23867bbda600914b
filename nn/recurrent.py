"""Recurrent layers: RNN, LSTM, GRU (multi-layer, batch_first, bidirectional, dropout between
layers) and their single-step cells, with PyTorch's parameter names, shapes and
initialisation (every weight and bias ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)))."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import autograd
from autograd import Tensor

from . import init
from ._factory import check_device, empty_parameter
from .functional import recurrent as R
from .module import Module

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _uniform_reset(module: Module, hidden_size: int) -> None:
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -bound, bound)


class RNNBase(Module):
    """Shared machinery of RNN, LSTM and GRU."""

    _mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device: Any = None, dtype: Any = None,
                 nonlinearity: str = "tanh") -> None:
        super().__init__()
        name = type(self).__name__
        check_device(device, name)
        if not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout should be a number in range [0, 1], got {dropout}")
        if hidden_size <= 0 or num_layers <= 0:
            raise ValueError(f"{name}: hidden_size and num_layers must be positive")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.nonlinearity = nonlinearity
        gate_size = _GATES[self._mode] * hidden_size
        directions = 2 if bidirectional else 1
        self._weight_names: list = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * directions
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
                names = [f"weight_ih{suffix}", f"weight_hh{suffix}"]
                setattr(self, names[0], empty_parameter((gate_size, layer_input), dtype))
                setattr(self, names[1], empty_parameter((gate_size, hidden_size), dtype))
                if bias:
                    names += [f"bias_ih{suffix}", f"bias_hh{suffix}"]
                    setattr(self, names[2], empty_parameter((gate_size,), dtype))
                    setattr(self, names[3], empty_parameter((gate_size,), dtype))
                self._weight_names.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _uniform_reset(self, self.hidden_size)

    def _layer_weights(self) -> list:
        result = []
        for names in self._weight_names:
            weights = [getattr(self, name) for name in names]
            if len(weights) == 2:
                weights += [None, None]
            result.append(tuple(weights))
        return result

    def _check_input(self, input: Tensor) -> tuple:
        name = type(self).__name__
        if input.ndim not in (2, 3):
            layout = "N, L" if self.batch_first else "L, N"
            raise ValueError(
                f"{name}: Expected input to be 2D (L, H_in) or 3D ({layout}, H_in), got "
                f"{input.ndim}D input of shape {tuple(input.shape)}"
            )
        if input.shape[-1] != self.input_size:
            raise ValueError(
                f"{name}: input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {input.shape[-1]} (input shape {tuple(input.shape)})"
            )
        batched = input.ndim == 3
        if not batched:
            input = input.reshape(input.shape[0], 1, input.shape[1])
        elif self.batch_first:
            input = input.transpose(0, 1)
        return input, batched

    def _initial(self, hx: Any, batch: int, batched: bool, dtype: Any) -> list:
        """Per (layer, direction) initial hidden state (N, H); zeros when hx is None."""
        count = self.num_layers * (2 if self.bidirectional else 1)
        expected = (count, batch, self.hidden_size)
        if hx is None:
            zeros = Tensor._from_raw(np.zeros(expected[1:], dtype))
            return [zeros] * count
        if not batched:
            hx = hx.reshape(hx.shape[0], 1, hx.shape[-1])
        if tuple(hx.shape) != expected:
            raise ValueError(
                f"{type(self).__name__}: Expected hidden size {expected}, got {tuple(hx.shape)}"
            )
        return [hx[k] for k in range(count)]

    def _run(self, input: Tensor, initial: list) -> tuple:
        steps = [input[t] for t in range(input.shape[0])]
        return R.run_layers(
            "LSTM" if self._mode == "LSTM" else ("GRU" if self._mode == "GRU" else "RNN"),
            steps, initial, self._layer_weights(), self.num_layers, self.bidirectional,
            self.dropout, self.training, "relu" if self._mode == "RNN_RELU" else "tanh",
        )

    def _output(self, outputs: list, batched: bool) -> Tensor:
        out = autograd.stack(outputs, 0)  # (L, N, D*H)
        if not batched:
            return out.reshape(out.shape[0], out.shape[2])
        return out.transpose(0, 1) if self.batch_first else out

    @staticmethod
    def _stack_states(states: list, batched: bool) -> Tensor:
        stacked = autograd.stack(states, 0)
        return stacked if batched else stacked.reshape(stacked.shape[0], stacked.shape[2])

    def forward(self, input: Tensor, hx: Any = None) -> tuple:
        input, batched = self._check_input(input)
        initial = self._initial(hx, input.shape[1], batched, input.dtype)
        outputs, finals = self._run(input, initial)
        return self._output(outputs, batched), self._stack_states(finals, batched)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if not self.bias:
            text += ", bias=False"
        if self.batch_first:
            text += ", batch_first=True"
        if self.dropout:
            text += f", dropout={self.dropout}"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh) (or relu).

    ``forward(input, h0=None)`` returns (output, h_n): output (L, N, D*H) (or (N, L, D*H) with
    batch_first) and h_n (num_layers*D, N, H), D = 2 if bidirectional.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device: Any = None,
                 dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self._mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, device, dtype, nonlinearity)


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o (PyTorch's order in the stacked weights).

    ``forward(input, (h0, c0)=None)`` returns (output, (h_n, c_n)).
    """

    _mode = "LSTM"

    def forward(self, input: Tensor, hx: Any = None) -> tuple:
        input, batched = self._check_input(input)
        if hx is None:
            h0 = c0 = None
        else:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError("LSTM: hx must be a tuple (h_0, c_0)")
            h0, c0 = hx
        hs = self._initial(h0, input.shape[1], batched, input.dtype)
        cs = self._initial(c0, input.shape[1], batched, input.dtype)
        outputs, finals = self._run(input, list(zip(hs, cs)))
        h_n = self._stack_states([h for h, _ in finals], batched)
        c_n = self._stack_states([c for _, c in finals], batched)
        return self._output(outputs, batched), (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit: gates r, z, n (PyTorch's order in the stacked weights).

    ``forward(input, h0=None)`` returns (output, h_n).
    """

    _mode = "GRU"


class RNNCellBase(Module):
    _gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, type(self).__name__)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        gate_size = self._gates * hidden_size
        self.weight_ih = empty_parameter((gate_size, input_size), dtype)
        self.weight_hh = empty_parameter((gate_size, hidden_size), dtype)
        if bias:
            self.bias_ih = empty_parameter((gate_size,), dtype)
            self.bias_hh = empty_parameter((gate_size,), dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        _uniform_reset(self, self.hidden_size)

    def _prepare(self, input: Tensor, hx: Any) -> tuple:
        name = type(self).__name__
        if input.ndim not in (1, 2) or input.shape[-1] != self.input_size:
            raise ValueError(
                f"{name}: Expected input of shape (N, {self.input_size}) or "
                f"({self.input_size},), got {tuple(input.shape)}"
            )
        batched = input.ndim == 2
        if not batched:
            input = input.reshape(1, -1)
        return input, batched

    def _state(self, hx: Any, input: Tensor, batched: bool) -> Tensor:
        if hx is None:
            return Tensor._from_raw(np.zeros((input.shape[0], self.hidden_size), input.dtype))
        hx = hx if batched else hx.reshape(1, -1)
        if tuple(hx.shape) != (input.shape[0], self.hidden_size):
            raise ValueError(
                f"{type(self).__name__}: Expected hidden of shape "
                f"{(input.shape[0], self.hidden_size)}, got {tuple(hx.shape)}"
            )
        return hx

    def _weights(self) -> tuple:
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            text += ", bias=False"
        return text


class RNNCell(RNNCellBase):
    """One Elman RNN step: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Any = None, dtype: Any = None) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input: Tensor, hx: Any = None) -> Tensor:
        input, batched = self._prepare(input, hx)
        h = R.rnn_cell(input, self._state(hx, input, batched), *self._weights(),
                       nonlinearity=self.nonlinearity)
        return h if batched else h.reshape(-1)

    def extra_repr(self) -> str:
        text = super().extra_repr()
        if self.nonlinearity != "tanh":
            text += f", nonlinearity={self.nonlinearity}"
        return text


class LSTMCell(RNNCellBase):
    """One LSTM step: returns (h', c')."""

    _gates = 4

    def forward(self, input: Tensor, hx: Any = None) -> tuple:
        input, batched = self._prepare(input, hx)
        h0, c0 = (None, None) if hx is None else hx
        h, c = R.lstm_cell(input, (self._state(h0, input, batched),
                                   self._state(c0, input, batched)), *self._weights())
        return (h, c) if batched else (h.reshape(-1), c.reshape(-1))


class GRUCell(RNNCellBase):
    """One GRU step: h' = (1 - z) * n + z * h."""

    _gates = 3

    def forward(self, input: Tensor, hx: Any = None) -> Tensor:
        input, batched = self._prepare(input, hx)
        h = R.gru_cell(input, self._state(hx, input, batched), *self._weights())
        return h if batched else h.reshape(-1)
