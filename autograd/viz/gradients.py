"""Gradients for pictures: every node's gradient, and what each gate sends along each edge.

Pictures show gradients at every node, but after ``backward()`` a Tensor graph keeps ``.grad``
only at its leaves. So the pictures run the backward pass themselves: ``node_gradients`` asks
the engine for the gradient at every node (``run_backward(..., capture=...)`` with the graph
retained; no ``.grad`` is touched), and ``gate_backward`` applies one gate's backward to its
upstream gradient, undoing broadcasting with the engine's own ``sum_to_shape``, to give the
gradient that flows along each of the gate's input edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..engine import RELEASED, GradMode, parents, run_backward, sum_to_shape, topological_order
from ..node import raw

FREED_MESSAGE = (
    "{what}: the graph's saved values were freed by an earlier backward(), so its gates cannot "
    "be run again. Call {what} before backward(), or call backward(retain_graph=True)."
)


def is_freed(node: Any) -> bool:
    """True when a backward pass without ``retain_graph`` has released this gate's saved values."""
    if node._fn is None:
        return False
    ctx = node._ctx
    return (node._saved if ctx is None else ctx._saved) is RELEASED


def any_freed(nodes: Iterable) -> bool:
    return any(is_freed(node) for node in nodes)


def node_gradients(root: Any, gradient: Any = None, nodes: Iterable | None = None) -> dict:
    """The gradient of ``root`` with respect to every node of its graph: ``{node: grad}``.

    Runs the engine's backward pass with the graph retained and returns raw values (floats for
    Scalars, ndarrays for Tensors; None where no gradient arrives). ``.grad`` attributes are
    not touched, so this works before or alongside ``root.backward()``. Tensor hooks run as in
    a normal backward pass. ``gradient`` is the seed d(something)/d(root), needed when ``root``
    has more than one element. ``nodes`` limits the result to those nodes.
    """
    if not root.requires_grad:
        raise RuntimeError(
            "node_gradients: the root does not require grad, so no gradient flows in its graph"
        )
    order = topological_order([root])
    if any_freed(order):
        raise RuntimeError(FREED_MESSAGE.format(what="node_gradients"))
    return _capture(root, order if nodes is None else nodes, gradient)


def _capture(root: Any, nodes: Iterable, gradient: Any = None) -> dict:
    wanted = [node for node in nodes if node is not None]
    seed = root._seed(gradient, False)
    grads = run_backward([root], [seed], retain_graph=True, capture=wanted)
    return {node: _plain(node, grad) for node, grad in zip(wanted, grads)}


def gate_backward(node: Any, upstream: Any) -> tuple:
    """One chain-rule step: the gradients ``node``'s gate sends to each input for ``upstream``.

    One entry per input (None for constants and inputs that get no gradient), each summed back
    to its input's shape by ``engine.sum_to_shape``, exactly as the engine does.
    """
    fn = node._fn
    if fn is None:
        raise ValueError("gate_backward: the node is a leaf; it has no gate")
    if is_freed(node):
        raise RuntimeError(FREED_MESSAGE.format(what="gate_backward"))
    previous = GradMode.enabled, GradMode.create_graph
    GradMode.enabled = GradMode.create_graph = False
    try:
        ctx = node._ctx
        if ctx is None:  # a Scalar is its own gate context
            results = fn.backward(node, upstream)
        else:
            ctx._node = node
            try:
                results = fn.backward(ctx, upstream)
            finally:
                ctx._node = None
    finally:
        GradMode.enabled, GradMode.create_graph = previous
    if results.__class__ is not tuple:
        results = (results,)
    downstream = []
    for index, (parent, result) in enumerate(zip(parents(node), results)):
        if parent is None or result is None or not parent.requires_grad:
            downstream.append(None)
        elif parent._is_array:
            downstream.append(sum_to_shape(np.asarray(result), parent, fn, index))
        else:
            downstream.append(float(result))
    return tuple(downstream)


def local_gradients(node: Any) -> tuple | None:
    """d out / d input for each input of a gate whose output has one element, else None.

    For such a gate the backward pass is linear in a one-element upstream gradient, so running
    it with upstream 1 gives the local derivative itself.
    """
    data = node.data
    if node._is_array:
        if np.size(data) != 1:
            return None
        one = np.ones_like(data)
    else:
        one = 1.0
    return gate_backward(node, one)


def edge_gradients(nodes: Iterable, grads: Mapping) -> dict:
    """``{(gate output node, input index): gradient sent along that edge}`` for gates in
    ``nodes`` whose upstream gradient is known in ``grads``."""
    edges = {}
    for node in nodes:
        if node._fn is None:
            continue
        upstream = grads.get(node)
        if upstream is None:
            continue
        for index, grad in enumerate(gate_backward(node, raw_value(upstream))):
            if grad is not None:
                edges[node, index] = grad
    return edges


def stored_gradients(nodes: Iterable) -> dict:
    """The gradients the nodes keep in ``.grad`` (raw values; None where there is none)."""
    return {node: _plain(node, raw_value(node.grad)) for node in nodes}


def resolve_gradients(root: Any, nodes: list, grads: Any, freed: bool | None = None) -> tuple:
    """The gradients to draw for ``nodes``: ``(mapping, source)``, source being "computed",
    "stored" or "given".

    ``grads`` is "auto" (computed while the graph is alive, else the stored ``.grad``),
    "compute", "stored", or a mapping node -> gradient (e.g. from ``node_gradients``).
    ``freed``: whether any gate of the graph was freed, when the caller already knows.
    """
    if isinstance(grads, Mapping):
        return {node: raw_value(grads.get(node)) for node in nodes}, "given"
    if grads not in ("auto", "compute", "stored"):
        raise ValueError(
            f"grads: expected 'auto', 'compute', 'stored' or a mapping node -> gradient, "
            f"got {grads!r}"
        )
    if grads == "stored":
        return stored_gradients(nodes), "stored"
    seedable = root.requires_grad and (not root._is_array or np.size(root.data) == 1)
    if grads == "compute" and not seedable:
        raise RuntimeError(
            "grads='compute': the root must require grad and have one element; for other "
            "roots pass grads=node_gradients(root, gradient=...)"
        )
    if seedable:
        if freed is None:
            freed = any_freed(topological_order([root]))
        if not freed:
            return _capture(root, nodes), "computed"
        if grads == "compute":
            raise RuntimeError(FREED_MESSAGE.format(what="grads='compute'"))
    return stored_gradients(nodes), "stored"


def raw_value(value: Any) -> Any:
    """The float or ndarray behind a gradient (Tensor gradients are Tensors)."""
    return raw(value)


def _plain(node: Any, grad: Any) -> Any:
    if grad is None or node._is_array:
        return grad
    return float(grad)
