"""Embedding: a lookup table of learned vectors indexed by integers."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.node import raw

from . import functional as F
from . import init
from ._factory import check_device, empty_parameter
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """Row i of ``weight`` (num_embeddings, embedding_dim) for each index i; weight ~ N(0, 1).

    The row ``padding_idx`` starts at zero and receives no gradient.
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: Any = None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight: Any = None, _freeze: bool = False,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, "Embedding")
        if max_norm is not None or scale_grad_by_freq or sparse:
            raise NotImplementedError(
                "Embedding: max_norm, scale_grad_by_freq and sparse are not supported"
            )
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError("Embedding: padding_idx must be within num_embeddings")
            padding_idx = padding_idx % num_embeddings
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = empty_parameter((num_embeddings, embedding_dim), dtype)
            self.reset_parameters()
        else:
            array = np.asarray(raw(_weight))
            if array.shape != (num_embeddings, embedding_dim):
                raise ValueError("Embedding: _weight does not match num_embeddings, embedding_dim")
            self.weight = Parameter(array, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, input: Any) -> Any:
        return F.embedding(input, self.weight, self.padding_idx)

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True,
                        padding_idx: int | None = None) -> Embedding:
        """An Embedding holding the given (num_embeddings, dim) matrix (frozen by default)."""
        array = np.asarray(raw(embeddings))
        if array.ndim != 2:
            raise ValueError("Embeddings parameter is expected to be 2-dimensional")
        return cls(array.shape[0], array.shape[1], padding_idx, _weight=array.copy(),
                   _freeze=freeze)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            text += f", padding_idx={self.padding_idx}"
        return text
