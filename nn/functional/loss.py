"""Loss functions, PyTorch's names and semantics (``reduction`` = "mean" | "sum" | "none").

Cross-entropy is one fused gate over a target distribution q (built from class indices with
weights, ignore_index and label smoothing, or given as probabilities):
loss[n] = -sum_c q[n, c] log_softmax(x)[n, c], so dx = softmax(x) * sum_c q - q.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from autograd import Function, Tensor, where
from autograd.engine import GradMode
from autograd.node import raw
from autograd.ops.elementwise import Relu, Sigmoid
from autograd.ops.pointwise import Softplus
from autograd.ops.softmax import LogSoftmax, log_softmax_values

from ._common import as_tensor

REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str, op: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: {reduction} is not a valid value for reduction")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _pair(input: Any, target: Any, op: str, broadcast: bool = True) -> tuple:
    input, target = as_tensor(input), as_tensor(target)
    if tuple(input.shape) != tuple(target.shape):
        if not broadcast:
            raise ValueError(
                f"{op}: Using a target size ({tuple(target.shape)}) that is different to the "
                f"input size ({tuple(input.shape)}) is deprecated. Please ensure they have the "
                "same size."
            )
        warnings.warn(
            f"{op}: Using a target size ({tuple(target.shape)}) that is different to the input "
            f"size ({tuple(input.shape)}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            stacklevel=3,
        )
    return input, target


# ---- regression losses ---------------------------------------------------------------------


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """(x - y)**2, reduced."""
    _check_reduction(reduction, "mse_loss")
    input, target = _pair(input, target, "mse_loss")
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input: Any, target: Any, reduction: str = "mean") -> Tensor:
    """|x - y|, reduced (gradient 0 where x == y)."""
    _check_reduction(reduction, "l1_loss")
    input, target = _pair(input, target, "l1_loss")
    return _reduce((input - target).abs(), reduction)


def huber_loss(input: Any, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """0.5 d**2 where |d| < delta, else delta (|d| - 0.5 delta); d = x - y."""
    _check_reduction(reduction, "huber_loss")
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    input, target = _pair(input, target, "huber_loss")
    diff = input - target
    size = diff.abs()
    loss = where(size.data < delta, 0.5 * diff * diff, delta * (size - 0.5 * delta))
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Any, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d**2 / beta where |d| < beta, else |d| - 0.5 beta (plain L1 when beta == 0)."""
    _check_reduction(reduction, "smooth_l1_loss")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    input, target = _pair(input, target, "smooth_l1_loss")
    diff = input - target
    size = diff.abs()
    if beta == 0:
        return _reduce(size, reduction)
    loss = where(size.data < beta, (0.5 / beta) * diff * diff, size - 0.5 * beta)
    return _reduce(loss, reduction)


# ---- binary classification -----------------------------------------------------------------


class BinaryCrossEntropy(Function):
    """loss = -(y log p + (1 - y) log(1 - p)), each log clamped at -100 (as PyTorch).
    dp = g (p - y) / max(p (1 - p), 1e-12),  dy = g (log(1 - p) - log p)."""

    name = "binary_cross_entropy"

    @staticmethod
    def forward(ctx: Any, p: Any, y: Any) -> Any:
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), -100)
            log_q = np.maximum(np.log1p(-p), -100)
        return -(y * log_p + (1 - y) * log_q)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        p, y = ctx.inputs
        needs_p, needs_y = ctx.needs_input_grad
        dp = dy = None
        if needs_p:
            dp = grad * (p - y) / np.maximum(p * (1 - p), 1e-12)
        if needs_y:
            dy = grad * (np.log(np.maximum(1 - p, 1e-44)) - np.log(np.maximum(p, 1e-44)))
        return dp, dy


