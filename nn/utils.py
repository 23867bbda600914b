"""Gradient clipping, parameters <-> one flat vector, and L1/L2 weight penalties."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd import Tensor

from .module import Module


def _as_list(parameters: Any) -> list:
    if isinstance(parameters, Tensor):
        return [parameters]
    if isinstance(parameters, Module):
        return list(parameters.parameters())
    return list(parameters)


def clip_grad_norm_(parameters: Any, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    The norm is taken over all gradients as if concatenated into one vector; returns that
    total norm (before clipping) as a 0-d tensor. Gradients are scaled in place by
    ``min(1, max_norm / (norm + 1e-6))``.
    """
    grads = [p.grad.data for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return Tensor(0.0)
    norm_type = float(norm_type)
    if norm_type == np.inf:
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    else:
        total = float(sum(np.sum(np.abs(g.astype(np.float64)) ** norm_type) for g in grads))
        total = total ** (1.0 / norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    scale = min(1.0, max_norm / (total + 1e-6))
    if scale < 1.0:
        for g in grads:
            g *= g.dtype.type(scale)
    return Tensor(np.asarray(total, dtype=grads[0].dtype))


def clip_grad_value_(parameters: Any, clip_value: float) -> None:
    """Clamp every gradient element into [-clip_value, clip_value] in place."""
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        if p.grad is not None:
            np.clip(p.grad.data, -clip_value, clip_value, out=p.grad.data)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameter values flattened and concatenated into one 1-D tensor (a copy)."""
    params = _as_list(parameters)
    if not params:
        raise ValueError("parameters_to_vector: got no parameters")
    return Tensor(np.concatenate([p.data.reshape(-1) for p in params]))


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of the 1-D ``vec`` into the parameters (in place)."""
    data = vec.data if isinstance(vec, Tensor) else np.asarray(vec)
    if data.ndim != 1:
        raise TypeError(f"vector_to_parameters: expected a 1-D vector, got shape {data.shape}")
    params = _as_list(parameters)
    total = sum(p.numel() for p in params)
    if data.size != total:
        raise ValueError(
            f"vector_to_parameters: the vector has {data.size} elements but the parameters "
            f"need {total}"
        )
    offset = 0
    for p in params:
        n = p.numel()
        np.copyto(p.data, data[offset:offset + n].reshape(p.shape), casting="unsafe")
        p._version += 1
        offset += n


def _penalised(parameters: Any) -> list:
    """Given a Module: its weights (parameters with 2+ dims, not biases or norm scales);
    given tensors: exactly those."""
    if isinstance(parameters, Module):
        return [p for p in parameters.parameters() if p.ndim >= 2]
    return _as_list(parameters)


def l1_penalty(parameters: Any) -> Tensor:
    """R(W) = sum |w| over the weights (differentiable); add ``lam * l1_penalty(model)``
    to the loss. A Module contributes its weight matrices and kernels, not its biases."""
    params = _penalised(parameters)
    if not params:
        raise ValueError("l1_penalty: no weights to penalise")
    total = params[0].abs().sum()
    for p in params[1:]:
        total = total + p.abs().sum()
    return total


def l2_penalty(parameters: Any) -> Tensor:
    """R(W) = sum w**2 over the weights (differentiable; gradient 2w); add
    ``lam * l2_penalty(model)`` to the loss (the course notes' 0.5*lam*W**2 is lam/2)."""
    params = _penalised(parameters)
    if not params:
        raise ValueError("l2_penalty: no weights to penalise")
    total = (params[0] * params[0]).sum()
    for p in params[1:]:
        total = total + (p * p).sum()
    return total
