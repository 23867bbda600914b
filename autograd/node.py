"""Node: what Scalar and Tensor share - a value in the graph, its gradient and its gate.

The graph protocol (slots ``_fn``, ``_ctx``, ``_a``, ``_b``, ``_rest``) is read by the engine,
the pictures and gradcheck alike. A gate's inputs live in two slots plus an overflow tuple, so
that recording a unary or binary gate allocates no container besides the output node itself
(this keeps Python's cyclic garbage collector from dominating large Scalar graphs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import numpy_dispatch
from .engine import parents, run_backward


class Node:
    """A value in the computational graph (base of Scalar and Tensor)."""

    __slots__ = (
        "data",
        "grad",
        "requires_grad",
        "_fn",
        "_ctx",
        "_saved",
        "_a",
        "_b",
        "_rest",
        "_hooks",
        "_retain",
        "__weakref__",
    )

    # Nodes are hashed by identity: elementwise __eq__ must not break the graph walk.
    __hash__ = object.__hash__

    _kind: type  # the concrete kind (Scalar or Tensor) that gate outputs are made of
    _is_array: bool = False  # gradients need shape and dtype bookkeeping
    _retains_all_grads: bool = False  # every node keeps .grad after backward (Scalar)

    # ---- construction of gate outputs ----------------------------------------------------

    def _init_output(self, data: Any, fn: Any, ctx: Any) -> None:
        """Fill a node made by ``__new__`` as the output of gate ``fn`` (None: not recorded)."""
        raise NotImplementedError

    # ---- graph -------------------------------------------------------------------------------

    @property
    def is_leaf(self) -> bool:
        """True for nodes not produced by a recorded gate (inputs, parameters, constants)."""
        return self._fn is None

    @property
    def grad_fn(self) -> GradFn | None:
        """The gate that produced this node, or None for a leaf."""
        return None if self._fn is None else GradFn(self)

    def requires_grad_(self, requires_grad: bool = True) -> Node:
        if self._fn is not None and not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        self._check_can_require_grad(requires_grad)
        self.requires_grad = bool(requires_grad)
        return self

    def _check_can_require_grad(self, requires_grad: bool) -> None:
        pass

    def retain_grad(self) -> None:
        """Keep ``.grad`` of this non-leaf node after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._fn is not None:
            self._retain = True

    @property
    def retains_grad(self) -> bool:
        return self._fn is not None and (self._retain or self._retains_all_grads)

    def register_hook(self, hook: Callable[[Any], Any]) -> RemovableHandle:
        """Call ``hook(grad)`` when this node's gradient is computed; a non-None return value
        replaces the gradient. Returns a handle whose ``.remove()`` unregisters the hook."""
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._hooks is None:
            self._hooks = {}
        handle = RemovableHandle(self._hooks)
        self._hooks[handle.id] = hook
        return handle

    def _run_hooks(self, grad: Any, raw: bool) -> Any:
        for hook in list(self._hooks.values()):
            wrapped = self._kind._wrap_grad(grad) if raw else grad
            result = hook(wrapped)
            if result is not None:
                grad = result.data if raw and isinstance(result, Node) else result
        return grad

    def _accumulate_grad(self, grad: Any, raw: bool) -> None:
        raise NotImplementedError

    # ---- backward ------------------------------------------------------------------------------

    def backward(
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
    ) -> None:
        """Backpropagate from this node: leaf gradients accumulate into ``.grad``.

        ``gradient`` is d(something)/d(self) and may be omitted for a single-element output.
        ``inputs``: accumulate only into these nodes' ``.grad``.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn"
            )
        seed = self._seed(gradient, create_graph)
        if retain_graph is None:
            retain_graph = create_graph
        if inputs is None:
            run_backward([self], [seed], retain_graph, create_graph)
            return
        targets = [inputs] if isinstance(inputs, Node) else list(inputs)
        grads = run_backward([self], [seed], retain_graph, create_graph, capture=targets)
        for node, grad in zip(targets, grads):
            if grad is not None:
                node._accumulate_grad(grad, not create_graph)

    def _seed(self, gradient: Any, create_graph: bool) -> Any:
        raise NotImplementedError

    def detach(self) -> Node:
        """A new leaf with the same value that does not require grad."""
        raise NotImplementedError

    # ---- numpy dispatch (lets backward formulas written in numpy be recorded) -----------

    def __array_ufunc__(self, ufunc: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        return numpy_dispatch.dispatch_ufunc(ufunc, method, args, kwargs)

    def __array_function__(self, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
        return numpy_dispatch.dispatch_function(func, args, kwargs)


class GradFn:
    """A read-only view of the gate that produced a node (PyTorch's ``grad_fn``)."""

    __slots__ = ("_node",)

    def __init__(self, node: Node) -> None:
        self._node = node

    @property
    def function(self) -> Any:
        return self._node._fn

    def name(self) -> str:
        return f"{self._node._fn.__name__}Backward"

    @property
    def next_functions(self) -> tuple:
        """(grad_fn of each input, 0) as in PyTorch; a leaf input appears as AccumulateGrad."""
        result = []
        for parent in parents(self._node):
            if parent is None or not parent.requires_grad:
                result.append((None, 0))
            elif parent._fn is None:
                result.append((AccumulateGrad(parent), 0))
            else:
                result.append((GradFn(parent), 0))
        return tuple(result)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GradFn) and other._node is self._node

    def __hash__(self) -> int:
        return id(self._node)

    def __repr__(self) -> str:
        return f"<{self.name()}>"


class AccumulateGrad:
    """Stands for a leaf in ``next_functions``."""

    __slots__ = ("variable",)

    def __init__(self, variable: Node) -> None:
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    next_functions = ()

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


class RemovableHandle:
    """Returned by ``register_hook``; ``remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, registry: dict) -> None:
        self._registry = registry
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self) -> None:
        self._registry.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def is_node(value: Any) -> bool:
    return isinstance(value, Node)


def raw(value: Any) -> Any:
    """The raw value of a node (its ``.data``); anything else unchanged.

    (Not ``getattr(value, "data")``: an ndarray's ``.data`` is its memory buffer.)"""
    return value.data if isinstance(value, Node) else value

