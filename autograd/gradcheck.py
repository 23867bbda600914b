"""Numerical gradient checks: backward's derivatives against central differences.

``gradcheck`` compares, for every output and every input that requires grad, the Jacobian that
backward computes (one backward pass per output element) with central differences
``(f(x + eps) - f(x - eps)) / 2 eps`` (two forward passes per input element).
``gradgradcheck`` does the same for the first derivatives themselves (computed with
``create_graph=True``), which checks second derivatives.

``func`` may be a function of Tensors or Scalars, a gate (a ``Function`` subclass or its
``apply``) or a module: any callable with ``named_parameters()`` or ``parameters()``, whose
parameters are then checked as inputs too.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .function import Function
from .functional import grad
from .node import Node, raw
from .rng import generator
from .scalar import Scalar
from .tensor import Tensor


class GradcheckError(RuntimeError):
    """Analytical and numerical derivatives differ (or backward returned a malformed gradient).

    Attributes: ``output`` and ``input`` (labels of the pair that failed), ``numerical`` and
    ``analytical`` (the two Jacobians of that pair, rows = output elements, columns = input
    elements; None when the failure is not a value mismatch).
    """

    def __init__(self, message: str, output: str = "", input: str = "",  # noqa: A002
                 numerical: np.ndarray | None = None,
                 analytical: np.ndarray | None = None) -> None:
        super().__init__(message)
        self.output = output
        self.input = input
        self.numerical = numerical
        self.analytical = analytical


def gradcheck(
    func: Callable,
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    fast_mode: bool = False,
) -> bool:
    """Check the gradients of ``func(*inputs)`` against central differences.

    An analytical entry ``a`` passes against its numerical entry ``n`` when
    ``|a - n| <= atol + rtol * |n|``. Returns True, or raises ``GradcheckError`` naming the
    output, the input, the worst element and both values (returns False instead when
    ``raise_exception=False``). ``fast_mode`` compares random projections ``v^T J u`` per
    (output, input) pair instead of whole Jacobians; pairs whose projections disagree are then
    checked in full, which decides and gives the element-wise report.
    Use float64 inputs: float32 is too coarse for central differences.
    """
    problem = _Problem.from_call("gradcheck", func, inputs)
    return _check(problem, eps, atol, rtol, raise_exception, fast_mode)


def gradgradcheck(
    func: Callable,
    inputs: Any,
    grad_outputs: Any = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    fast_mode: bool = False,
) -> bool:
    """Check second derivatives of ``func(*inputs)``: gradcheck of the map
    ``(inputs, grad_outputs) -> d(sum(outputs * grad_outputs))/d(inputs)`` computed by
    ``backward(create_graph=True)``.

    ``grad_outputs`` (one per output that requires grad) default to random normal tensors that
    require grad, so the derivatives with respect to them are checked too.
    """
    problem = _Problem.from_call("gradgradcheck", func, inputs)
    second = problem.first_derivatives(grad_outputs)
    return _check(second, eps, atol, rtol, raise_exception, fast_mode)


# ---- the function under test --------------------------------------------------------------


class _Problem:
    """A function of no arguments plus the nodes to differentiate it with respect to.

    The function reads the variables' current ``.data``, so perturbing ``.data`` perturbs it.
    """

    def __init__(self, name: str, evaluate: Callable[[], list], variables: list,
                 labels: list, output_label: Callable[[int], str]) -> None:
        self.name = name
        self.evaluate = evaluate
        self.variables = variables
        self.labels = labels
        self.output_label = output_label

    @classmethod
    def from_call(cls, name: str, func: Callable, inputs: Any) -> _Problem:
        if isinstance(func, type) and issubclass(func, Function):
            func = func.apply
        if not callable(func):
            raise TypeError(f"{name}: expected a callable, got {type(func).__name__}")
        args = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
        candidates = [(f"input {k}", arg) for k, arg in enumerate(args)]
        candidates += _named_parameters(func)
        variables: list = []
        labels: list = []
        for label, node in candidates:
            if isinstance(node, Node) and node.requires_grad and not _contains(variables, node):
                variables.append(node)
                labels.append(label)
        if not variables:
            raise ValueError(
                f"{name}: no input requires grad, so there is nothing to check; pass Tensors or "
                f"Scalars created with requires_grad=True"
            )
        _check_dtypes(name, variables, labels)

        def evaluate() -> list:
            return _differentiable_outputs(name, func(*args))

        return cls(name, evaluate, variables, labels, lambda j: f"output {j}")

    def first_derivatives(self, grad_outputs: Any) -> _Problem:
        """The problem whose outputs are the gradients of this one's outputs (create_graph)."""
        outputs = [out for out in self.evaluate() if out.requires_grad]
        if not outputs:
            raise ValueError(f"{self.name}: no output requires grad")
        seeds = _grad_outputs(self.name, outputs, grad_outputs)
        variables = self.variables

        def evaluate() -> list:
            roots = [out for out in self.evaluate() if out.requires_grad]
            if len(roots) != len(seeds):
                raise RuntimeError(f"{self.name}: the function's outputs changed between calls")
            grads = grad(roots, variables, seeds, retain_graph=True, create_graph=True,
                         allow_unused=True)
            return [_as_node(grad, node) for grad, node in zip(grads, variables)]

        extra = [(f"grad_output {k}", s) for k, s in enumerate(seeds)
                 if isinstance(s, Node) and s.requires_grad and not _contains(variables, s)]
        _check_dtypes(self.name, [s for _, s in extra], [label for label, _ in extra])
        labels = self.labels
        return _Problem(
            self.name, evaluate, variables + [s for _, s in extra],
            labels + [label for label, _ in extra],
            lambda j: f"gradient of {labels[j]}",
        )


