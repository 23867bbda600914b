"""The op library's public surface: each op is written once, as a function in ``autograd/ops``,
exported at the top level (``autograd.softmax(x, dim)``) and bound here as a Tensor method
(``x.softmax(dim)``) from one table.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops import extrema, index, joining, linalg, named, pointwise, reduce, softmax, views
from .ops.elementwise import where
from .tensor import Tensor

# functions that are also Tensor methods (the tensor is the first argument)
METHOD_FUNCTIONS: dict = {
    # softmax family
    "softmax": softmax.softmax, "log_softmax": softmax.log_softmax,
    "logsumexp": softmax.logsumexp,
    # reductions
    "var": reduce.var, "std": reduce.std, "prod": reduce.prod, "cumsum": reduce.cumsum,
    "norm": reduce.norm, "all": reduce.all, "any": reduce.any,
    "max": extrema.max, "min": extrema.min, "amax": extrema.amax, "amin": extrema.amin,
    "argmax": extrema.argmax, "argmin": extrema.argmin,
    # rearranging
    "squeeze": views.squeeze, "unsqueeze": views.unsqueeze, "flatten": views.flatten,
    "unflatten": views.unflatten, "movedim": views.movedim, "moveaxis": views.movedim,
    "flip": views.flip, "roll": views.roll, "tile": views.tile, "triu": views.triu,
    "tril": views.tril, "diagonal": views.diagonal, "trace": views.trace,
    "clone": views.clone, "contiguous": views.contiguous,
    "split": joining.split, "chunk": joining.chunk, "unbind": joining.unbind,
    # indexing
    "gather": index.gather, "index_select": index.index_select,
    "take_along_dim": index.take_along_dim, "masked_fill": index.masked_fill,
    "scatter_add": index.scatter_add,
    # pointwise
    "square": pointwise.square, "reciprocal": pointwise.reciprocal, "rsqrt": pointwise.rsqrt,
    "erf": pointwise.erf, "softplus": pointwise.softplus, "sin": pointwise.sin,
    "cos": pointwise.cos, "tan": pointwise.tan, "log1p": pointwise.log1p,
    "expm1": pointwise.expm1, "log2": pointwise.log2, "log10": pointwise.log10,
    "exp2": pointwise.exp2, "sign": pointwise.sign, "floor": pointwise.floor,
    "ceil": pointwise.ceil, "trunc": pointwise.trunc, "round": pointwise.round,
    "logaddexp": pointwise.logaddexp, "clamp": pointwise.clamp, "clip": pointwise.clip,
    # named forms of the operators (PyTorch's spellings)
    "add": named.add, "sub": named.sub, "subtract": named.sub, "mul": named.mul,
    "multiply": named.mul, "div": named.div, "divide": named.div, "true_divide": named.div,
    "neg": named.neg, "negative": named.neg, "eq": named.eq, "ne": named.ne, "lt": named.lt,
    "le": named.le, "gt": named.gt, "ge": named.ge, "isnan": named.isnan,
    "isfinite": named.isfinite,
    # linear algebra
    "mm": named.mm, "t": named.t, "dot": linalg.dot, "outer": linalg.outer,
    "inverse": linalg.inverse, "det": linalg.det,
}

# Tensor methods without a top-level function of the same name
METHODS_ONLY: dict = {
    # PyTorch's Tensor.repeat tiles; numpy's repeat repeats elements, so no top-level alias
    "repeat": views.repeat,
    "where": lambda self, condition, other: where(condition, self, other),
    "float": lambda self: self.to(np.float32),
    "double": lambda self: self.to(np.float64),
    "half": lambda self: self.to(np.float16),
    "long": lambda self: self.to(np.int64),
    "int": lambda self: self.to(np.int32),
    "bool": lambda self: self.to(np.bool_),
    "type_as": lambda self, other: self.to(other.dtype),
    "expand_as": lambda self, other: self.expand(*other.shape),
}

# top-level functions that are not methods
FUNCTIONS_ONLY: dict = {
    "cat": joining.cat, "concatenate": joining.concatenate, "concat": joining.concat,
    "stack": joining.stack, "pad": joining.pad, "expand_dims": views.expand_dims,
    "take_along_axis": index.take_along_axis, "einsum": linalg.einsum, "solve": linalg.solve,
    "permute": named.permute, "broadcast_to": named.broadcast_to,
}


def _bind(methods: dict) -> None:
    for name, function in methods.items():
        setattr(Tensor, name, function)


_bind(METHOD_FUNCTIONS)
_bind(METHODS_ONLY)

_EXPORTS: dict[str, Any] = {**METHOD_FUNCTIONS, **FUNCTIONS_ONLY}
globals().update(_EXPORTS)
__all__ = sorted(_EXPORTS)
