"""User-defined gates shared by the tests (written as a user of ``autograd.Function`` would)."""

import autograd as ag


class Cube(ag.Function):
    """out = x**3, dx = 3 x**2 g (saved with save_for_backward, PyTorch style)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x**2


class ScaleBy(ag.Function):
    """out = x * k for a python number k; no gradient for k (backward returns None)."""

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return x * k

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.k, None
