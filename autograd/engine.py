"""The graph walk: grad mode, iterative topological order and backpropagation.

Shared by every kind of node (Scalar and Tensor). Knows nothing of particular gates (but for
the three lecture gates the Scalar walk inlines): a node is something with ``data``, ``grad``,
``requires_grad``, a gate ``_fn`` (None for a leaf) and its inputs in the slots ``_a``, ``_b``
and ``_rest`` (None for a unary gate, ``()`` for a binary one, the further inputs beyond that).

One chain-rule step (``_gate_backward``) serves two walks: the general one, which keeps the
gradients in flight in a dict, and a faster one for Scalar graphs without hooks or custom
gates, which keeps them in each node's ``.grad`` (every Scalar keeps its gradient anyway).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from .versions import changed_since

SECOND_BACKWARD_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class GradMode:
    """Global switches read on the hot path (class attributes are the cheapest lookup)."""

    enabled: bool = True
    # True while a backward pass runs with create_graph=True: gates then see graph nodes
    # instead of raw arrays, so their backward formulas are recorded (higher order for free).
    create_graph: bool = False
    # anomaly mode (autograd.detect_anomaly): record creation sites, check for NaN/Inf
    anomaly: bool = False


class _GradModeContext:
    """Base of no_grad / enable_grad / set_grad_enabled: a context manager and a decorator."""

    mode: bool = True

    def __enter__(self) -> None:
        self._previous = GradMode.enabled
        GradMode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        GradMode.enabled = self._previous

    def __call__(self, func: Callable) -> Callable:
        mode = self.mode

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            previous = GradMode.enabled
            GradMode.enabled = mode
            try:
                return func(*args, **kwargs)
            finally:
                GradMode.enabled = previous

        return wrapper


class no_grad(_GradModeContext):
    """Context manager / decorator: operations inside record no graph."""

    mode = False


class enable_grad(_GradModeContext):
    """Context manager / decorator: turn recording back on inside a ``no_grad`` block."""

    mode = True


class set_grad_enabled(_GradModeContext):
    """``set_grad_enabled(False)`` works as a function call, a context manager and a decorator."""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._previous = GradMode.enabled
        GradMode.enabled = self.mode

    def __enter__(self) -> None:
        pass

    def __call__(self, func: Callable) -> Callable:
        # used as a decorator: the call above switched the mode for good; undo that, the mode
        # applies only while ``func`` runs (as in PyTorch)
        GradMode.enabled = self._previous
        return super().__call__(func)


def is_grad_enabled() -> bool:
    return GradMode.enabled


def parents(node: Any) -> tuple:
    """The input nodes of ``node``'s gate, in argument order (None for constant arguments)."""
    if node._fn is None:
        return ()
    rest = node._rest  # None for a unary gate, () for a binary one, a tuple beyond that
    if rest is None:
        return (node._a,)
    return (node._a, node._b) + rest if rest else (node._a, node._b)


_EXPANDED = object()  # stack marker of topological_order


def topological_order(roots: list, set_aside: dict | None = None) -> list:
    """Nodes reachable from ``roots`` through inputs that require grad, outputs first.

    Iterative depth-first search (no recursion), so a million-gate chain is fine.

    ``set_aside`` (for the Scalar walk): each node's ``.grad`` other than a float 0.0 is moved
    into this dict, and the node's ``.grad`` reset to 0.0, when the search first reaches the
    node. Doing it here, while the node is in the CPU cache, saves a pass over a big graph.
    A node with hooks or with a ``Function``'s context raises ``_RunsUserCodeError`` then.
    """
    # one stack; a node whose inputs are pushed is pushed again under the marker _EXPANDED, to
    # be emitted when popped (after its inputs): no allocation per node, so long graphs do not
    # feed the cyclic garbage collector
    order: list = []
    seen: set = set()
    stack = list(roots)
    push, pop, mark, emit = stack.append, stack.pop, seen.add, order.append
    expanded = _EXPANDED
    while stack:
        node = pop()
        if node is expanded:
            emit(pop())
            continue
        if node in seen:
            continue
        mark(node)
        if set_aside is not None:
            if node._hooks is not None:
                raise _RunsUserCodeError
            grad = node.grad
            if grad.__class__ is not float or grad:
                set_aside[node] = grad
                node.grad = 0.0
        if node._fn is None:
            emit(node)
            continue
        if set_aside is not None and node._ctx is not None:
            raise _RunsUserCodeError
        push(node)
        push(expanded)
        p = node._a
        if p is not None and p.requires_grad and p not in seen:
            push(p)
        p = node._b
        if p is not None and p.requires_grad and p not in seen:
            push(p)
        if node._rest:
            for p in node._rest:
                if p is not None and p.requires_grad and p not in seen:
                    push(p)
    order.reverse()
    return order


