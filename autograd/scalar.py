"""Scalar: a python float on the gate engine (micrograd's ``Value``, but fast).

Same graph walk, grad mode, hooks and gates as Tensor. ``.data`` and ``.grad`` are floats, and
(lecture style) every Scalar in the graph keeps its ``.grad`` after backward, so pictures and
tables can show the gradient at every node. A Scalar is its own gate context: recording an
operation allocates nothing but the output Scalar, which keeps big Scalar graphs cheap.
"""

from __future__ import annotations

from typing import Any

from . import engine as _engine
from .anomaly import record_creation
from .engine import GradMode, parents
from .function import ContextProtocol
from .node import Node, raw
from .ops import elementwise as ew
from .ops.promotion import promote


class Scalar(Node, ContextProtocol):
    """A python-float value with a gradient: ``Scalar(2.0, requires_grad=True)``.

    ``requires_grad`` defaults to True (a Scalar is usually something to differentiate with
    respect to); constants made from python numbers in expressions do not require grad.
    """

    __slots__ = ()
    _is_array = False
    _retains_all_grads = True

    def __init__(self, data: float, requires_grad: bool = True) -> None:
        if isinstance(data, Node):
            raise TypeError("Scalar(): expected a python number, got a " + type(data).__name__)
        self.data = float(data)
        self.grad = 0.0
        self.requires_grad = bool(requires_grad)
        self._fn = None
        self._hooks = None
        self._retain = False
        self._saved = None

    # ---- making gate outputs -------------------------------------------------------------

    def _init_output(self, data: Any, fn: Any, ctx: Any) -> None:
        self.data = float(data)
        self.grad = 0.0
        self.requires_grad = fn is not None
        self._fn = fn
        self._ctx = ctx
        self._hooks = None
        self._retain = False
        self._saved = None

    @classmethod
    def _from_raw(cls, value: Any) -> Any:
        return value if isinstance(value, (bool, int)) else float(value)

    @staticmethod
    def _wrap_grad(grad: Any) -> Any:
        return grad

    def _accumulate_grad(self, grad: Any, raw: bool) -> None:
        self.grad = self.grad + (float(grad) if raw else grad)

    def _seed(self, gradient: Any, create_graph: bool) -> Any:
        seed = 1.0 if gradient is None else float(raw(gradient))
        return Scalar(seed, requires_grad=False) if create_graph else seed

    def detach(self) -> Scalar:
        return Scalar(self.data, requires_grad=False)

    # ---- the context protocol (a Scalar is its own gate's ctx) -----------------------------

    def _graph_node(self) -> Scalar:
        return self

    @property
    def inputs(self) -> tuple:
        # fast path of ContextProtocol.inputs: Scalar gates recorded here are unary or binary
        if GradMode.create_graph or self._saved is not None:
            return ContextProtocol.inputs.fget(self)
        if self._rest is None:
            return (self._a.data,)
        return (self._a.data, self._b.data)

    def _raw_inputs(self, node: Any) -> tuple:
        return tuple(None if p is None else p.data for p in parents(node))

    def _node_inputs(self, node: Any) -> tuple:
        return parents(node)

    # ---- python value semantics ----------------------------------------------------------

    def __float__(self) -> float:
        return self.data

    def item(self) -> float:
        return self.data

    def __bool__(self) -> bool:
        return bool(self.data)

    def __repr__(self) -> str:
        return f"Scalar(data={self.data:.4g}, grad={_format(self.grad)})"

    # comparisons compare values and return bools (Scalars stay hashable by identity)
    def __lt__(self, other: Any) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Any) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Any) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Any) -> bool:
        return self.data >= _data(other)

    def __eq__(self, other: Any) -> bool:
        return self.data == _data(other)

    def __ne__(self, other: Any) -> bool:
        return self.data != _data(other)

    __hash__ = Node.__hash__

    # ---- operators -------------------------------------------------------------------------

    def __radd__(self, other: Any) -> Scalar:
        return _constant(other) + self

    def __sub__(self, other: Any) -> Scalar:
        return _binary(ew.Sub, self, other)

    def __rsub__(self, other: Any) -> Scalar:
        return _binary(ew.Sub, other, self)

    def __rmul__(self, other: Any) -> Scalar:
        return _constant(other) * self

    def __truediv__(self, other: Any) -> Scalar:
        return _binary(ew.Div, self, other)

    def __rtruediv__(self, other: Any) -> Scalar:
        return _binary(ew.Div, other, self)

    def __pow__(self, other: Any) -> Scalar:
        return _binary(ew.Pow, self, other)

    def __rpow__(self, other: Any) -> Scalar:
        return _binary(ew.Pow, other, self)

    def __neg__(self) -> Scalar:
        return _unary(ew.Neg, self)

    def __pos__(self) -> Scalar:
        return self

    def __abs__(self) -> Scalar:
        return _unary(ew.Abs, self)

    def exp(self) -> Scalar:
        return _unary(ew.Exp, self)

    def log(self) -> Scalar:
        return _unary(ew.Log, self)

    def sqrt(self) -> Scalar:
        return _unary(ew.Sqrt, self)

    def tanh(self) -> Scalar:
        return _unary(ew.Tanh, self)

    def sigmoid(self) -> Scalar:
        return _unary(ew.Sigmoid, self)

    def relu(self) -> Scalar:
        return _unary(ew.Relu, self)

    def abs(self) -> Scalar:
        return _unary(ew.Abs, self)