def binary_cross_entropy(input: Any, target: Any, weight: Any = None,
                         reduction: str = "mean") -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1]."""
    _check_reduction(reduction, "binary_cross_entropy")
    input, target = _pair(input, target, "binary_cross_entropy", broadcast=False)
    values = input.data
    if values.size and (values.min() < 0 or values.max() > 1):
        raise ValueError(
            "binary_cross_entropy: all elements of input should be between 0 and 1 (did you "
            "mean binary_cross_entropy_with_logits?)"
        )
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * as_tensor(weight)
    return _reduce(loss, reduction)


class BinaryCrossEntropyWithLogits(Function):
    """loss = (1 - y) x + (1 + (w - 1) y) softplus(-x) with pos_weight w, computed stably.
    dx = g ((1 + (w - 1) y) sigmoid(x) - w y),  dy = g ((w - 1) softplus(-x) - x)."""

    name = "binary_cross_entropy_with_logits"

    @staticmethod
    def forward(ctx: Any, x: Any, y: Any, pos_weight: Any) -> Any:
        softplus_neg = np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x)))
        if pos_weight is None:
            return (1 - y) * x + softplus_neg
        return (1 - y) * x + (1 + (pos_weight - 1) * y) * softplus_neg

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        x, y, w = ctx.inputs
        needs_x, needs_y, needs_w = ctx.needs_input_grad
        sig = Sigmoid.apply(x)
        dx = dy = dw = None
        if needs_x:
            dx = grad * (sig - y) if w is None else grad * ((1 + (w - 1) * y) * sig - w * y)
        if needs_y or needs_w:
            softplus_neg = _softplus(-x)
            if needs_y:
                dy = -grad * x if w is None else grad * ((w - 1) * softplus_neg - x)
            if needs_w:
                dw = grad * y * softplus_neg
        return dx, dy, dw


def _softplus(z: Any) -> Any:
    """log(1 + e**z), stable; differentiable on graph nodes through the op library's gate."""
    return Softplus.apply(z, 1.0, 20.0)


def binary_cross_entropy_with_logits(input: Any, target: Any, weight: Any = None,
                                     reduction: str = "mean", pos_weight: Any = None) -> Tensor:
    """BCE on logits x: -(y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))), never overflows.
    ``pos_weight`` multiplies the positive term (broadcast over the last dim)."""
    _check_reduction(reduction, "binary_cross_entropy_with_logits")
    input, target = _pair(input, target, "binary_cross_entropy_with_logits", broadcast=False)
    loss = BinaryCrossEntropyWithLogits.apply(input, target, as_tensor(pos_weight))
    if weight is not None:
        loss = loss * as_tensor(weight)
    return _reduce(loss, reduction)


# ---- multi-class classification -----------------------------------------------------------


class CrossEntropy(Function):
    """loss[n] = -sum_c q[n, c] log_softmax(x)[n, c] over the class dim 1, times ``scale``
    and summed when ``scale`` is given (the reduction), per sample otherwise. A class whose
    target q is 0 adds 0, also where its log-probability is -inf (a masked logit).
    dx = g (softmax(x) sum_c q - q),  dq = -g log_softmax(x)."""

    name = "cross_entropy"

    @staticmethod
    def forward(ctx: Any, x: Any, q: Any, scale: Any) -> Any:
        logp = log_softmax_values(x, 1)
        ctx.save_for_backward(logp)
        if scale is not None:
            total = np.vdot(q, logp)
            if math.isfinite(total):  # the usual case: one dot product
                return np.asarray(total * -scale)
        with np.errstate(invalid="ignore"):
            terms = q * logp
        if not np.isfinite(terms).all():  # a class with target 0 adds 0, also when masked
            terms = np.where(q == 0, 0, terms)
        loss = -terms.sum(axis=1)
        if scale is None:
            return loss
        return np.asarray(loss.sum() * scale, dtype=loss.dtype)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        x, q, scale = ctx.inputs
        needs_x, needs_q = ctx.needs_input_grad[:2]
        if GradMode.create_graph:
            logp = LogSoftmax.apply(x, 1)
        else:
            (logp,) = ctx.saved_tensors
        if scale is None:
            g = grad.reshape(grad.shape[:1] + (1,) + grad.shape[1:])
        else:
            g = grad * scale
        dx = g * (np.exp(logp) * q.sum(axis=1, keepdims=True) - q) if needs_x else None
        dq = -g * logp if needs_q else None
        return dx, dq, None