def _contains(nodes: list, node: Node) -> bool:
    return any(item is node for item in nodes)


def _named_parameters(func: Any) -> list:
    """Parameters of a module-like ``func`` (with ``named_parameters()`` or ``parameters()``)."""
    named = getattr(func, "named_parameters", None)
    if callable(named):
        return [(f"parameter '{name}'", p) for name, p in named()]
    plain = getattr(func, "parameters", None)
    if callable(plain):
        return [(f"parameter {k}", p) for k, p in enumerate(plain())]
    return []


def _check_dtypes(name: str, variables: list, labels: list) -> None:
    inexact = []
    for label, node in zip(labels, variables):
        if isinstance(node, Tensor):
            if node.dtype.kind == "c":
                raise TypeError(f"{name}: {label} is complex ({node.dtype}); only real inputs "
                                f"are supported")
            if node.dtype != np.float64:
                inexact.append(f"{label} ({node.dtype})")
    if inexact:
        warnings.warn(
            f"{name}: {', '.join(inexact)} requires grad but is not float64; central "
            f"differences in lower precision are too inexact for the default tolerances and the "
            f"check will likely fail. Use float64 inputs, e.g. "
            f"x.detach().to(np.float64).requires_grad_().",
            UserWarning,
            stacklevel=4,
        )


def _differentiable_outputs(name: str, result: Any) -> list:
    """The floating-point Tensor/Scalar outputs of ``result`` (a node or a tuple/list)."""
    items = result if isinstance(result, (tuple, list)) else (result,)
    outputs = [item for item in items if isinstance(item, Node)
               and (not isinstance(item, Tensor) or item.dtype.kind == "f")]
    if not outputs:
        raise TypeError(
            f"{name}: the function returned {type(result).__name__}; expected a floating-point "
            f"Tensor or Scalar (or a tuple of them)"
        )
    return outputs


def _grad_outputs(name: str, outputs: list, grad_outputs: Any) -> list:
    if grad_outputs is None:
        rng = generator()
        return [
            Scalar(float(rng.standard_normal()))
            if isinstance(out, Scalar)
            else Tensor._from_raw(rng.standard_normal(out.shape).astype(out.dtype),
                                  requires_grad=True)
            for out in outputs
        ]
    seeds = list(grad_outputs) if isinstance(grad_outputs, (tuple, list)) else [grad_outputs]
    if len(seeds) != len(outputs):
        raise ValueError(f"{name}: got {len(seeds)} grad_outputs for {len(outputs)} outputs "
                         f"that require grad")
    for k, (seed, out) in enumerate(zip(seeds, outputs)):
        if not isinstance(seed, out._kind):
            raise TypeError(f"{name}: grad_outputs[{k}] must be a {out._kind.__name__}, "
                            f"got {type(seed).__name__}")
        if np.shape(seed.data) != np.shape(out.data):
            raise ValueError(f"{name}: grad_outputs[{k}] has shape {np.shape(seed.data)} but "
                             f"output {k} has shape {np.shape(out.data)}")
    return seeds


def _as_node(value: Any, like: Node) -> Node:
    """A first derivative as an output node (zeros where no gradient arrived)."""
    if isinstance(value, Node):
        return value
    if isinstance(like, Scalar):
        return Scalar(0.0 if value is None else float(value), requires_grad=False)
    return Tensor._from_raw(np.zeros_like(like.data) if value is None else np.asarray(value))


# ---- the two Jacobians ----------------------------------------------------------------------


