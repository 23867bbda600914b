"""Tensor: a numpy array with a gradient, on the gate engine.

``.data`` is the ndarray itself (as micrograd's ``.data``; in PyTorch ``.data`` is a Tensor).
Operations follow PyTorch's names and numpy's broadcasting; numpy's ``axis``/``keepdims`` are
accepted as aliases of ``dim``/``keepdim``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from .dtypes import get_default_dtype, is_floating, resolve_dtype
from .engine import GradMode
from .inplace import InPlaceOps
from .node import Node
from .numpy_dispatch import register_function, register_ufunc
from .ops import elementwise as ew
from .ops.linalg import MatMul
from .ops.promotion import floating, promote_division, promote_pair, promote_subtraction
from .ops.reduce import Mean, Sum, normalize_dims, reduction_dims
from .ops.shape import Cast, Expand, GetItem, Permute, Reshape
from .versions import set_version, version_of


def as_array(data: Any, dtype: Any = None, copy: bool = True) -> np.ndarray:
    """``data`` as an ndarray; python floats (and lists of them) get the default dtype."""
    dtype = resolve_dtype(dtype)
    if isinstance(data, Node):
        data = data.data
    if isinstance(data, np.ndarray):
        if dtype is None or data.dtype == dtype:
            return data.copy() if copy else data
        return data.astype(dtype)
    array = np.array(data, dtype=dtype)
    if dtype is None and array.dtype == np.float64 and not isinstance(data, np.generic):
        array = array.astype(get_default_dtype())
    return array


def _arithmetic(name: str, gate: Any, promote: Callable, reflected: bool = False) -> Callable:
    """The Tensor operator ``__name__`` (``__rname__`` when ``reflected``) for ``gate``: a
    float tensor with a python float goes straight to the gate (the hot path: ``promote`` would
    return them unchanged); anything else is promoted first, by PyTorch's rules."""
    if reflected:
        def operator(self: Tensor, other: Any) -> Tensor:
            if other.__class__ is float and self.data.dtype.kind == "f":
                return gate.apply(other, self)
            return gate.apply(*promote(other, self))
    else:
        def operator(self: Tensor, other: Any) -> Tensor:
            if other.__class__ is float and self.data.dtype.kind == "f":
                return gate.apply(self, other)
            return gate.apply(*promote(self, other))
    operator.__name__ = f"__{'r' if reflected else ''}{name}__"
    operator.__qualname__ = "Tensor." + operator.__name__
    return operator


