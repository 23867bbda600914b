"""Adam and AdamW: momentum plus RMSprop-style step sizes, with bias correction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer, check_betas, check_lr, check_range, lerp_, params_to_update


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015).

    At step ``t`` (from 1), for parameter ``x`` with gradient ``g``::

        g  <- g + weight_decay * x                 (L2; AdamW decays x instead, see below)
        m  <- beta1 * m + (1 - beta1) * g          (first moment, "exp_avg")
        v  <- beta2 * v + (1 - beta2) * g * g      (second moment, "exp_avg_sq")
        v_max <- max(v_max, v)                     (only with amsgrad, "max_exp_avg_sq")
        m_hat = m / (1 - beta1**t)                 (bias correction: m, v start at zero)
        v_hat = v / (1 - beta2**t)                 (v_max / (1 - beta2**t) with amsgrad)
        x  <- x - lr * m_hat / (sqrt(v_hat) + eps)

    With amsgrad the running maximum is taken of the raw second moment ``v``, and the bias
    correction of step ``t`` is applied to that maximum afterwards, as in PyTorch.

    With ``decoupled_weight_decay=True`` (that is AdamW) the gradient is left alone and the
    parameter decays directly first: ``x <- x * (1 - lr * weight_decay)``.
    Same formulas, defaults and state names as ``torch.optim.Adam``.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        name = self._name
        check_lr(name, group)
        check_range(name, group, "eps", "epsilon value", low=0.0)
        check_betas(name, group)
        check_range(name, group, "weight_decay", "weight_decay value", low=0.0)

    def _step_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        beta1, beta2 = group["betas"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        amsgrad = group["amsgrad"]
        maximize = group["maximize"]
        decoupled = group["decoupled_weight_decay"]
        for p, grad in params_to_update(group):
            x = p.data
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["exp_avg"] = np.zeros_like(x)
                state["exp_avg_sq"] = np.zeros_like(x)
                if amsgrad:
                    state["max_exp_avg_sq"] = np.zeros_like(x)
            state["step"] += 1
            step = state["step"]
            if maximize:
                grad = -grad
            if weight_decay != 0:
                if decoupled:
                    x *= 1 - lr * weight_decay
                else:
                    grad = grad + weight_decay * x
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            lerp_(exp_avg, grad, 1 - beta1)
            exp_avg_sq *= beta2
            exp_avg_sq += (1 - beta2) * (grad * grad)
            step_size = lr / (1 - beta1**step)
            bias_correction2_sqrt = (1 - beta2**step) ** 0.5
            if amsgrad:
                second = state.get("max_exp_avg_sq")
                if second is None:
                    second = state["max_exp_avg_sq"] = np.zeros_like(x)
                np.maximum(second, exp_avg_sq, out=second)
            else:
                second = exp_avg_sq
            denom = np.sqrt(second)
            denom /= bias_correction2_sqrt
            denom += eps
            np.divide(exp_avg, denom, out=denom)
            denom *= step_size
            x -= denom


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Each step first shrinks the parameter, ``x <- x * (1 - lr * weight_decay)``, then takes
    the Adam step of the plain gradient (see ``Adam``). Default ``weight_decay=1e-2`` as
    ``torch.optim.AdamW``.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad,
            maximize=maximize, decoupled_weight_decay=True,
        )