def _values(node: Node) -> np.ndarray:
    return np.array(node.data, dtype=np.float64).ravel()


def _analytical_rows(problem: _Problem, outputs: list, j: int, seed: np.ndarray) -> list:
    """``seed^T J`` for output ``j`` and every variable, by one backward pass."""
    out = outputs[j]
    if not out.requires_grad:
        return [None] * len(problem.variables)
    if isinstance(out, Scalar):
        seed_value = float(seed[0])
    else:
        seed_value = seed.reshape(out.shape).astype(out.dtype)
    grads = grad([out], problem.variables, [seed_value], retain_graph=True, allow_unused=True)
    rows = []
    for i, (value, node) in enumerate(zip(grads, problem.variables)):
        if value is None:
            rows.append(None)
            continue
        value = raw(value)
        if isinstance(node, Tensor):
            got = np.asarray(value)
            if got.shape != node.shape or got.dtype != node.dtype:
                raise GradcheckError(
                    f"{problem.name}: backward returned a gradient of shape {got.shape} and "
                    f"dtype {got.dtype} for {problem.labels[i]} of shape {node.shape} and dtype "
                    f"{node.dtype}", problem.output_label(j), problem.labels[i])
        rows.append(np.array(value, dtype=np.float64).ravel())
    return rows


def _analytical_jacobians(problem: _Problem, outputs: list) -> list:
    """``J[j][i]``: d output j / d variable i, shape (output size, variable size)."""
    jacobians = []
    for j, out in enumerate(outputs):
        m = np.size(out.data)
        blocks = [np.zeros((m, np.size(node.data))) for node in problem.variables]
        for k in range(m):
            seed = np.zeros(m)
            seed[k] = 1.0
            for block, row in zip(blocks, _analytical_rows(problem, outputs, j, seed)):
                if row is not None:
                    block[k] = row
        jacobians.append(blocks)
    return jacobians


def _evaluate_at(problem: _Problem, node: Node, value: Any, reference: list) -> list:
    """The outputs' values with ``node.data`` replaced by ``value`` (restored afterwards)."""
    original = node.data
    node.data = value
    try:
        outputs = problem.evaluate()
        # read before restoring: an output may be the perturbed node itself
        values = [_values(out) for out in outputs]
    finally:
        node.data = original
    if [np.shape(out.data) for out in outputs] != [np.shape(out.data) for out in reference]:
        raise RuntimeError(f"{problem.name}: the function's outputs changed shape when an input "
                           f"was perturbed")
    return values


def _moved(node: Node, delta: Any) -> Any:
    """``node.data + delta`` in the node's own dtype (a new value; the node is untouched)."""
    if isinstance(node, Scalar):
        return node.data + float(delta)
    return (node.data.astype(np.float64) + delta).astype(node.dtype)


def _numerical_jacobians(problem: _Problem, outputs: list, i: int, eps: float) -> list:
    """d output j / d variable i for every j by central differences, one element at a time.

    The step is the one actually taken in the input's dtype, ``x_plus - x_minus``.
    """
    node = problem.variables[i]
    n = np.size(node.data)
    columns = [np.zeros((np.size(out.data), n)) for out in outputs]
    for e in range(n):
        unit = np.zeros(np.shape(node.data))
        unit.flat[e] = eps
        plus, minus = _moved(node, unit), _moved(node, -unit)
        step = float(np.ravel(plus)[e]) - float(np.ravel(minus)[e])
        if step == 0.0:
            raise ValueError(f"{problem.name}: eps={eps} is too small to change "
                             f"{problem.labels[i]} ({_dtype_name(node)}) at element {e}")
        high = _evaluate_at(problem, node, plus, outputs)
        low = _evaluate_at(problem, node, minus, outputs)
        for column, f_high, f_low in zip(columns, high, low):
            column[:, e] = (f_high - f_low) / step
    return columns


def _dtype_name(node: Node) -> str:
    return str(node.dtype) if isinstance(node, Tensor) else "float"


# ---- comparison and report -----------------------------------------------------------------


def _check(problem: _Problem, eps: float, atol: float, rtol: float,
           raise_exception: bool, fast_mode: bool) -> bool:
    if not eps > 0:
        raise ValueError(f"{problem.name}: eps must be positive, got {eps}")
    try:
        if fast_mode:
            _check_projections(problem, eps, atol, rtol)
        else:
            _check_jacobians(problem, eps, atol, rtol)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _check_jacobians(problem: _Problem, eps: float, atol: float, rtol: float,
                     pairs: Sequence | None = None) -> None:
    outputs = problem.evaluate()
    analytical = _analytical_jacobians(problem, outputs)
    variables = range(len(problem.variables)) if pairs is None else sorted({i for _, i in pairs})
    for i in variables:
        numerical = _numerical_jacobians(problem, outputs, i, eps)
        for j in range(len(outputs)):
            if pairs is None or (j, i) in pairs:
                _compare(problem, outputs, j, i, numerical[j], analytical[j][i], atol, rtol)


