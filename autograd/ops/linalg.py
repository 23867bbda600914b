"""Linear algebra gates and functions: matmul, dot, outer, einsum, inverse, det, solve."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..function import Function
from ..node import Node
from ..numpy_dispatch import register_function
from .gemm import fast_matmul
from .promotion import promote


def _swap(x: Any) -> Any:
    return np.swapaxes(x, -1, -2)


class MatMul(Function):
    """out = a @ b (1-D, 2-D and batched with broadcasting).  da = g @ b^T, db = a^T @ g.

    A 1-D left operand is a row vector and a 1-D right operand a column vector, as in numpy;
    broadcast batch dims are summed back by the engine.
    """

    symbol = "@"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        a_shape, b_shape = np.shape(a), np.shape(b)
        if len(a_shape) == 0 or len(b_shape) == 0:
            raise ValueError(
                f"matmul: both arguments must be at least 1-D, got shapes {a_shape} and {b_shape}"
            )
        k_a = a_shape[-1]
        k_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
        if k_a != k_b:
            raise ValueError(
                f"matmul: cannot multiply shapes {a_shape} and {b_shape}: "
                f"inner dimensions {k_a} and {k_b} differ"
            )
        try:
            return fast_matmul(a, b)
        except ValueError:
            raise ValueError(
                f"matmul: batch dimensions of shapes {a_shape} and {b_shape} do not broadcast"
            ) from None

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, b = ctx.inputs
        needs_a, needs_b = ctx.needs_input_grad
        if a.ndim == 1 and b.ndim == 1:
            return (grad * b if needs_a else None), (grad * a if needs_b else None)
        if a.ndim == 1:
            row = grad[..., None, :]
            da = (row @ _swap(b))[..., 0, :] if needs_a else None
            db = a[:, None] * row if needs_b else None
            return da, db
        if b.ndim == 1:
            column = grad[..., :, None]
            da = column * b if needs_a else None
            db = (_swap(a) @ column)[..., 0] if needs_b else None
            return da, db
        da = fast_matmul(grad, _swap(b)) if needs_a else None
        db = fast_matmul(_swap(a), grad) if needs_b else None
        return da, db


def _check_square(a: Any, op: str) -> None:
    shape = np.shape(a)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(
            f"{op}: expected a square matrix or a batch of them (shape (*, n, n)), got shape "
            f"{tuple(shape)}"
        )


class Inverse(Function):
    """out = a^-1 (batched).  da = -out^T @ g @ out^T."""

    symbol = "inv"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        _check_square(a, "inverse")
        try:
            return np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise ValueError(f"inverse: the matrix of shape {a.shape} is singular") from None

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        inverse_t = _swap(ctx.output)
        return -(inverse_t @ grad @ inverse_t)


class Det(Function):
    """out = det(a) (batched).  da = g * out * a^-T (needs an invertible a)."""

    symbol = "det"

    @staticmethod
    def forward(ctx: Any, a: Any) -> Any:
        _check_square(a, "det")
        return np.linalg.det(a)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (a,) = ctx.inputs
        scale = (grad * ctx.output)[..., None, None]
        return scale * _swap(Inverse.apply(a))


class Solve(Function):
    """out = x with a @ x = b (b of shape (*, n, k); batched, broadcast).
    db = solve(a^T, g), da = -db @ x^T."""

    symbol = "solve"

    @staticmethod
    def forward(ctx: Any, a: Any, b: Any) -> Any:
        _check_square(a, "solve")
        if np.ndim(b) < 2 or np.shape(b)[-2] != np.shape(a)[-1]:
            raise ValueError(
                f"solve: the right-hand side of shape {np.shape(b)} does not fit the matrix of "
                f"shape {np.shape(a)} (expected (*, {np.shape(a)[-1]}, k))"
            )
        try:
            return np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise ValueError(f"solve: the matrix of shape {np.shape(a)} is singular") from None

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        a, _ = ctx.inputs
        needs_a, _ = ctx.needs_input_grad
        db = Solve.apply(_swap(a), grad)
        da = -(db @ _swap(ctx.output)) if needs_a else None
        return da, db


class Einsum(Function):
    """out = einsum(equation, *operands), with an explicit equation without '...'.

    The gradient of operand k is the einsum of g with the other operands, producing k's
    subscripts: repeated subscripts of k (a diagonal) get an identity operand, and subscripts
    that only k has (summed out) get a ones operand, which broadcasts g over them.
    """

    symbol = "einsum"

    @staticmethod
    def forward(ctx: Any, equation: str, *operands: Any) -> Any:
        return _einsum(equation, *operands)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> tuple:
        equation, *operands = ctx.inputs
        needs = ctx.needs_input_grad[1:]
        lhs, output = equation.split("->")
        inputs = lhs.split(",")
        spare = iter(c for c in _LETTERS if c not in equation)
        dtype = _raw(grad).dtype
        grads: list = [None]
        for k, (subscripts, operand) in enumerate(zip(inputs, operands)):
            if not needs[k]:
                grads.append(None)
                continue
            others = [(s, o) for i, (s, o) in enumerate(zip(inputs, operands)) if i != k]
            present = set(output).union(*(set(s) for s, _ in others))
            target, extras = [], []
            for position, letter in enumerate(subscripts):
                size = operand.shape[position]
                if letter in target:  # a repeated subscript: tie a new letter to it by eye(n)
                    fresh = next(spare)
                    extras.append((letter + fresh, np.eye(size, dtype=dtype)))
                    target.append(fresh)
                    continue
                if letter not in present:  # summed out in k alone: g is constant along it
                    extras.append((letter, np.ones(size, dtype=dtype)))
                target.append(letter)
            terms = [output] + [s for s, _ in others] + [s for s, _ in extras]
            backward_equation = ",".join(terms) + "->" + "".join(target)
            values = [grad] + [o for _, o in others] + [e for _, e in extras]
            grads.append(_einsum(backward_equation, *values))
        return tuple(grads)


# Without a contraction path np.einsum runs one loop over every combination of the subscripts'
# values; with ``optimize`` it contracts pairwise through BLAS (a 256 x 256 matrix product: 5x
# faster, three 128 x 128 matrices: 1,400x). Finding the path costs about 10 us, so it is used
# only when the loop would be longer than that.
_OPTIMIZE_FROM = 2**17  # loop iterations


def _einsum(equation: str, *operands: Any) -> Any:
    """np.einsum of raw arrays, with a contraction path when the plain loop would be long;
    graph nodes (a backward formula under ``create_graph``) go through the Einsum gate."""
    if all(o.__class__ is np.ndarray for o in operands) and (
            einsum_loop_length(equation, operands) >= _OPTIMIZE_FROM):
        return np.einsum(equation, *operands, optimize=True)
    return np.einsum(equation, *operands)


def einsum_loop_length(equation: str, operands: tuple) -> int:
    """How many iterations np.einsum's plain loop makes: the product of every subscript's size
    (an explicit equation)."""
    sizes: dict = {}
    for subscripts, operand in zip(equation.split("->")[0].split(","), operands):
        for letter, size in zip(subscripts, np.shape(operand)):
            sizes[letter] = max(sizes.get(letter, 1), size)
    return math.prod(sizes.values())


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def explicit_equation(equation: str, shapes: list) -> str:
    """``equation`` with '...' replaced by letters and the output written out (implicit mode:
    the broadcast dims, then the letters used once, in alphabetical order)."""
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(shapes):
        raise ValueError(
            f"einsum: the equation {equation!r} has {len(inputs)} operand(s) but "
            f"{len(shapes)} were given"
        )
    free = [c for c in _LETTERS if c not in equation]
    broadcast = max([len(s) - len(sub.replace("...", "")) for sub, s in zip(inputs, shapes)
                     if "..." in sub] or [0])
    dots = "".join(free[:max(broadcast, 0)])
    explicit = []
    for i, (sub, shape) in enumerate(zip(inputs, shapes)):
        if "..." in sub:
            count = len(shape) - len(sub.replace("...", ""))
            sub = sub.replace("...", dots[len(dots) - count:] if count > 0 else "")
        if len(sub) != len(shape) or not all(c in _LETTERS for c in sub):
            raise ValueError(
                f"einsum: subscripts {inputs[i]!r} of operand {i} do not match its shape "
                f"{tuple(shape)}"
            )
        explicit.append(sub)
    if arrow:
        output = rhs.replace("...", dots)
    else:
        letters = "".join(s.replace("...", "") for s in lhs.split(","))
        output = dots + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return ",".join(explicit) + "->" + output


# ---- user-facing functions (also Tensor methods where PyTorch has them) ---------------------


def einsum(equation: str, *operands: Any) -> Any:
    """Einstein summation (numpy's and PyTorch's subscripts, '...' and implicit output
    included); differentiable in every operand."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    shapes = [np.shape(_raw(o)) for o in operands]
    explicit = explicit_equation(equation, shapes)
    return Einsum.apply(explicit, *promote(*operands))