def sum_to_shape(grad: Any, node: Any, fn: Any, index: int) -> Any:
    """Undo broadcasting: sum ``grad`` back to the shape of ``node`` and cast to its dtype.

    The one place where broadcasting is undone; works on raw arrays and on graph nodes.
    """
    shape = node.data.shape
    gshape = grad.shape
    if gshape != shape:
        lead = len(gshape) - len(shape)
        if lead < 0:
            raise _bad_gradient(fn, index, gshape, shape)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1
        )
        for i, n in enumerate(shape):
            if n != 1 and gshape[lead + i] != n:
                raise _bad_gradient(fn, index, gshape, shape)
        if axes:
            grad = grad.sum(axis=axes, keepdims=True)
        if lead:
            grad = grad.reshape(shape)
    dtype = node.data.dtype
    if grad.dtype != dtype:
        grad = grad.astype(dtype)
    return grad


def _bad_gradient(fn: Any, index: int, got: tuple, expected: tuple) -> RuntimeError:
    return RuntimeError(
        f"Function {fn.__name__}Backward returned an invalid gradient at index {index} - "
        f"got {list(got)} but expected shape compatible with {list(expected)}"
    )


# (Add, Mul, Relu) registered by autograd.scalar: for Scalar nodes (python floats, no context)
# the graph walk applies these gates' chain rule inline instead of calling their backward
_SCALAR_FAST: tuple = ()


def run_backward(
    roots: list,
    seeds: list,
    retain_graph: bool = False,
    create_graph: bool = False,
    capture: list | None = None,
) -> list | None:
    """Backpropagate ``seeds`` from ``roots`` through the graph, gate by gate.

    Without ``capture`` the gradients accumulate into ``.grad`` of leaves (and of nodes that
    retain grads). With ``capture`` (a list of nodes) nothing is accumulated; the gradients
    with respect to those nodes are returned (None where no gradient arrives).
    """
    scalars = not any(root._is_array for root in roots)  # a graph holds one kind of node
    with _SCALAR_BACKWARD if scalars else contextlib.nullcontext():
        if scalars and capture is None and not create_graph and not GradMode.anomaly:
            earlier: dict = {}
            try:
                order = topological_order(roots, earlier)
            except _RunsUserCodeError:
                for node, grad in earlier.items():
                    node.grad = grad
            else:
                return _in_grad_mode(False, _scalar_walk, order, roots, seeds, retain_graph,
                                     earlier)
        return _in_grad_mode(create_graph, _walk, topological_order(roots), roots, seeds,
                             retain_graph, create_graph, capture)


class _RunsUserCodeError(Exception):
    """The graph has hooks or ``Function`` gates: not for the Scalar walk (see below)."""


# One Scalar backward pass at a time: the Scalar walk keeps the gradients in flight in the
# nodes' .grad, so two passes through the same nodes at once (from two threads) would mix.
# Reentrant: a hook may start another backward pass (only the general walk runs user code).
_SCALAR_BACKWARD = threading.RLock()


