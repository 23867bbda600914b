"""Newton's method with the exact Hessian (from double backward) and Levenberg-Marquardt damping.

Not in PyTorch. Gradient descent moves along ``-g`` with one step size for every direction;
Newton's method rescales each direction by its curvature, ``d = -H^-1 g``, which jumps to the
minimum of a quadratic in one step and converges quadratically near a minimum - at the price
of the full ``n x n`` Hessian (``n`` backward passes) and an ``n^3`` solve per step. For small
full-batch problems.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import autograd
from autograd import Tensor, enable_grad, no_grad
from autograd.engine import SECOND_BACKWARD_MESSAGE

from .optimizer import Optimizer, check_lr, check_range


class Newton(Optimizer):
    r"""Damped Newton steps: for the flat parameter vector ``x`` with gradient ``g`` and
    Hessian ``H`` (exact, by double backward)::

        (H + damping * I) d = -g
        x <- x + lr * d

    Levenberg-Marquardt damping (``adaptive_damping=True``, the default): a step is kept only
    if it does not raise the loss and ``H + damping * I`` is positive definite (so ``d`` points
    downhill); otherwise the step is undone, ``damping`` is multiplied by ``damping_factor``
    and the solve is retried (up to ``max_damping_tries`` times; if no try succeeds the
    parameters stay where they were and the raised damping is kept). After a kept step the
    damping is divided by ``damping_factor`` again, but never below the ``damping`` given
    here. Large damping gives short gradient-descent steps ``d ~ -g / damping``; small
    damping gives full Newton steps. The current value is ``state[first param]["damping"]``.
    With ``adaptive_damping=False`` every step is taken with the fixed ``damping``.

    ``step(closure)`` needs a closure that computes and **returns** the loss without calling
    ``backward()``: Newton differentiates it twice itself (and writes the gradient into
    ``p.grad``). With adaptive damping the closure is also called under ``no_grad()`` to try
    steps. Only one parameter group is supported.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        damping: float = 1e-4,
        *,
        adaptive_damping: bool = True,
        damping_factor: float = 10.0,
        max_damping_tries: int = 30,
    ) -> None:
        defaults = dict(
            lr=lr,
            damping=damping,
            adaptive_damping=adaptive_damping,
            damping_factor=damping_factor,
            max_damping_tries=max_damping_tries,
        )
        super().__init__(params, defaults)
        self._params = self.param_groups[0]["params"]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if self.param_groups:
            raise ValueError("Newton doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    def _check_group(self, group: dict[str, Any]) -> None:
        name = self._name
        check_lr(name, group)
        check_range(name, group, "damping", "damping", low=0.0)
        factor = group["damping_factor"]
        check_range(name, group, "damping_factor", "damping_factor", low=1.0)
        if factor == 1.0 and group["adaptive_damping"]:
            raise ValueError(f"{name}: adaptive damping needs damping_factor > 1, got 1.0")
        tries = group["max_damping_tries"]
        if isinstance(tries, bool) or not isinstance(tries, (int, np.integer)) or tries < 1:
            raise ValueError(f"{name}: max_damping_tries must be a positive integer, got {tries!r}")

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        self._params = self.param_groups[0]["params"]

    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """One damped Newton step; returns the loss before the step."""
        if closure is None:
            raise TypeError(
                "Newton.step: a closure is required: a function that computes and returns the "
                "loss (without calling backward; Newton differentiates it twice itself)"
            )
        group = self.param_groups[0]
        params = self._params
        with enable_grad():
            loss = closure()
        if not isinstance(loss, Tensor) or loss.data.size != 1:
            raise TypeError(
                "Newton.step: the closure must return the loss as a one-element Tensor, got "
                f"{type(loss).__name__}" + (f" of shape {loss.shape}" if isinstance(loss, Tensor)
                                            else "")
            )
        gradient, hessian = gradient_and_hessian(loss, params)
        with no_grad():
            self._update(group, closure, float(loss), gradient, hessian)
        return loss

    def _update(
        self,
        group: dict[str, Any],
        closure: Callable[[], Any],
        loss: float,
        gradient: np.ndarray,
        hessian: np.ndarray,
    ) -> None:
        params = self._params
        state = self.state[params[0]]
        state["step"] = state.get("step", 0) + 1
        lr = group["lr"]
        floor = group["damping"]
        damping = state.get("damping", floor)
        if not group["adaptive_damping"]:
            direction = _solve(hessian, floor, gradient, positive_definite=False)
            _move(params, lr * direction)
            state["damping"] = floor
            return
        factor = group["damping_factor"]
        start = [p.data.copy() for p in params]
        scale = max(1.0, float(np.abs(np.diag(hessian)).max(initial=0.0)))
        for _ in range(group["max_damping_tries"]):
            direction = _solve(hessian, damping, gradient, positive_definite=True)
            if direction is not None:
                _move(params, lr * direction)
                trial = float(closure())
                if trial <= loss:  # NaN is rejected too
                    state["damping"] = max(damping / factor, floor)
                    return
                for p, value in zip(params, start):
                    p.data[...] = value
                    p._version += 1
            damping = damping * factor if damping > 0 else 1e-8 * scale
        state["damping"] = damping  # no acceptable step: parameters unchanged


def gradient_and_hessian(loss: Tensor, params: list[Tensor]) -> tuple[np.ndarray, np.ndarray]:
    """The gradient (flat, length n) and the n x n Hessian of ``loss`` with respect to
    ``params`` (flattened and concatenated in order), by double backward with
    ``autograd.grad``: one backward pass through the gradient's graph per Hessian row.
    Also sets each ``p.grad`` to its gradient."""
    sizes = [p.data.size for p in params]
    n = sum(sizes)
    dtype = np.result_type(*[p.data.dtype for p in params])
    try:
        grads = autograd.grad(loss, params, create_graph=True, allow_unused=True)
    except RuntimeError as error:
        if str(error) == SECOND_BACKWARD_MESSAGE:
            raise RuntimeError(
                "Newton.step: the loss's graph was already freed; the closure must return the "
                "loss without calling loss.backward() (Newton differentiates it twice itself)"
            ) from error
        raise
    gradient = np.zeros(n, dtype)
    hessian = np.zeros((n, n), dtype)
    offset = 0
    for p, g, size in zip(params, grads, sizes):
        if g is not None:
            gradient[offset:offset + size] = g.data.reshape(-1)
            if g.requires_grad:  # else the gradient is constant: these rows stay zero
                for j in range(size):
                    seed = np.zeros(size, g.data.dtype)
                    seed[j] = 1
                    rows = autograd.grad(g, params, grad_outputs=seed.reshape(g.data.shape),
                                         retain_graph=True, allow_unused=True)
                    hessian[offset + j] = np.concatenate([
                        np.zeros(s, dtype) if r is None else r.data.reshape(-1)
                        for r, s in zip(rows, sizes)
                    ])
        p.grad = Tensor._from_raw(gradient[offset:offset + size].reshape(p.data.shape).copy())
        offset += size
    return gradient, hessian


def _solve(
    hessian: np.ndarray, damping: float, gradient: np.ndarray, positive_definite: bool
) -> np.ndarray | None:
    """``d`` with ``(H + damping I) d = -g``, in float64. With ``positive_definite`` returns
    None when ``H + damping I`` is not positive definite (checked by Cholesky)."""
    hessian = hessian.astype(np.float64)
    system = 0.5 * (hessian + hessian.T)  # symmetric up to rounding; make it exactly so
    system[np.diag_indices_from(system)] += damping
    rhs = -gradient.astype(np.float64)
    if positive_definite:
        try:
            lower = np.linalg.cholesky(system)
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(lower)):
            return None
        return np.linalg.solve(system, rhs)
    try:
        return np.linalg.solve(system, rhs)
    except np.linalg.LinAlgError:
        raise np.linalg.LinAlgError(
            f"Newton.step: the damped Hessian (H + {damping} I) is singular; use a positive "
            "damping or adaptive_damping=True"
        ) from None


def _move(params: list[Tensor], delta: np.ndarray) -> None:
    offset = 0
    for p in params:
        size = p.data.size
        p.data += delta[offset:offset + size].reshape(p.data.shape).astype(p.data.dtype)
        p._version += 1
        offset += size