def _class_targets(input: Tensor, target: Tensor, op: str) -> tuple:
    """Validate (N, C, d...) logits against (N, d...) class indices; returns raw targets."""
    indices = target.data
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if tuple(indices.shape) != expected:
        raise ValueError(
            f"{op}: expected a target of shape {expected} (class indices) for an input of "
            f"shape {tuple(input.shape)}, got a target of shape {tuple(indices.shape)}"
        )
    return indices


def _index_distribution(input: Tensor, indices: np.ndarray, weight: Any, ignore_index: int,
                        label_smoothing: float, op: str) -> tuple:
    """q for class indices: (1 - eps) w[t] at the target class plus eps/C w_c everywhere,
    zero for ignored samples; and the mean's divisor sum_{kept} w[t]."""
    classes = input.shape[1]
    if weight is None and not label_smoothing and indices.ndim == 1 and indices.size:
        # the common case, every target valid and kept: q is one-hot, the divisor N (a
        # negative ignore_index, the default, cannot be among targets >= 0; a target >= C
        # fails the assignment and is reported below)
        low = indices.min()
        if low >= 0 and (ignore_index < 0 or not low <= ignore_index <= indices.max()):
            q = np.zeros(input.shape, input.dtype)
            try:
                q[np.arange(indices.size), indices] = 1
            except IndexError:
                pass
            else:
                return q, float(indices.size)
    kept = indices != ignore_index
    safe = np.where(kept, indices, 0)
    bad = kept & ((indices < 0) | (indices >= classes))
    if bad.any():
        raise IndexError(
            f"{op}: Target {int(indices[bad].flat[0])} is out of bounds for {classes} classes"
        )
    dtype = input.dtype
    w = None if weight is None else np.asarray(raw(weight), dtype)
    if w is not None and w.shape != (classes,):
        raise ValueError(f"{op}: expected a weight of shape ({classes},), got {w.shape}")
    at_target = kept.astype(dtype) if w is None else np.where(kept, w[safe], 0).astype(dtype)
    q = np.zeros(input.shape, dtype)
    if q.ndim == 2:  # (N, C): plain fancy indexing, much cheaper than put_along_axis
        q[np.arange(q.shape[0]), safe] = at_target * (1 - label_smoothing)
    else:
        np.put_along_axis(q, np.expand_dims(safe, 1), np.expand_dims(at_target, 1) *
                          (1 - label_smoothing), axis=1)
    if label_smoothing:
        spread = np.full(classes, label_smoothing / classes, dtype) if w is None else (
            w * (label_smoothing / classes))
        shape = (1, classes) + (1,) * (input.ndim - 2)
        q += spread.reshape(shape) * np.expand_dims(kept, 1)
    return q, float(at_target.sum())


