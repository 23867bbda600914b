"""Texts for pictures: numbers, array statistics, gate labels (symbols with folded constants)."""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np

from ..engine import parents

RED = "#d62728"  # gradients are drawn in red, forward values in black (lecture style)
GREY = "#8c8c8c"


def number(x: Any) -> str:
    """A number in at most 4 significant digits: -12, 0.7311, 1.2e-07, nan."""
    x = float(x)
    if x == 0:
        return "0"  # also -0.0
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.4g}"


def constant(x: Any) -> str:
    """A constant operand as written: up to 6 significant digits (1.0001, 0.001, -1)."""
    x = float(x)
    return "0" if x == 0 else f"{x:.6g}"


def is_single(value: Any) -> bool:
    """True for a python number or an array with one element."""
    return np.size(value) == 1


def shape_text(array: Any) -> str:
    array = np.asarray(array)
    return f"{array.dtype} {list(array.shape)}"


def value_stats(array: Any) -> list:
    """Two short lines about an array's values: mean/std and min/max (finite ones only)."""
    array = np.asarray(array)
    if array.size == 0:
        return ["empty"]
    if array.dtype == bool:
        return [f"true {int(array.sum())}/{array.size}"]
    values = array.astype(np.float64)
    finite = values[np.isfinite(values)]
    lines = []
    bad = values.size - finite.size
    if finite.size:
        lines.append(f"mean {number(finite.mean())}  std {number(finite.std())}")
        lines.append(f"min {number(finite.min())}  max {number(finite.max())}")
    if bad:
        lines.append(f"{bad} nan/inf")
    return lines


def grad_stats(array: Any) -> list:
    """Two short lines about a gradient array: mean/std and L2 norm/max |g|."""
    values = np.asarray(array, dtype=np.float64)
    if values.size == 0:
        return ["empty"]
    finite = values[np.isfinite(values)]
    lines = []
    bad = values.size - finite.size
    if finite.size:
        lines.append(f"mean {number(finite.mean())}  std {number(finite.std())}")
        norm = np.sqrt(np.sum(finite * finite))
        lines.append(f"norm {number(norm)}  max|g| {number(np.abs(finite).max())}")
    if bad:
        lines.append(f"{bad} nan/inf")
    return lines


def escape(text: str) -> str:
    """Text made safe for graphviz HTML-like labels."""
    return html.escape(str(text), quote=False)


def short_repr(value: Any, limit: int = 40) -> str:
    """A compact text for a non-node gate argument (number, axes, shape, index, dtype)."""
    text = _short(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _short(value: Any) -> str:
    if value is None:
        return "None"
    if value is Ellipsis:
        return "..."
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        return number(value)
    if isinstance(value, slice):
        parts = ["" if v is None else str(v) for v in (value.start, value.stop, value.step)]
        return ":".join(parts[:2] if value.step is None else parts)
    if isinstance(value, tuple):
        inner = ", ".join(_short(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    if isinstance(value, np.ndarray):
        if value.size <= 6 and value.ndim <= 1:
            return "[" + ", ".join(_short(v) for v in value.tolist()) + "]"
        return f"array{list(value.shape)}"
    if isinstance(value, np.dtype) or isinstance(value, type):
        return str(np.dtype(value)) if _is_dtype(value) else getattr(value, "__name__", str(value))
    return type(value).__name__


def _is_dtype(value: Any) -> bool:
    try:
        np.dtype(value)
    except TypeError:
        return False
    return True


def is_folded_constant(node: Any) -> bool:
    """A Scalar constant (a python number in an expression): drawn inside its gate's symbol."""
    return node is not None and not node._is_array and node._fn is None and not node.requires_grad


def scalar_gate_text(node: Any) -> str:
    """The lecture's gate symbol, with a constant operand folded in: +1, *-1, 1/x, **2."""
    fn = node._fn
    inputs = parents(node)
    symbol = fn.symbol or fn.name
    if len(inputs) != 2:
        return symbol
    a, b = inputs
    if is_folded_constant(b) and not is_folded_constant(a):
        c, constant_first = b.data, False
    elif is_folded_constant(a) and not is_folded_constant(b):
        c, constant_first = a.data, True
    else:
        return symbol
    text = constant(c)
    name = fn.__name__
    if name in ("Add", "Mul"):
        return f"{symbol}{text}"
    if name in ("Sub", "Div", "Pow"):
        if constant_first:
            return f"{text}{symbol}x"
        return f"{symbol}{text}"
    return f"{symbol}(·, {text})" if not constant_first else f"{symbol}({text}, ·)"


def tensor_gate_text(node: Any) -> str:
    """A Tensor gate named by its operation, with its non-tensor arguments: sum(·, (1,), False)."""
    fn = node._fn
    ctx = node._ctx
    args = getattr(ctx, "_args", None)
    inputs = parents(node)
    if not args or all(p is not None for p in inputs) and len(args) == len(inputs):
        return fn.name
    shown = []
    for index, arg in enumerate(args):
        is_node = index < len(inputs) and inputs[index] is not None
        shown.append("·" if is_node else short_repr(arg, 24))
    return f"{fn.name}({', '.join(shown)})"


def gate_text(node: Any) -> str:
    return tensor_gate_text(node) if node._is_array else scalar_gate_text(node)
