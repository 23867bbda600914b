"""numpy's dispatch protocols for graph nodes.

``np.exp(t)``, ``np.sum(t, axis=0)`` or ``ndarray * t`` on a Tensor (or Scalar) run the matching
gate and return a node, so user code and backward formulas written in numpy vocabulary are
recorded. Ufuncs without a derivative (comparisons, sign, ...) return a node that carries no
gradient. Anything else refuses to silently drop the graph of a node that requires grad.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

UFUNC_GATES: dict = {}  # ufunc -> callable on nodes (usually a gate's apply)
FUNCTIONS: dict = {}  # numpy function -> callable taking the same arguments
NON_DIFFERENTIABLE_UFUNCS = {
    np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
    np.sign, np.isnan, np.isinf, np.isfinite, np.logical_and, np.logical_or,
    np.logical_not, np.logical_xor, np.signbit,
}


def register_ufunc(ufunc: Any, implementation: Callable) -> None:
    UFUNC_GATES[ufunc] = implementation


def register_function(func: Any, implementation: Callable) -> None:
    FUNCTIONS[func] = implementation


def _node_class() -> type:
    from .node import Node

    return Node


def _raw(value: Any) -> Any:
    Node = _node_class()
    if isinstance(value, Node):
        return value.data
    if isinstance(value, (list, tuple)):
        return type(value)(_raw(v) for v in value)
    return value


def _first_node(values: Any) -> Any:
    Node = _node_class()
    for value in values:
        if isinstance(value, Node):
            return value
        if isinstance(value, (list, tuple)):
            found = _first_node(value)
            if found is not None:
                return found
    return None


def dispatch_ufunc(ufunc: Any, method: str, args: tuple, kwargs: dict) -> Any:
    if method == "__call__" and not kwargs:
        gate = UFUNC_GATES.get(ufunc)
        if gate is not None:
            return gate(*args)
        if ufunc in NON_DIFFERENTIABLE_UFUNCS:
            kind = _first_node(args)._kind
            return kind._from_raw(ufunc(*(_raw(a) for a in args)))
    return _refuse_or_compute(getattr(ufunc, method), f"numpy.{ufunc.__name__}", args, kwargs)


def dispatch_function(func: Any, args: tuple, kwargs: dict) -> Any:
    implementation = FUNCTIONS.get(func)
    if implementation is not None:
        return implementation(*args, **kwargs)
    return _refuse_or_compute(func, f"numpy.{func.__name__}", args, kwargs)


def _refuse_or_compute(func: Callable, name: str, args: tuple, kwargs: dict) -> Any:
    from .engine import GradMode

    node = _first_node(list(args) + list(kwargs.values()))
    if GradMode.enabled and _any_requires_grad(list(args) + list(kwargs.values())):
        raise TypeError(
            f"{name} is not differentiable in gategrad and would drop the gradient of "
            f"{type(node).__name__} inputs that require grad; use the gategrad operation, or "
            f"call it on .detach() / inside no_grad()"
        )
    return func(*_raw(list(args)), **{k: _raw(v) for k, v in kwargs.items()})


def _any_requires_grad(values: Any) -> bool:
    Node = _node_class()
    for value in values:
        if isinstance(value, Node) and value.requires_grad:
            return True
        if isinstance(value, (list, tuple)) and _any_requires_grad(value):
            return True
    return False