def _in_grad_mode(create_graph: bool, walk: Callable, *args: Any) -> Any:
    """``walk(*args)`` with grad mode on only under ``create_graph`` (the recording of
    backward formulas for higher-order derivatives)."""
    previous_mode = GradMode.enabled, GradMode.create_graph
    GradMode.enabled = GradMode.create_graph = create_graph
    try:
        return walk(*args)
    finally:
        GradMode.enabled, GradMode.create_graph = previous_mode


def _walk(order: list, roots: list, seeds: list, retain_graph: bool, create_graph: bool,
          capture: list | None) -> list | None:
    """The graph walk for every kind of graph (see ``run_backward``).

    Gradients in flight live in a dict keyed by node. A gradient is *borrowed* when a gate
    passed its upstream array through unchanged (the add gate does) or returned a view of it;
    such an array is copied before it becomes some tensor's ``.grad``, so that no two tensors
    share a gradient buffer. Where branches meet, the first sum allocates a buffer and later
    contributions are added into it in place (a weight shared by T steps costs one buffer,
    not T - 1).
    """
    raw = not create_graph
    grads: dict = {}
    borrowed: set = set(roots)
    summed: set = set()  # nodes whose gradient in flight is a sum this walk allocated
    for root, seed in zip(roots, seeds):
        grads[root] = grads[root] + seed if root in grads else seed
    captured = None if capture is None else {node: None for node in capture}
    pop = grads.pop
    for node in order:
        grad = pop(node, None)
        if grad is None:
            continue
        if node._hooks is not None:
            grad = node._run_hooks(grad, raw)
        fn = node._fn
        if captured is not None:
            if node in captured:
                captured[node] = _owned(grad, node in borrowed, raw)
        elif fn is None or node._retain or node._retains_all_grads:
            if raw and not node._is_array:
                node.grad += float(grad)
            else:
                node._accumulate_grad(_owned(grad, node in borrowed, raw), raw)
        if fn is None:
            continue
        inputs, results = _gate_backward(node, fn, grad, retain_graph)
        previous = None
        index = 0
        for parent, result in zip(inputs, results):
            if parent is not None and result is not None and parent.requires_grad:
                if parent._is_array:
                    # a result that is (a view of) the upstream gradient or of the previous
                    # input's gradient is borrowed: copied before it becomes a .grad
                    shared = raw and (result is grad or result is previous
                                      or getattr(result, "base", None) is not None)
                    data = parent.data
                    if result.shape != data.shape or result.dtype != data.dtype:
                        result = sum_to_shape(result, parent, fn, index)
                    previous = result
                    if parent in grads:
                        total = grads[parent]
                        if parent in summed:  # a buffer this walk made: add in place
                            np.add(total, result, out=total)
                        else:
                            total = grads[parent] = total + result
                            borrowed.discard(parent)
                            if raw and total.__class__ is np.ndarray:
                                summed.add(parent)
                    else:
                        grads[parent] = result
                        if shared:
                            borrowed.add(parent)
                elif parent in grads:
                    grads[parent] = grads[parent] + result
                else:
                    grads[parent] = result
            index += 1
    if captured is None:
        return None
    return [captured[node] for node in capture]