def dot(input: Any, other: Any) -> Any:
    """Inner product of two 1-D tensors of the same length."""
    if input.ndim != 1 or np.ndim(_raw(other)) != 1 or input.shape != np.shape(_raw(other)):
        raise ValueError(
            f"dot: expected two 1-D tensors of the same length, got shapes {tuple(input.shape)} "
            f"and {np.shape(_raw(other))}"
        )
    return MatMul.apply(*promote(input, other))


def outer(input: Any, vec2: Any) -> Any:
    """Outer product of two 1-D tensors: out[i, j] = input[i] * vec2[j]."""
    if input.ndim != 1 or np.ndim(_raw(vec2)) != 1:
        raise ValueError(
            f"outer: expected two 1-D tensors, got shapes {tuple(input.shape)} and "
            f"{np.shape(_raw(vec2))}"
        )
    return input.reshape(-1, 1) * vec2.reshape(1, -1)


def inverse(input: Any) -> Any:
    """The inverse of a square matrix (or of each in a batch)."""
    return Inverse.apply(input)


def det(input: Any) -> Any:
    """The determinant of a square matrix (or of each in a batch). Its gradient needs the
    matrix to be invertible."""
    return Det.apply(input)


def solve(A: Any, B: Any, *, left: bool = True) -> Any:
    """X with A @ X = B (PyTorch's linalg.solve): B of shape (*, n) is a (batch of) vector(s)
    when it is 1-D or has A's batch shape; otherwise B is (*, n, k). Batches broadcast."""
    if not left:
        raise NotImplementedError("solve: left=False is not supported")
    a_shape, b_shape = np.shape(_raw(A)), np.shape(_raw(B))
    vector = len(b_shape) == 1 or (len(b_shape) == len(a_shape) - 1
                                   and b_shape == a_shape[:-1])
    A, B = promote(A, B)
    if vector:
        return Solve.apply(A, B[..., None])[..., 0]
    return Solve.apply(A, B)


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Node) else x


register_function(np.einsum, lambda subscripts, *operands, **kwargs: einsum(subscripts,
                                                                            *operands))
register_function(np.outer, lambda a, b: outer(a, b))
register_function(np.linalg.inv, inverse)
register_function(np.linalg.det, det)
register_function(np.linalg.solve, lambda a, b: Solve.apply(*promote(a, b))
                  if np.ndim(_raw(b)) > 1 else Solve.apply(*promote(a, b[:, None]))[:, 0])
