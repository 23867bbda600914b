"""The fully connected gate: y = x W^T + b in one gate (one matmul forward, two back)."""

from __future__ import annotations

from typing import Any

from autograd import Function, Tensor
from autograd.ops.gemm import fast_matmul

from ._common import as_tensor


class Linear(Function):
    """out = x @ W^T + b, for x of shape (..., in) and W of shape (out, in).

    dx = g @ W,  dW = g^T @ x (batch dims folded into rows),  db = g summed over batch dims.
    """

    name = "linear"
    symbol = "linear"

    @staticmethod
    def forward(ctx: Any, x: Any, w: Any, b: Any) -> Any:
        if x.ndim > 2 and x.flags.c_contiguous:  # batch dims folded into rows: one product
            out = fast_matmul(x.reshape(-1, x.shape[-1]), w.T, b)
            return out.reshape(x.shape[:-1] + (w.shape[0],))
        return fast_matmul(x, w.T, b)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        x, w, b = ctx.inputs
        needs_x, needs_w, needs_b = ctx.needs_input_grad
        rows = grad.reshape(-1, grad.shape[-1]) if grad.ndim != 2 else grad
        dx = fast_matmul(grad, w) if needs_x else None
        x_rows = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
        dw = fast_matmul(rows.T, x_rows) if needs_w else None
        db = rows.sum(axis=0) if needs_b else None
        return dx, dw, db


def linear(input: Any, weight: Any, bias: Any = None) -> Tensor:
    """y = x W^T + b (PyTorch's layout: weight is (out_features, in_features))."""
    input, weight, bias = as_tensor(input), as_tensor(weight), as_tensor(bias)
    if weight.ndim != 2:
        raise ValueError(
            f"linear: expected a 2-D weight (out_features, in_features), got shape "
            f"{tuple(weight.shape)}"
        )
    if input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: expected an input whose last dimension is in_features={weight.shape[1]}, "
            f"got an input of shape {tuple(input.shape)} (weight shape {tuple(weight.shape)})"
        )
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise ValueError(
            f"linear: expected a bias of shape ({weight.shape[0]},), got {tuple(bias.shape)}"
        )
    return Linear.apply(input, weight, bias)
