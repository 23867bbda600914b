"""Adadelta: step sizes from the ratio of two leaky averages (updates over gradients)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer, check_lr, check_range, params_to_update


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012).

    For parameter ``x`` with gradient ``g``::

        g     <- g + weight_decay * x
        v     <- rho * v + (1 - rho) * g * g                    (second moment, "square_avg")
        delta =  sqrt(u + eps) / sqrt(v + eps) * g              (unit-consistent step)
        u     <- rho * u + (1 - rho) * delta * delta            ("acc_delta")
        x     <- x - lr * delta

    Same formulas and defaults as ``torch.optim.Adadelta``.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        name = self._name
        check_lr(name, group)
        check_range(name, group, "rho", "rho value", 0.0, 1.0, high_inclusive=True)
        check_range(name, group, "eps", "epsilon value", low=0.0)
        check_range(name, group, "weight_decay", "weight_decay value", low=0.0)

    def _step_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        rho = group["rho"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        maximize = group["maximize"]
        for p, grad in params_to_update(group):
            x = p.data
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["square_avg"] = np.zeros_like(x)
                state["acc_delta"] = np.zeros_like(x)
            state["step"] += 1
            if maximize:
                grad = -grad
            if weight_decay != 0:
                grad = grad + weight_decay * x
            square_avg, acc_delta = state["square_avg"], state["acc_delta"]
            square_avg *= rho
            square_avg += (1 - rho) * (grad * grad)
            std = np.sqrt(square_avg + eps)
            delta = np.sqrt(acc_delta + eps)
            delta /= std
            delta *= grad
            acc_delta *= rho
            acc_delta += (1 - rho) * (delta * delta)
            if lr != 1:
                delta *= lr
            x -= delta
