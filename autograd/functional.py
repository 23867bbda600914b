"""Functional higher-order API with PyTorch's signatures: grad, jacobian, hessian, vjp, jvp, hvp.

All are built on the one engine walk (``run_backward`` with ``capture``); second and higher
derivatives come from ``create_graph=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .engine import run_backward
from .node import Node, raw

UNUSED_INPUT_MESSAGE = (
    "The differentiated Tensor at index {index} appears to not have been used in the graph. "
    "Set allow_unused=True if this is the desired behavior."
)
STRATEGIES = ("forward-mode", "reverse-mode")


def _as_list(values: Any) -> tuple[list, bool]:
    """(list of values, whether a single value was given)."""
    if isinstance(values, (list, tuple)):
        return list(values), False
    return [values], True


def _seed(output: Node, grad_output: Any, create_graph: bool) -> Any:
    if grad_output is None:
        return output._seed(None, create_graph)
    if isinstance(grad_output, Node) and create_graph:
        return grad_output
    return output._seed(raw(grad_output), create_graph)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple:
    """Gradients of ``outputs`` with respect to ``inputs`` (a tuple, one per input), without
    touching any ``.grad``. With ``create_graph=True`` the result is itself differentiable."""
    outputs, _ = _as_list(outputs)
    inputs, _ = _as_list(inputs)
    grad_outputs = [None] * len(outputs) if grad_outputs is None else _as_list(grad_outputs)[0]
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"grad requires grad_outputs to have the same length as outputs: got "
            f"{len(grad_outputs)} and {len(outputs)}"
        )
    for index, node in enumerate(inputs):
        if not isinstance(node, Node) or not node.requires_grad:
            raise RuntimeError(
                f"One of the differentiated Tensors does not require grad (input {index})"
            )
    for index, node in enumerate(outputs):
        if not isinstance(node, Node) or not node.requires_grad:
            raise RuntimeError(
                f"element {index} of tensors does not require grad and does not have a grad_fn"
            )
    seeds = [_seed(out, g, create_graph) for out, g in zip(outputs, grad_outputs)]
    if retain_graph is None:
        retain_graph = create_graph
    grads = run_backward(outputs, seeds, retain_graph, create_graph, capture=inputs)
    result = []
    for index, (node, value) in enumerate(zip(inputs, grads)):
        if value is None:
            if not allow_unused:
                raise RuntimeError(UNUSED_INPUT_MESSAGE.format(index=index))
            result.append(None)
        elif create_graph:
            result.append(value)
        else:
            result.append(node._kind._wrap_grad(value))
    return tuple(result)


def _prepare_inputs(inputs: Any, create_graph: bool) -> tuple[list, bool]:
    """Fresh leaves (or graph-connected aliases under create_graph) that require grad."""
    values, single = _as_list(inputs)
    prepared = []
    for value in values:
        if not isinstance(value, Node):
            raise TypeError(f"expected Tensors or Scalars as inputs, got {type(value).__name__}")
        if create_graph and value.requires_grad:
            prepared.append(value * 1)  # stays connected to the caller's graph
        else:
            prepared.append(value.detach().requires_grad_(True))
    return prepared, single


def _zeros_for(node: Node) -> Any:
    if node._is_array:
        from .tensor import Tensor

        return Tensor._from_raw(np.zeros_like(node.data))
    return 0.0


def _call(func: Callable, inputs: list) -> tuple[list, bool]:
    return _as_list(func(*inputs))


def _grads_or_zeros(outputs: list, inputs: list, grad_outputs: list, create_graph: bool) -> list:
    differentiable = [i for i, out in enumerate(outputs) if out.requires_grad]
    if not differentiable:
        return [_zeros_for(node) for node in inputs]
    grads = grad(
        [outputs[i] for i in differentiable],
        inputs,
        [grad_outputs[i] for i in differentiable],
        retain_graph=True,
        create_graph=create_graph,
        allow_unused=True,
    )
    return [_zeros_for(node) if g is None else g for node, g in zip(inputs, grads)]


def _pack(values: list, single: bool) -> Any:
    return values[0] if single else tuple(values)


def vjp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), v^T J): the vector-Jacobian product at ``inputs``."""
    inputs_list, single_in = _prepare_inputs(inputs, create_graph)
    outputs, single_out = _call(func, inputs_list)
    vs = [None] * len(outputs) if v is None else _as_list(v)[0]
    grads = _grads_or_zeros(outputs, inputs_list, vs, create_graph)
    return _pack(_detached(outputs, create_graph), single_out), _pack(grads, single_in)


def jvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), J v): the Jacobian-vector product, by the double-vjp trick
    (J v = d/du [u^T J] v, since u^T J is linear in u)."""
    inputs_list, single_in = _prepare_inputs(inputs, True)
    outputs, single_out = _call(func, inputs_list)
    if v is None:
        if any(node.data.size != 1 for node in inputs_list if node._is_array):
            raise RuntimeError("jvp: v can only be omitted when the inputs have a single element")
        vs = [None] * len(inputs_list)
    else:
        vs = _as_list(v)[0]
    dummies = [_zeros_for(out) for out in outputs]
    dummies = [d.requires_grad_(True) if isinstance(d, Node) else _dummy_scalar() for d in dummies]
    transposed = _grads_or_zeros(outputs, inputs_list, dummies, True)
    pairs = [(t, u) for t, u in zip(transposed, vs) if isinstance(t, Node) and t.requires_grad]
    if pairs:
        result = grad([t for t, _ in pairs], dummies, [u for _, u in pairs],
                      create_graph=create_graph, allow_unused=True)
        result = [_zeros_for(out) if r is None else r for out, r in zip(outputs, result)]
    else:
        result = [_zeros_for(out) for out in outputs]
    return _pack(_detached(outputs, create_graph), single_out), _pack(result, single_out)


def _dummy_scalar() -> Node:
    from .scalar import Scalar

    return Scalar(0.0, requires_grad=True)


def _detached(outputs: list, create_graph: bool) -> list:
    return outputs if create_graph else [out.detach() for out in outputs]


def _check_strategy(strategy: str, argument: str) -> None:
    if strategy not in STRATEGIES:
        raise ValueError(f'Expected {argument} to be either "forward-mode" or "reverse-mode", '
                         f"got {strategy!r}")


def jacobian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``: for one input and one output a tensor of shape
    output.shape + input.shape; tuples of those for several (outputs outer, inputs inner).

    Computed row by row with reverse mode whatever ``strategy`` says (the result is the same;
    gategrad has no forward-mode AD)."""
    _check_strategy(strategy, "strategy")
    inputs_list, single_in = _prepare_inputs(inputs, create_graph)
    outputs, single_out = _call(func, inputs_list)
    rows = [_jacobian_of(out, inputs_list, create_graph) for out in outputs]
    if single_in:
        rows = [row[0] for row in rows]
    else:
        rows = [tuple(row) for row in rows]
    return rows[0] if single_out else tuple(rows)


def _jacobian_of(output: Node, inputs: list, create_graph: bool) -> list:
    """One output's Jacobian blocks, one per input, by one backward pass per output element."""
    out_shape = output.data.shape if output._is_array else ()
    n = int(np.prod(out_shape))
    rows_per_input: list[list] = [[] for _ in inputs]
    for k in range(n):
        if output.requires_grad:
            if output._is_array:
                onehot = np.zeros(n, dtype=output.data.dtype)
                onehot[k] = 1
                seed: Any = onehot.reshape(out_shape)
            else:
                seed = 1.0
            grads = grad(output, inputs, seed, retain_graph=True, create_graph=create_graph,
                         allow_unused=True)
        else:
            grads = (None,) * len(inputs)
        for i, (node, g) in enumerate(zip(inputs, grads)):
            rows_per_input[i].append(_zeros_for(node) if g is None else g)
    return [
        _stack_rows(rows, out_shape, node, create_graph)
        for node, rows in zip(inputs, rows_per_input)
    ]


def _stack_rows(rows: list, out_shape: tuple, node: Node, create_graph: bool) -> Any:
    """Stack per-output-element gradient rows into a block of shape out_shape + in_shape."""
    from .ops.shape import ScatterAdd
    from .tensor import Tensor

    if not node._is_array and not out_shape:
        return rows[0]
    in_shape = node.data.shape if node._is_array else ()
    full_shape = (len(rows),) + in_shape
    if create_graph and any(isinstance(row, Node) and row.requires_grad for row in rows):
        total = None
        for k, row in enumerate(rows):
            row = row if isinstance(row, Node) else Tensor._from_raw(np.asarray(row))
            placed = ScatterAdd.apply(row, full_shape, k)  # differentiable: backward is row[k]
            total = placed if total is None else total + placed
        return total.reshape(out_shape + in_shape)
    stacked = np.stack([np.asarray(raw(row)) for row in rows])
    return Tensor._from_raw(stacked.reshape(out_shape + in_shape))


def hessian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar-valued ``func`` at ``inputs``: shape input.shape + input.shape
    for one input; a tuple of tuples of blocks for several (reverse over reverse mode)."""
    _check_strategy(outer_jacobian_strategy, "outer_jacobian_strategy")
    inputs_list, single_in = _prepare_inputs(inputs, create_graph)

    def gradient(*values: Any) -> Any:
        output = func(*values)
        if output._is_array and output.data.size != 1:
            raise RuntimeError(
                f"hessian: the function must return a single-element tensor, got shape "
                f"{output.data.shape}"
            )
        grads = _grads_or_zeros([output], list(values), [None], True)
        return grads[0] if single_in else tuple(grads)

    return jacobian(gradient, inputs_list[0] if single_in else tuple(inputs_list),
                    create_graph=create_graph)


def hvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), H v): the Hessian-vector product of a scalar ``func``, by differentiating
    the gradient's inner product with v (one double-backward pass, no Hessian built)."""
    inputs_list, single_in = _prepare_inputs(inputs, True)
    output = func(*inputs_list)
    vs = _as_list(v)[0] if v is not None else [None] * len(inputs_list)
    grads = _grads_or_zeros([output], inputs_list, [None], True)
    inner = None
    for g, u in zip(grads, vs):
        if not (isinstance(g, Node) and g.requires_grad):
            continue
        term = (g * (1.0 if u is None else u)).sum() if g._is_array else g * (
            1.0 if u is None else u)
        inner = term if inner is None else inner + term
    if inner is None:
        result = [_zeros_for(node) for node in inputs_list]
    else:
        result = _grads_or_zeros([inner], inputs_list, [None], create_graph)
    out = output if create_graph else output.detach()
    return out, _pack(result, single_in)
