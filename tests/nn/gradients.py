"""Gradient checks for layers and functions, on autograd.gradcheck / gradgradcheck.

``check_gradients(fn, *arrays, params=())`` wraps the floating arrays as float64 tensors that
require grad (integer arrays, e.g. class indices, are passed as constant tensors) and checks
the derivatives of every output (nested tuples such as an LSTM's ``(out, (h, c))`` are
flattened) with respect to those inputs and to ``params`` (a module's parameters, which must be
float64) against central differences. ``check_second_order`` does the same for the first
derivatives (gradgradcheck). The random generator is reseeded before each call of ``fn``, so
a stochastic layer sees the same draws in every evaluation.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import autograd


def _flatten(out: object) -> list:
    if isinstance(out, (tuple, list)):
        return [t for item in out for t in _flatten(item)]
    return [] if out is None else [out]


class _Checked:
    """``fn`` as gradcheck sees it: flat tuple of outputs, ``params`` as named parameters."""

    def __init__(self, fn: Callable, params: tuple, seed: int) -> None:
        for p in params:
            if p.dtype != np.float64:
                raise TypeError("gradient checks need float64 parameters (call module.double())")
        self.fn = fn
        self.params = params
        self.seed = seed

    def __call__(self, *tensors: autograd.Tensor) -> tuple:
        autograd.manual_seed(self.seed)
        return tuple(_flatten(self.fn(*tensors)))

    def named_parameters(self) -> list:
        return [(f"{k} {tuple(p.shape)}", p) for k, p in enumerate(self.params)]


def _tensors(arrays: tuple) -> list:
    tensors = []
    for a in arrays:
        a = np.asarray(a)
        if np.issubdtype(a.dtype, np.floating):
            tensors.append(autograd.Tensor(a.astype(np.float64), requires_grad=True))
        else:
            tensors.append(autograd.Tensor(a))
    return tensors


def check_gradients(fn: Callable, *arrays: np.ndarray, params: tuple = (), seed: int = 0,
                    atol: float = 1e-6, rtol: float = 1e-4) -> None:
    """Assert that backward agrees with central differences for the inputs and ``params``."""
    assert autograd.gradcheck(_Checked(fn, tuple(params), seed), _tensors(arrays), atol=atol,
                              rtol=rtol)


def check_second_order(fn: Callable, *arrays: np.ndarray, params: tuple = (), seed: int = 0,
                       atol: float = 1e-5, rtol: float = 1e-3) -> None:
    """Assert that the first derivatives (recorded with create_graph) have correct gradients."""
    autograd.manual_seed(seed + 1)  # the random grad_outputs gradgradcheck draws
    assert autograd.gradgradcheck(_Checked(fn, tuple(params), seed), _tensors(arrays),
                                  atol=atol, rtol=rtol)
