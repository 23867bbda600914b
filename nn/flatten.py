"""Flatten and Unflatten: reshape a range of dims into one, and one dim into several."""

from __future__ import annotations

import math
from typing import Any

from .module import Module


def flattened_shape(shape: tuple, start_dim: int, end_dim: int) -> tuple:
    ndim = len(shape)
    if ndim == 0:
        return (1,)
    start, end = start_dim % ndim, end_dim % ndim
    if start > end:
        raise ValueError(
            f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for shape {shape}"
        )
    return shape[:start] + (math.prod(shape[start:end + 1]),) + shape[end + 1:]


class Flatten(Module):
    """Merge dims start_dim..end_dim into one: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Any) -> Any:
        return input.reshape(flattened_shape(tuple(input.shape), self.start_dim, self.end_dim))

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dim ``dim`` into ``unflattened_size``: Unflatten(1, (C, H, W))."""

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, input: Any) -> Any:
        shape = tuple(input.shape)
        dim = self.dim % len(shape)
        sizes = list(self.unflattened_size)
        known = math.prod(n for n in sizes if n != -1)
        if -1 in sizes:
            sizes[sizes.index(-1)] = shape[dim] // known if known else 0
        if math.prod(sizes) != shape[dim]:
            raise ValueError(
                f"Unflatten: unflattened_size {self.unflattened_size} does not multiply to the "
                f"size {shape[dim]} of dim {self.dim} (input shape {shape})"
            )
        return input.reshape(shape[:dim] + tuple(sizes) + shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