def _compare(problem: _Problem, outputs: list, j: int, i: int, numerical: np.ndarray,
             analytical: np.ndarray, atol: float, rtol: float) -> None:
    error = np.abs(analytical - numerical)
    allowed = atol + rtol * np.abs(numerical)
    bad = ~(error <= allowed)  # NaN counts as bad
    if not bad.any():
        return
    excess = np.where(np.isnan(error), np.inf, error - allowed)
    row, column = np.unravel_index(int(np.argmax(excess)), excess.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(error == 0, 0.0, error / np.abs(numerical))
    out_index = np.unravel_index(row, np.shape(outputs[j].data))
    in_index = np.unravel_index(column, np.shape(problem.variables[i].data))
    output_label, input_label = problem.output_label(j), problem.labels[i]
    lines = [
        f"{problem.name}: Jacobian mismatch for {output_label} with respect to {input_label}",
        f"  worst element: {_element(output_label, out_index)} w.r.t. "
        f"{_element(input_label, in_index)}",
        f"    numerical:  {numerical[row, column]:.10g}",
        f"    analytical: {analytical[row, column]:.10g}",
        f"  max absolute error {_largest(error):.3g}, max relative error {_largest(relative):.3g}"
        f" ({int(bad.sum())} of {bad.size} elements outside |a - n| <= atol + rtol * |n| with "
        f"atol={atol:g}, rtol={rtol:g})",
    ]
    if numerical.size <= 64:
        with np.printoptions(precision=6, suppress=True, linewidth=100):
            lines += ["  numerical Jacobian (rows: output elements, columns: input elements):",
                      _indent(numerical), "  analytical Jacobian:", _indent(analytical)]
    raise GradcheckError("\n".join(lines), output_label, input_label, numerical, analytical)


def _largest(values: np.ndarray) -> float:
    """The maximum, NaN if any entry is NaN."""
    return float(np.max(values)) if values.size else 0.0


def _element(label: str, index: tuple) -> str:
    if not index:
        return label
    return f"{label}[{', '.join(str(int(k)) for k in index)}]"


def _indent(array: np.ndarray) -> str:
    return "\n".join("    " + line for line in str(array).splitlines())


def _unit_direction(node: Node) -> Any:
    rng = generator()
    if isinstance(node, Scalar):
        return 1.0 if rng.random() < 0.5 else -1.0
    direction = rng.standard_normal(node.shape)
    norm = np.linalg.norm(direction)
    return direction / norm if norm > 0 else direction


def _check_projections(problem: _Problem, eps: float, atol: float, rtol: float) -> None:
    """Fast mode: compare ``v_j^T J_ji u_i`` for random unit ``u_i``, ``v_j``.

    If every entry of the error ``E = A - N`` satisfied ``|E| <= atol``, then
    ``|v^T E u| <= atol * |v|_1 * |u|_1``: that is the absolute tolerance used here.
    """
    outputs = problem.evaluate()
    directions = [_unit_direction(node) for node in problem.variables]
    projections = [generator().standard_normal(np.size(out.data)) for out in outputs]
    projections = [v / np.linalg.norm(v) if np.linalg.norm(v) > 0 else v for v in projections]
    analytical = np.zeros((len(outputs), len(problem.variables)))
    for j, v in enumerate(projections):
        for i, row in enumerate(_analytical_rows(problem, outputs, j, v)):
            if row is not None:
                analytical[j, i] = row @ np.ravel(directions[i])
    failing = []
    for i, (node, u) in enumerate(zip(problem.variables, directions)):
        plus, minus = _moved(node, eps * u), _moved(node, -eps * u)
        high = _evaluate_at(problem, node, plus, outputs)
        low = _evaluate_at(problem, node, minus, outputs)
        for j, v in enumerate(projections):
            numerical = v @ (high[j] - low[j]) / (2 * eps)
            allowed = atol * np.abs(v).sum() * np.abs(np.ravel(u)).sum() + rtol * abs(numerical)
            if not abs(analytical[j, i] - numerical) <= allowed:
                failing.append((j, i))
    if failing:
        # The full Jacobians of the failing pairs decide, and give an element-wise report.
        _check_jacobians(problem, eps, atol, rtol, pairs=failing)