class Tensor(Node, InPlaceOps):
    """An n-dimensional array that records the gates applied to it.

    ``Tensor(data, dtype=None, requires_grad=False)`` copies ``data`` like ``autograd.tensor``.
    """

    __slots__ = ()
    __array_priority__ = 1000
    _is_array = True

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> None:
        self.data = as_array(data, dtype)
        self._make_leaf(requires_grad)

    def _make_leaf(self, requires_grad: bool) -> None:
        self.grad = None
        self._fn = None
        self._ctx = None
        self._hooks = None
        self._retain = False
        self._saved = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _from_raw(cls, value: Any, requires_grad: bool = False) -> Tensor:
        """Wrap an ndarray (no copy) as a leaf."""
        out = cls.__new__(cls)
        out.data = value if value.__class__ is np.ndarray else np.asarray(value)
        out._make_leaf(requires_grad)
        return out

    def _init_output(self, data: Any, fn: Any, ctx: Any) -> None:
        self.data = data if data.__class__ is np.ndarray else np.asarray(data)
        self.grad = None
        self.requires_grad = fn is not None
        self._fn = fn
        self._ctx = ctx
        self._hooks = None
        self._retain = False
        self._saved = None

    @property
    def _version(self) -> int:
        """In-place changes seen by this tensor's memory (shared with its views, as in PyTorch)."""
        return version_of(self.data)

    @_version.setter
    def _version(self, value: int) -> None:
        set_version(self.data, value)

    def _check_can_require_grad(self, requires_grad: bool) -> None:
        if requires_grad and not is_floating(self.data.dtype):
            raise RuntimeError(
                "only Tensors of floating point dtype can require gradients "
                f"(got dtype {self.data.dtype})"
            )

    @staticmethod
    def _wrap_grad(grad: Any) -> Tensor:
        return Tensor._from_raw(grad)

    def _accumulate_grad(self, grad: Any, raw: bool) -> None:
        if raw:
            if self.grad is None:
                self.grad = Tensor._from_raw(grad)
            else:
                self.grad.data = self.grad.data + grad
        else:
            self.grad = grad if self.grad is None else self.grad + grad

    def _seed(self, gradient: Any, create_graph: bool) -> Any:
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            seed = np.ones_like(self.data)
        else:
            seed = as_array(gradient, self.data.dtype, copy=False)
            if seed.shape != self.data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[0] has a shape of {seed.shape} and "
                    f"output[0] has a shape of {self.data.shape}."
                )
        return Tensor._from_raw(seed) if create_graph else seed

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's values, cut from the graph."""
        return Tensor._from_raw(self.data.view())

    # ---- array attributes ----------------------------------------------------------------

    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    def dim(self) -> int:
        return self.data.ndim

    def size(self, dim: int | None = None) -> Any:
        """The shape (PyTorch's ``size()``), or the length of one dim."""
        return self.data.shape if dim is None else self.data.shape[dim]

    def numel(self) -> int:
        return int(self.data.size)

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self.data)))

    def numpy(self) -> np.ndarray:
        """The values as an ndarray (shared, not copied)."""
        if self.requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. "
                "Use tensor.detach().numpy() instead."
            )
        return self.data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if self.requires_grad and GradMode.enabled:
            raise RuntimeError(
                "Can't convert a Tensor that requires grad to a numpy array (it would drop "
                "the gradient). Use tensor.detach() or tensor.data instead."
            )
        return self.data if dtype is None else self.data.astype(dtype)

    def item(self) -> Any:
        if self.data.size != 1:
            raise ValueError(
                f"item: a Tensor with {self.data.size} elements cannot be converted to Scalar"
            )
        return self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {self.data.size} values is ambiguous"
            )
        return bool(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = []
        if self.data.dtype != get_default_dtype() and self.data.dtype not in (
            np.dtype(np.int64),
            np.dtype(bool),
        ):
            extras.append(f"dtype={self.data.dtype}")
        if self._fn is not None:
            extras.append(f"grad_fn=<{self._fn.__name__}Backward>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"

    # ---- arithmetic -----------------------------------------------------------------------

    __add__ = _arithmetic("add", ew.Add, promote_pair)
    __radd__ = _arithmetic("add", ew.Add, promote_pair, reflected=True)
    __sub__ = _arithmetic("sub", ew.Sub, promote_subtraction)
    __rsub__ = _arithmetic("sub", ew.Sub, promote_subtraction, reflected=True)
    __mul__ = _arithmetic("mul", ew.Mul, promote_pair)
    __rmul__ = _arithmetic("mul", ew.Mul, promote_pair, reflected=True)
    __truediv__ = _arithmetic("truediv", ew.Div, promote_division)
    __rtruediv__ = _arithmetic("truediv", ew.Div, promote_division, reflected=True)
    __pow__ = _arithmetic("pow", ew.Pow, promote_pair)
    __rpow__ = _arithmetic("pow", ew.Pow, promote_pair, reflected=True)

    def __neg__(self) -> Tensor:
        return ew.Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return ew.Abs.apply(self)

    def __matmul__(self, other: Any) -> Tensor:
        return MatMul.apply(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return MatMul.apply(other, self)

    # comparisons: no gradient, a bool tensor
    def _compare(self, op: Any, other: Any) -> Tensor:
        return Tensor._from_raw(op(self.data, other.data if isinstance(other, Node) else other))

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(np.less, other)

    def __le__(self, other: Any) -> Tensor:
        return self._compare(np.less_equal, other)

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(np.greater, other)

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(np.greater_equal, other)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(np.equal, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(np.not_equal, other)

    __hash__ = Node.__hash__

    # ---- elementwise functions ------------------------------------------------------------

    def exp(self) -> Tensor:
        return ew.Exp.apply(floating(self))

    def log(self) -> Tensor:
        return ew.Log.apply(floating(self))

    def sqrt(self) -> Tensor:
        return ew.Sqrt.apply(floating(self))

    def tanh(self) -> Tensor:
        return ew.Tanh.apply(floating(self))

    def sigmoid(self) -> Tensor:
        return ew.Sigmoid.apply(floating(self))

    def relu(self) -> Tensor:
        return ew.Relu.apply(self)

    def abs(self) -> Tensor:
        return ew.Abs.apply(self)

    def pow(self, exponent: Any) -> Tensor:
        return ew.Pow.apply(*promote_pair(self, exponent))

    def maximum(self, other: Any) -> Tensor:
        return ew.Maximum.apply(*promote_pair(self, other))

    def minimum(self, other: Any) -> Tensor:
        return ew.Minimum.apply(*promote_pair(self, other))

    def matmul(self, other: Any) -> Tensor:
        return MatMul.apply(self, other)

    # ---- reductions -------------------------------------------------------------------------

    def sum(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
            keepdims: Any = None, dtype: Any = None) -> Tensor:
        """Sum over ``dim`` (int, tuple, or None for all)."""
        dim, keepdim = _dim_aliases(dim, keepdim, axis, keepdims)
        x = self if dtype is None else self.to(dtype)
        return Sum.apply(x, reduction_dims(dim, self.ndim, "sum"), keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
             keepdims: Any = None, dtype: Any = None) -> Tensor:
        """Mean over ``dim`` (int, tuple, or None for all)."""
        dim, keepdim = _dim_aliases(dim, keepdim, axis, keepdims)
        x = self if dtype is None else self.to(dtype)
        if not np.issubdtype(x.dtype, np.inexact):
            raise RuntimeError(
                f"mean: could not infer output dtype: input dtype must be floating point, "
                f"got {x.dtype} (shape {self.shape}); use .float() or pass dtype=")
        return Mean.apply(x, reduction_dims(dim, self.ndim, "mean"), keepdim)

    # ---- shape ------------------------------------------------------------------------------

    def reshape(self, *shape: Any) -> Tensor:
        """The same values in a new shape (``-1`` infers one dim)."""
        return Reshape.apply(self, _shape_args(shape))

    view = reshape

    def permute(self, *dims: Any) -> Tensor:
        dims = _shape_args(dims)
        if sorted(d % max(self.ndim, 1) for d in dims) != list(range(self.ndim)):
            raise ValueError(
                f"permute: dims {dims} are not a permutation of the {self.ndim} dims of a "
                f"tensor of shape {self.shape}"
            )
        return Permute.apply(self, tuple(d % max(self.ndim, 1) for d in dims))

    def transpose(self, dim0: int = -2, dim1: int = -1) -> Tensor:
        """Swap two dims (PyTorch's transpose; defaults swap the last two)."""
        axes = list(range(self.ndim))
        d0, d1 = normalize_dims(dim0, self.ndim, "transpose")[0], normalize_dims(
            dim1, self.ndim, "transpose")[0]
        axes[d0], axes[d1] = axes[d1], axes[d0]
        return Permute.apply(self, tuple(axes))

    def swapaxes(self, axis1: int, axis2: int) -> Tensor:
        return self.transpose(axis1, axis2)

    @property
    def T(self) -> Tensor:
        """All dims reversed (the matrix transpose for 2-D)."""
        return Permute.apply(self, tuple(reversed(range(self.ndim))))

    def expand(self, *shape: Any) -> Tensor:
        """Broadcast to a larger shape without copying (``-1`` keeps a dim)."""
        shape = _shape_args(shape)
        lead = len(shape) - self.ndim
        shape = tuple(
            self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape)
        )
        return Expand.apply(self, shape)

    def broadcast_to(self, *shape: Any) -> Tensor:
        return Expand.apply(self, _shape_args(shape))

    def __getitem__(self, index: Any) -> Tensor:
        return GetItem.apply(self, _raw_index(index))

    def __setitem__(self, index: Any, value: Any) -> None:
        raise TypeError(
            "Tensor does not support item assignment (t[i] = v), which would silently change "
            "values the graph depends on; build a new tensor instead, e.g. with "
            "autograd.where(mask, v, t)"
        )

    # ---- dtype ------------------------------------------------------------------------------

    def to(self, dtype: Any) -> Tensor:
        """The values converted to ``dtype`` (a gate: the gradient is cast back)."""
        dtype = resolve_dtype(dtype)
        if dtype == self.data.dtype:
            return self
        if self.requires_grad and not is_floating(dtype):
            return Tensor._from_raw(self.data.astype(dtype))
        return Cast.apply(self, dtype)

    def astype(self, dtype: Any) -> Tensor:
        return self.to(dtype)


Tensor._kind = Tensor


def _dim_aliases(dim: Any, keepdim: bool, axis: Any, keepdims: Any) -> tuple:
    if axis is not None:
        if dim is not None:
            raise TypeError("pass either dim or axis, not both")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, bool(keepdim)


def _shape_args(shape: tuple) -> tuple:
    """Accept shapes as varargs ``f(2, 3)`` or one sequence ``f((2, 3))``."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(n) for n in shape)


def _raw_index(index: Any) -> Any:
    if isinstance(index, Node):
        return index.data
    if isinstance(index, tuple):
        return tuple(item.data if isinstance(item, Node) else item for item in index)
    if isinstance(index, list):
        return np.asarray([item.data if isinstance(item, Node) else item for item in index])
    return index


# numpy functions that dispatch to gates when given Tensors (used by backward formulas)
register_ufunc(np.matmul, MatMul.apply)
register_function(np.broadcast_to, lambda a, shape: Expand.apply(a, tuple(shape)))
register_function(np.transpose, lambda a, axes=None: Permute.apply(
    a, tuple(reversed(range(a.ndim))) if axes is None else tuple(int(x) for x in axes)))
register_function(np.swapaxes, lambda a, axis1, axis2: a.transpose(axis1, axis2))
register_function(np.reshape, lambda a, shape: a.reshape(shape))
register_function(np.sum, lambda a, axis=None, keepdims=False: a.sum(axis=axis, keepdims=keepdims))
register_function(
    np.mean, lambda a, axis=None, keepdims=False: a.mean(axis=axis, keepdims=keepdims)
)
