"""Stochastic gradient descent, with momentum (heavy ball or Nesterov) and weight decay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .optimizer import Optimizer, check_lr, check_range, params_to_update


class SGD(Optimizer):
    r"""Gradient descent with optional momentum.

    For each parameter ``x`` with gradient ``g`` (negated when ``maximize``)::

        g <- g + weight_decay * x                      (L2 regularisation)
        v <- g                                         (first step)
        v <- momentum * v + (1 - dampening) * g        (velocity, later steps)
        g <- g + momentum * v   if nesterov else   v
        x <- x - lr * g

    With ``momentum=0`` this is plain gradient descent ``x <- x - lr * g``. The velocity is
    kept in ``state[p]["momentum_buffer"]``. Same formula and defaults as ``torch.optim.SGD``.

    The course notes write momentum as ``v <- mu * v - lr * g;  x <- x + v`` (the velocity
    includes the learning rate) and Nesterov as ``x <- x - mu * v_prev + (1 + mu) * v``; with
    a constant ``lr`` these give the same iterates as the formulas above (``v_notes = -lr * v``).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(self._name, group)
        check_range(self._name, group, "momentum", "momentum value", low=0.0)
        check_range(self._name, group, "dampening", "dampening value")
        check_range(self._name, group, "weight_decay", "weight_decay value", low=0.0)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"{self._name}: Nesterov momentum requires a momentum and zero dampening "
                f"(got momentum={group['momentum']}, dampening={group['dampening']})"
            )

    def _step_group(self, group: dict[str, Any]) -> None:
        lr = group["lr"]
        momentum = group["momentum"]
        dampening = group["dampening"]
        weight_decay = group["weight_decay"]
        nesterov = group["nesterov"]
        maximize = group["maximize"]
        for p, grad in params_to_update(group):
            x = p.data
            if maximize:
                grad = -grad
            if weight_decay != 0:
                grad = grad + weight_decay * x
            if momentum != 0:
                state = self.state[p]
                velocity = state.get("momentum_buffer")
                if velocity is None:
                    velocity = state["momentum_buffer"] = grad.copy()
                else:
                    velocity *= momentum
                    velocity += grad if dampening == 0 else (1 - dampening) * grad
                grad = grad + momentum * velocity if nesterov else velocity
            x -= lr * grad
