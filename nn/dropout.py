"""Dropout layers (inverted dropout: scaled by 1/(1-p) in training, identity in eval)."""

from __future__ import annotations

from typing import Any

from . import functional as F
from .module import Module


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Zero each element with probability p in training and scale the rest by 1/(1-p)."""

    def forward(self, input: Any) -> Any:
        return F.dropout(input, self.p, self.training)


class Dropout2d(_DropoutNd):
    """Zero whole channels of (N, C, H, W) with probability p in training (scaled by 1/(1-p))."""

    def forward(self, input: Any) -> Any:
        return F.dropout2d(input, self.p, self.training)