def _scalar_walk(order: list, roots: list, seeds: list, retain_graph: bool, earlier: dict) -> None:
    """The graph walk for Scalar graphs without hooks or ``Function`` gates (the common case,
    made fast).

    Every Scalar keeps its ``.grad``, so the gradients in flight accumulate straight in that
    slot instead of a dict. ``earlier`` holds the ``.grad`` values from before this pass, which
    ``topological_order`` set aside: they are added back at the end, so that each node sends
    on only this pass's gradient, as in the general walk. No user code runs during this walk,
    so no other backward pass can start inside it.
    """
    for root, seed in zip(roots, seeds):
        root.grad += float(seed)
    add_gate, mul_gate, relu_gate = _SCALAR_FAST
    try:
        for node in order:
            grad = node.grad  # complete: every gate that uses this node has sent its part
            fn = node._fn
            if fn is None:
                continue
            if node._saved is None and (fn is add_gate or fn is mul_gate or fn is relu_gate):
                # the lecture's gates inlined: add distributes, mul swaps its inputs, relu routes
                a = node._a
                if fn is relu_gate:
                    a.grad += grad if a.data > 0.0 else 0.0
                else:
                    b = node._b
                    if fn is add_gate:
                        if a.requires_grad:
                            a.grad += grad
                        if b.requires_grad:
                            b.grad += grad
                    else:
                        if a.requires_grad:
                            a.grad += grad * b.data
                        if b.requires_grad:
                            b.grad += grad * a.data
                if not retain_graph:
                    node._saved = RELEASED
                continue
            inputs, results = _gate_backward(node, fn, grad, retain_graph)
            for parent, result in zip(inputs, results):
                if parent is not None and result is not None and parent.requires_grad:
                    parent.grad += float(result)
    finally:  # also after an error: the earlier gradients are not lost
        for node, grad in earlier.items():
            node.grad = grad + node.grad


def _gate_backward(node: Any, fn: Any, grad: Any, retain_graph: bool) -> tuple[tuple, tuple]:
    """One chain-rule step: the gate's inputs and ``fn.backward(upstream grad)``, one gradient
    (or None) per input, checked."""
    ctx = node._ctx
    if ctx is None:  # a Scalar gate: the node is its own context
        results = fn.backward(node, grad)
        if not retain_graph:
            node._saved = RELEASED
    else:
        if ctx._may_be_changed():
            _check_inputs_unchanged(node, fn, ctx._recorded_at)
        ctx._node = node
        try:
            results = fn.backward(ctx, grad)
        finally:
            ctx._node = None
        if not retain_graph:
            ctx._saved = RELEASED
    if results.__class__ is not tuple:
        results = (results,)
    if GradMode.anomaly:
        from .anomaly import check_backward_results

        check_backward_results(node, fn, results)
    rest = node._rest
    if rest is None:
        inputs = (node._a,)
    elif rest:
        inputs = (node._a, node._b) + rest
    else:
        inputs = (node._a, node._b)
    if len(results) != len(inputs):
        raise RuntimeError(
            f"function {fn.__name__}Backward returned an incorrect number of "
            f"gradients (expected {len(inputs)}, got {len(results)})"
        )
    return inputs, results


def _check_inputs_unchanged(node: Any, fn: Any, recorded_at: int) -> None:
    """Refuse to backpropagate through a gate whose input was modified in place since it was
    recorded (when ``versions.changes`` was ``recorded_at``)."""
    for index, parent in enumerate(parents(node)):
        if parent is not None:
            change = changed_since(parent.data, recorded_at)
            if change is not None:
                raise modified_in_place(f"input {index}", fn.__name__, parent.data, *change)


def modified_in_place(what: str, gate: str, array: Any, version: int, expected: int,
                      exact: bool = True) -> Exception:
    """PyTorch's error for a value saved for backward that was changed in place since."""
    then = f"version {expected}" if exact else f"version {expected} or earlier"
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: {what} of {gate} (a tensor of shape {array.shape} and dtype "
        f"{array.dtype}) is at version {version}; expected {then} instead. Hint: "
        "use the out-of-place form of the operation (e.g. x = x.mul(2) instead of x.mul_(2))."
    )


def _owned(grad: Any, borrowed: bool, raw: bool) -> Any:
    """``grad`` as a buffer no other tensor shares (copied when it was borrowed)."""
    if raw and borrowed and isinstance(grad, np.ndarray):
        return grad.copy()
    return grad


class _Released:
    """Marker for saved values freed after a backward pass without retain_graph."""

    def __repr__(self) -> str:
        return "<released>"


RELEASED = _Released()
