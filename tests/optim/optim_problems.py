"""Test problems shared by the optim tests: a small network loss, quadratics, Rosenbrock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd as ag
import optim


def network_data(dtype: Any = np.float64) -> dict[str, np.ndarray]:
    """Fixed inputs, targets and initial weights of a 3-4-1 tanh network."""
    rng = np.random.default_rng(0)
    arrays = {
        "X": rng.standard_normal((8, 3)),
        "Y": rng.standard_normal((8, 1)),
        "W0": rng.standard_normal((3, 4)),
        "b0": rng.standard_normal(4),
        "W1": rng.standard_normal((4, 1)),
    }
    return {k: v.astype(dtype) for k, v in arrays.items()}


def network_params(data: dict[str, np.ndarray]) -> list[ag.Tensor]:
    return [ag.tensor(data[k].copy(), requires_grad=True) for k in ("W0", "b0", "W1")]


def network_loss(params: list[ag.Tensor], data: dict[str, np.ndarray]) -> ag.Tensor:
    W0, b0, W1 = params
    hidden = (ag.tensor(data["X"]) @ W0 + b0).tanh()
    return ((hidden @ W1 - ag.tensor(data["Y"])) ** 2).mean()


def flat(params: list[ag.Tensor]) -> np.ndarray:
    return np.concatenate([p.data.ravel() for p in params])


def run(
    opt: optim.Optimizer,
    params: list[ag.Tensor],
    loss_fn: Callable[[], ag.Tensor],
    steps: int,
    use_closure: bool = False,
    scheduler: Any = None,
    backward: bool = True,
) -> np.ndarray:
    """Take ``steps`` optimizer steps; returns the flat parameters after each one."""

    def closure() -> ag.Tensor:
        opt.zero_grad()
        loss = loss_fn()
        if backward:
            loss.backward()
        return loss

    trajectory = []
    for _ in range(steps):
        if use_closure:
            opt.step(closure)
        else:
            closure()
            opt.step()
        if scheduler is not None:
            scheduler.step()
        trajectory.append(flat(params))
    return np.array(trajectory)


def rosenbrock(x: ag.Tensor) -> ag.Tensor:
    """f(x, y) = 100 (y - x^2)^2 + (1 - x)^2, minimum 0 at (1, 1)."""
    return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2


def ill_conditioned() -> tuple[np.ndarray, np.ndarray]:
    """A (5x5, eigenvalues 1 ... 100, rotated) and b of f(x) = x.A.x / 2 - b.x."""
    rng = np.random.default_rng(1)
    q, _ = np.linalg.qr(rng.standard_normal((5, 5)))
    A = q @ np.diag(np.logspace(0, 2, 5)) @ q.T
    return A, rng.standard_normal(5)


def quadratic(x: ag.Tensor, A: np.ndarray, b: np.ndarray) -> ag.Tensor:
    return 0.5 * (x * (ag.tensor(A) @ x)).sum() - (ag.tensor(b) * x).sum()


def as_file_format(value: Any) -> Any:
    """What a state dict looks like after a round trip through an .npz-style file: numbers
    become 0-d arrays, tuples and lists of numbers become arrays, int keys become strings."""
    if isinstance(value, dict):
        return {str(k) if isinstance(k, int) else k: as_file_format(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        if value and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return np.asarray(value)
        return [as_file_format(v) for v in value]
    if isinstance(value, (bool, int, float, np.number)):
        return np.asarray(value)
    if isinstance(value, str):
        return np.asarray(value)
    return value