def _data(value: Any) -> Any:
    return value.data if isinstance(value, Node) else value


def _format(grad: Any) -> str:
    return f"{grad:.4g}" if isinstance(grad, float) else repr(grad)


def _constant(value: Any) -> Scalar:
    if isinstance(value, Scalar):
        return value
    if isinstance(value, Node):
        raise TypeError(f"cannot combine a Scalar with a {type(value).__name__}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"Scalar arithmetic expects a number or a Scalar, got {type(value).__name__}"
        ) from None
    return Scalar(number, requires_grad=False)


_new = object.__new__


def _binary(fn: Any, a: Any, b: Any) -> Scalar:
    """Record a binary gate on Scalars with the output as its own context."""
    if a.__class__ is not Scalar:
        a = _constant(a)
    if b.__class__ is not Scalar:
        b = _constant(b)
    out = _new(Scalar)
    record = (a.requires_grad or b.requires_grad) and GradMode.enabled
    if record:
        out._a = a
        out._b = b
    else:
        out._a = out._b = None
    out._rest = ()
    out._saved = None
    out._fn = fn if record else None
    value = fn.forward(out, a.data, b.data)
    out.data = value if value.__class__ is float else float(value)
    out.grad = 0.0
    out.requires_grad = record
    out._ctx = None
    out._hooks = None
    out._retain = False
    if record and GradMode.anomaly:
        record_creation(out)
    return out


def _add_or_mul(fn: Any) -> Any:
    """``Scalar.__add__`` or ``__mul__``: ``_binary`` for the add or mul gate with everything
    inlined, so that an operation costs one python call (the hot path of Scalar graphs)."""
    is_add = fn is ew.Add

    def operator(a: Scalar, b: Any) -> Scalar:
        if b.__class__ is not Scalar:
            b = _constant(b)
        out = _new(Scalar)
        out.data = a.data + b.data if is_add else a.data * b.data
        if (a.requires_grad or b.requires_grad) and GradMode.enabled:
            out._a = a
            out._b = b
            out._fn = fn
            out.requires_grad = True
            if GradMode.anomaly:
                record_creation(out)
        else:
            out._a = out._b = out._fn = None
            out.requires_grad = False
        out._rest = ()
        out._saved = out._ctx = out._hooks = None
        out.grad = 0.0
        out._retain = False
        return out

    operator.__name__ = operator.__qualname__ = "__add__" if is_add else "__mul__"
    return operator


Scalar.__add__ = _add_or_mul(ew.Add)
Scalar.__mul__ = _add_or_mul(ew.Mul)


def _unary(fn: Any, a: Scalar) -> Scalar:
    """Record a unary gate on a Scalar with the output as its own context."""
    out = _new(Scalar)
    record = a.requires_grad and GradMode.enabled
    out._a = a if record else None
    out._b = None
    out._rest = None
    out._saved = None
    out._fn = fn if record else None
    value = fn.forward(out, a.data)
    out.data = value if value.__class__ is float else float(value)
    out.grad = 0.0
    out.requires_grad = record
    out._ctx = None
    out._hooks = None
    out._retain = False
    if record and GradMode.anomaly:
        record_creation(out)
    return out


def maximum(a: Any, b: Any) -> Any:
    """Elementwise maximum of Scalars or Tensors (Tensors promoted to a common dtype): the max
    gate routes the gradient."""
    if isinstance(a, Scalar) or isinstance(b, Scalar):
        return _binary(ew.Maximum, a, b)
    return ew.Maximum.apply(*promote(a, b))


def minimum(a: Any, b: Any) -> Any:
    """Elementwise minimum of Scalars or Tensors (Tensors promoted to a common dtype): the min
    gate routes the gradient."""
    if isinstance(a, Scalar) or isinstance(b, Scalar):
        return _binary(ew.Minimum, a, b)
    return ew.Minimum.apply(*promote(a, b))


Scalar._kind = Scalar
_engine._SCALAR_FAST = (ew.Add, ew.Mul, ew.Relu)  # the Scalar graph walk inlines these
