"""RMSprop: step sizes from a leaky (exponentially decaying) average of squared gradients."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .optimizer import Optimizer, check_lr, check_range, lerp_, params_to_update


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e).

    For parameter ``x`` with gradient ``g``::

        g     <- g + weight_decay * x
        cache <- alpha * cache + (1 - alpha) * g * g        (second moment, "square_avg")
        mean  <- alpha * mean + (1 - alpha) * g             (only if centered, "grad_avg")
        denom =  sqrt(cache - mean * mean) + eps  if centered  else  sqrt(cache) + eps
        v     <- momentum * v + g / denom;  x <- x - lr * v    if momentum > 0
        x     <- x - lr * g / denom                            otherwise

    ``alpha`` is the course notes' ``decay_rate``. Unlike Adagrad the cache forgets old
    gradients, so steps do not shrink to zero.
    Same as ``torch.optim.RMSprop`` (state: ``square_avg``, ``grad_avg``, ``momentum_buffer``).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        name = self._name
        check_lr(name, group)
        check_range(name, group, "eps", "epsilon value", low=0.0)
        check_range(name, group, "momentum", "momentum value", low=0.0)
        check_range(name, group, "weight_decay", "weight_decay value", low=0.0)
        check_range(name, group, "alpha", "alpha value", low=0.0)

    def _step_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        alpha = group["alpha"]
        eps = group["eps"]
        weight_decay = group["weight_decay"]
        momentum = group["momentum"]
        centered = group["centered"]
        maximize = group["maximize"]
        for p, grad in params_to_update(group):
            x = p.data
            state = self.state[p]
            if not state:
                state["step"] = 0
                state["square_avg"] = np.zeros_like(x)
            state["step"] += 1
            if maximize:
                grad = -grad
            if weight_decay != 0:
                grad = grad + weight_decay * x
            square_avg = state["square_avg"]
            square_avg *= alpha
            square_avg += (1 - alpha) * (grad * grad)
            if centered:
                grad_avg = state.get("grad_avg")
                if grad_avg is None:
                    grad_avg = state["grad_avg"] = np.zeros_like(x)
                lerp_(grad_avg, grad, 1 - alpha)
                denom = square_avg - grad_avg * grad_avg
                np.sqrt(denom, out=denom)
            else:
                denom = np.sqrt(square_avg)
            denom += eps
            if momentum > 0:
                velocity = state.get("momentum_buffer")
                if velocity is None:
                    velocity = state["momentum_buffer"] = np.zeros_like(x)
                velocity *= momentum
                velocity += grad / denom
                x -= lr * velocity
            else:
                np.divide(grad, denom, out=denom)
                denom *= lr
                x -= denom
