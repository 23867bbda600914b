"""Adagrad: per-coordinate step sizes from the sum of all squared gradients so far."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer, check_lr, check_range, params_to_update


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011).

    At step ``t`` (from 1), for parameter ``x`` with gradient ``g``::

        g     <- g + weight_decay * x
        lr_t  =  lr / (1 + (t - 1) * lr_decay)
        cache <- cache + g * g                       (sum of squared gradients)
        x     <- x - lr_t * g / (sqrt(cache) + eps)

    ``cache`` starts at ``initial_accumulator_value`` and lives in ``state[p]["sum"]``.
    Coordinates with large past gradients take smaller steps. Same as ``torch.optim.Adagrad``.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
            maximize=maximize,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:  # PyTorch fills the accumulator at construction
            for p in group["params"]:
                self._init_state(p, group)

    def _check_group(self, group: dict[str, Any]) -> None:
        name = self._name
        check_lr(name, group)
        check_range(name, group, "lr_decay", "lr_decay value", low=0.0)
        check_range(name, group, "weight_decay", "weight_decay value", low=0.0)
        check_range(
            name, group, "initial_accumulator_value", "initial_accumulator_value", low=0.0
        )
        check_range(name, group, "eps", "epsilon value", low=0.0)

    def _init_state(self, p: Any, group: dict[str, Any]) -> dict[str, Any]:
        state = self.state[p]
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(p.data, group["initial_accumulator_value"])
        return state

    def _step_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        lr_decay = group["lr_decay"]
        weight_decay = group["weight_decay"]
        eps = group["eps"]
        maximize = group["maximize"]
        for p, grad in params_to_update(group):
            x = p.data
            state = self._init_state(p, group)
            state["step"] += 1
            if maximize:
                grad = -grad
            if weight_decay != 0:
                grad = grad + weight_decay * x
            lr_t = lr / (1 + (state["step"] - 1) * lr_decay)
            cache = state["sum"]
            cache += grad * grad
            denom = np.sqrt(cache)
            denom += eps
            np.divide(grad, denom, out=denom)
            denom *= lr_t
            x -= denom
