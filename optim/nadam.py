"""NAdam: Adam with Nesterov momentum (and a momentum schedule)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd import get_default_dtype

from .optimizer import Optimizer, check_betas, check_lr, check_range, lerp_, params_to_update


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016): Adam whose step looks ahead along the momentum, as Nesterov's.

    At step ``t`` (from 1), for parameter ``x`` with gradient ``g``::

        g      <- g + weight_decay * x      (or x <- x * (1 - lr * weight_decay) if decoupled)
        mu_t   =  beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))      (momentum schedule)
        mu_t+1 =  beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
        P_t    =  mu_1 * mu_2 * ... * mu_t                              ("mu_product")
        m      <- beta1 * m + (1 - beta1) * g                           (first moment)
        v      <- beta2 * v + (1 - beta2) * g * g                       (second moment)
        denom  =  sqrt(v / (1 - beta2**t)) + eps
        x      <- x - lr * (1 - mu_t) / (1 - P_t) * g / denom
                    - lr * mu_t+1 / (1 - P_t * mu_t+1) * m / denom

    Same formulas and defaults as ``torch.optim.NAdam``.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        name = self._name
        check_lr(name, group)
        check_range(name, group, "eps", "epsilon value", low=0.0)
        check_betas(name, group)
        check_range(name, group, "weight_decay", "weight_decay value", low=0.0)
        check_range(name, group, "momentum_decay", "momentum_decay value", low=0.0)

    def _step_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        momentum_decay = group["momentum_decay"]
        decoupled = group["decoupled_weight_decay"]
        maximize = group["maximize"]
        for p, grad in params_to_update(group):
            x = p.data
            state = self.state[p]
            if not state:
                state["step"] = 0
                # kept in the default float dtype, as PyTorch keeps it in its default dtype
                state["mu_product"] = get_default_dtype().type(1.0)
                state["exp_avg"] = np.zeros_like(x)
                state["exp_avg_sq"] = np.zeros_like(x)
            state["step"] += 1
            step = state["step"]
            if maximize:
                grad = -grad
            if weight_decay != 0:
                if decoupled:
                    x *= 1 - lr * weight_decay
                else:
                    grad = grad + weight_decay * x
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
            state["mu_product"] = state["mu_product"] * mu
            mu_product = float(state["mu_product"])
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            lerp_(exp_avg, grad, 1 - beta1)
            exp_avg_sq *= beta2
            exp_avg_sq += (1 - beta2) * (grad * grad)
            denom = exp_avg_sq / (1 - beta2**step)
            np.sqrt(denom, out=denom)
            denom += eps
            x -= (lr * (1.0 - mu) / (1.0 - mu_product)) * (grad / denom)
            x -= (lr * mu_next / (1.0 - mu_product * mu_next)) * (exp_avg / denom)