def cross_entropy(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross-entropy of logits (N, C) or (N, C, d...), fused and stable for any logits.

    ``target``: class indices (N,) / (N, d...), or class probabilities shaped like the input.
    ``weight`` (C,) weighs classes; "mean" divides by the summed weights of the kept targets.
    """
    op = "cross_entropy"
    _check_reduction(reduction, op)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be between 0.0 and 1.0, got "
                         f"{label_smoothing}")
    input, target = as_tensor(input), as_tensor(target)
    unbatched = input.ndim == 1
    if unbatched:
        input = input.reshape(1, -1)
        target = target.reshape((1,) + tuple(target.shape))
    if input.ndim < 2:
        raise ValueError(f"{op}: expected an input of shape (N, C) or (N, C, d...), got "
                         f"{tuple(input.shape)}")
    if target.dtype.kind == "f":
        if tuple(target.shape) != tuple(input.shape):
            raise ValueError(
                f"{op}: class-probability targets must have the input's shape "
                f"{tuple(input.shape)}, got {tuple(target.shape)}"
            )
        classes = input.shape[1]
        q = target * (1 - label_smoothing) + label_smoothing / classes if label_smoothing else (
            target)
        if weight is not None:
            w = np.asarray(raw(weight), input.dtype)
            q = q * w.reshape((1, classes) + (1,) * (input.ndim - 2))
        divisor = float(input.numel() // classes)
    elif target.dtype.kind in "iu":
        indices = _class_targets(input, target, op)
        q, divisor = _index_distribution(input, indices, weight, ignore_index, label_smoothing,
                                         op)
    else:
        raise TypeError(f"{op}: target must hold class indices (integers) or probabilities "
                        f"(floats), got dtype {target.dtype}")
    if reduction == "none":
        loss = CrossEntropy.apply(input, q, None)
        return loss.reshape(()) if unbatched else loss
    scale = 1.0
    if reduction == "mean":
        scale = 1.0 / divisor if divisor else float("nan")
    return CrossEntropy.apply(input, q, scale)


def nll_loss(input: Any, target: Any, weight: Any = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """-w[t] * x[n, t] for log-probabilities x (N, C) or (N, C, d...) and class indices t;
    "mean" divides by the summed weights of the kept targets."""
    op = "nll_loss"
    _check_reduction(reduction, op)
    input, target = as_tensor(input), as_tensor(target)
    unbatched = input.ndim == 1
    if unbatched:
        input = input.reshape(1, -1)
        target = target.reshape((1,) + tuple(target.shape))
    if input.ndim < 2:
        raise ValueError(f"{op}: expected an input of shape (N, C) or (N, C, d...), got "
                         f"{tuple(input.shape)}")
    if not np.issubdtype(target.dtype, np.integer):
        raise TypeError(f"{op}: expected integer class indices as target, got {target.dtype}")
    indices = _class_targets(input, target, op)
    q, divisor = _index_distribution(input, indices, weight, ignore_index, 0.0, op)
    loss = -(input * q).sum(axis=1)
    if reduction == "mean":
        return loss.sum() * (1.0 / divisor if divisor else float("nan"))
    if reduction == "sum":
        return loss.sum()
    return loss.reshape(()) if unbatched else loss


def multi_margin_loss(input: Any, target: Any, p: int = 1, margin: float = 1.0,
                      weight: Any = None, reduction: str = "mean") -> Tensor:
    """The multiclass SVM (hinge) loss of the course notes:
    loss[n] = sum_{c != t} max(0, margin - x[n, t] + x[n, c])**p / C, times weight[t]."""
    op = "multi_margin_loss"
    _check_reduction(reduction, op)
    if p not in (1, 2):
        raise ValueError(f"{op}: only p == 1 and p == 2 supported, got {p}")
    input, target = as_tensor(input), as_tensor(target)
    unbatched = input.ndim == 1
    if unbatched:
        input = input.reshape(1, -1)
        target = target.reshape(1)
    if input.ndim != 2:
        raise ValueError(f"{op}: expected an input of shape (N, C), got {tuple(input.shape)}")
    indices = _class_targets(input, target, op)
    n, classes = input.shape
    if ((indices < 0) | (indices >= classes)).any():
        raise IndexError(f"{op}: target out of bounds for {classes} classes")
    rows = np.arange(n)
    correct = input[rows, indices].reshape(n, 1)
    margins = Relu.apply(input - correct + margin)
    others = np.ones((n, classes), input.dtype)
    others[rows, indices] = 0
    if p == 2:
        margins = margins * margins
    if weight is not None:
        w = np.asarray(raw(weight), input.dtype)
        others = others * w[indices][:, None]
    loss = (margins * others).sum(axis=1) * (1.0 / classes)
    if unbatched and reduction == "none":
        return loss.reshape(())
    return _reduce(loss, reduction)


def hinge_embedding_loss(input: Any, target: Any, margin: float = 1.0,
                         reduction: str = "mean") -> Tensor:
    """x where y == 1, max(0, margin - x) where y == -1."""
    op = "hinge_embedding_loss"
    _check_reduction(reduction, op)
    input, target = as_tensor(input), as_tensor(target)
    labels = target.data
    zero = np.zeros((), input.dtype)
    loss = where(labels != -1, input, zero) + where(labels != 1, Relu.apply(margin - input), zero)
    return _reduce(loss, reduction)
