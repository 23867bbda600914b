"""Gradient checks for layers and functions: backward vs central differences in float64.

``check_gradients(fn, *arrays, params=())`` compares the gradients of <v, fn(*inputs)> (v a
fixed random cotangent; tuple outputs get one each) with respect to every floating input array
and every tensor in ``params`` (a module's parameters, perturbed in place) with central
differences. ``check_second_order`` does the same for the gradient of <w, first gradient>
recorded with ``create_graph=True``. The random generator is reseeded before every evaluation,
so dropout masks are the same in every call.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import autograd

EPS = 1e-6


def _outputs(out: object) -> list:
    if isinstance(out, (tuple, list)):
        return [t for item in out for t in _outputs(item)]
    return [] if out is None else [out]


def _is_float(array: np.ndarray) -> bool:
    return np.issubdtype(array.dtype, np.floating)


class _Problem:
    def __init__(self, fn: Callable, arrays: tuple, params: tuple, seed: int) -> None:
        self.fn = fn
        self.arrays = [np.array(a, dtype=np.float64) if _is_float(np.asarray(a)) else
                       np.asarray(a) for a in arrays]
        self.params = list(params)
        for p in self.params:
            if p.dtype != np.float64:
                raise TypeError("gradient checks need float64 parameters (call module.double())")
        self.seed = seed
        self.cotangents = None

    def run(self, requires_grad: bool) -> tuple:
        autograd.manual_seed(self.seed)
        tensors = [
            autograd.Tensor(a, requires_grad=requires_grad and _is_float(a))
            for a in self.arrays
        ]
        outs = _outputs(self.fn(*tensors))
        if self.cotangents is None:
            rng = np.random.default_rng(self.seed + 1)
            self.cotangents = [rng.standard_normal(o.shape) for o in outs]
        total = None
        for out, v in zip(outs, self.cotangents):
            term = (out * autograd.Tensor(v.astype(out.dtype))).sum()
            total = term if total is None else total + term
        return tensors, total

    def value(self) -> float:
        with autograd.no_grad():
            return float(self.run(False)[1].item())

    def targets(self) -> list:
        """(array to perturb, where its analytic gradient is found) pairs."""
        return [a for a in self.arrays if _is_float(a)] + [p.data for p in self.params]


def central_differences(problem: _Problem, eps: float = EPS) -> list:
    grads = []
    for array in problem.targets():
        grad = np.zeros(array.shape)
        for position in np.ndindex(*array.shape):
            original = array[position]
            array[position] = original + eps
            up = problem.value()
            array[position] = original - eps
            down = problem.value()
            array[position] = original
            grad[position] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads


def _grad_or_zero(tensor: autograd.Tensor) -> np.ndarray:
    return np.zeros(tensor.shape) if tensor.grad is None else np.array(tensor.grad.data)


def check_gradients(fn: Callable, *arrays: np.ndarray, params: tuple = (), seed: int = 0,
                    atol: float = 1e-6, rtol: float = 1e-5) -> None:
    """Assert that backward agrees with central differences for inputs and ``params``."""
    problem = _Problem(fn, arrays, params, seed)
    for p in problem.params:
        p.grad = None
    tensors, total = problem.run(True)
    total.backward()
    analytic = [_grad_or_zero(t) for t, a in zip(tensors, problem.arrays) if _is_float(a)]
    analytic += [_grad_or_zero(p) for p in problem.params]
    numeric = central_differences(problem)
    names = [f"input {i}" for i, a in enumerate(problem.arrays) if _is_float(a)]
    names += [f"parameter {i} {p.shape}" for i, p in enumerate(problem.params)]
    for name, a, n in zip(names, analytic, numeric):
        np.testing.assert_allclose(a, n, atol=atol, rtol=rtol, err_msg=f"gradient of {name}")


def check_second_order(fn: Callable, *arrays: np.ndarray, params: tuple = (), seed: int = 0,
                       atol: float = 1e-5, rtol: float = 1e-4) -> None:
    """Assert that d<w, grad>/d(inputs, params), with grad recorded under create_graph,
    agrees with central differences of the analytic first gradient."""
    problem = _Problem(fn, arrays, params, seed)
    rng = np.random.default_rng(seed + 2)
    weights = [rng.standard_normal(t.shape) for t in problem.targets()]

    def first_gradient_dot(create_graph: bool) -> tuple:
        tensors, total = problem.run(True)
        leaves = [t for t, a in zip(tensors, problem.arrays) if _is_float(a)] + problem.params
        grads = autograd.grad(total, leaves, create_graph=create_graph, allow_unused=True)
        dot = None
        for g, w in zip(grads, weights):
            if g is None:
                continue
            term = (g * autograd.Tensor(w)).sum()
            dot = term if dot is None else dot + term
        return leaves, dot

    leaves, dot = first_gradient_dot(True)
    analytic = [np.zeros(leaf.shape) for leaf in leaves]
    if dot is not None and dot.requires_grad:
        seconds = autograd.grad(dot, leaves, allow_unused=True)
        analytic = [np.zeros(leaf.shape) if s is None else s.data for leaf, s in
                    zip(leaves, seconds)]
    numeric = []
    for array in problem.targets():
        grad = np.zeros(array.shape)
        for position in np.ndindex(*array.shape):
            original = array[position]
            values = []
            for shifted in (original + EPS, original - EPS):
                array[position] = shifted
                _, d = first_gradient_dot(False)
                values.append(0.0 if d is None else float(d.item()))
            array[position] = original
            grad[position] = (values[0] - values[1]) / (2 * EPS)
        numeric.append(grad)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        np.testing.assert_allclose(a, n, atol=atol, rtol=rtol,
                                   err_msg=f"second-order gradient of leaf {i}")
