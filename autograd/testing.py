"""Property tests of gradients for your own functions, gates and modules (needs hypothesis).

``check_gradients(fn, tensors(...), ...)`` runs one property test: for every example hypothesis
draws, the forward runs, backward gives gradients of the inputs' shapes and dtypes, gradcheck
agrees with central differences, the inputs are not mutated and (``second_order=True``)
gradgradcheck agrees too. ``@gradient_test(...)`` turns the same check into a pytest test.
A failure shows the minimal counterexample hypothesis found.

Install the optional dependency with ``pip install 'gategrad[testing]'``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

# isort: off
# first, so that a missing hypothesis raises the ImportError that says how to install it
from .testing_strategies import (
    DOMAINS,
    Domain,
    broadcastable_shapes,
    dims,
    domain,
    indices,
    scalars,
    shapes,
    tensors,
)

# isort: on
from hypothesis import given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from . import rng
from .engine import run_backward
from .gradcheck import _differentiable_outputs, _named_parameters, gradcheck, gradgradcheck
from .node import Node
from .scalar import Scalar
from .tensor import Tensor


def check_gradients(
    fn: Callable,
    *strategies: Any,
    arguments: Any = None,
    second_order: bool = False,
    fast_mode: bool = False,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    float64_parameters: bool = True,
    settings: hypothesis_settings | None = None,
    max_examples: int | None = None,
) -> None:
    """Property-test the gradients of ``fn`` (a function, a gate, or a module).

    ``strategies`` give ``fn``'s positional arguments, one each (a hypothesis strategy such as
    ``tensors(elements="positive")``, or a fixed value); for arguments that depend on each other
    pass ``arguments=``, one strategy of whole argument tuples, instead. A module's parameters
    are checked as inputs too, converted to float64 for the check (``float64_parameters``) and
    restored afterwards. ``settings`` defaults to the active hypothesis profile (without a
    deadline); ``max_examples`` overrides its number of examples.
    """
    name = re.sub(r"\W+", "_", getattr(fn, "__qualname__", type(fn).__name__)).strip("_")
    if isinstance(fn, type):
        fn = fn.apply  # a gate class
    if arguments is None:
        arguments = st.tuples(*(s if isinstance(s, st.SearchStrategy) else st.just(s)
                                for s in strategies))
    elif strategies:
        raise TypeError("check_gradients: pass argument strategies or arguments=, not both")
    config = settings if settings is not None else hypothesis_settings(deadline=None)
    if max_examples is not None:
        config = hypothesis_settings(config, max_examples=max_examples)
    options = dict(second_order=second_order, fast_mode=fast_mode, eps=eps, atol=atol, rtol=rtol)

    def gradient_property(args: tuple, data: Any) -> None:
        with _seeded_generator(data.draw(st.integers(0, 2**32 - 1), label="seed")):
            _check_example(fn, tuple(args), data, **options)

    gradient_property.__name__ = gradient_property.__qualname__ = f"check_gradients_{name}"
    test = config(given(args=arguments, data=st.data())(gradient_property))
    with _parameters_in_float64(fn) if float64_parameters else contextlib.nullcontext():
        test()


def gradient_test(*strategies: Any, **options: Any) -> Callable[[Callable], Callable]:
    """Decorator: the decorated function is the one under test; the result is a pytest test
    running ``check_gradients`` on it with these strategies and options::

        @gradient_test(tensors(elements="positive"), second_order=True)
        def test_my_log(x):
            return MyLog.apply(x)
    """

    def decorate(fn: Callable) -> Callable:
        def test() -> None:
            check_gradients(fn, *strategies, **options)

        test.__name__ = fn.__name__
        test.__qualname__ = fn.__qualname__
        test.__doc__ = fn.__doc__
        test.__module__ = fn.__module__
        test.function = fn  # type: ignore[attr-defined]
        return test

    return decorate


def _check_example(fn: Callable, args: tuple, data: Any, second_order: bool, fast_mode: bool,
                   eps: float, atol: float, rtol: float) -> None:
    """All checks for one drawn set of arguments."""
    for k, arg in enumerate(args):
        if isinstance(arg, Tensor):
            note(f"input {k}: shape {arg.shape}, dtype {arg.dtype}, strides "
                 f"{arg.data.strides}, C-contiguous {arg.data.flags.c_contiguous}")
    watched = [(f"input {k}", a) for k, a in enumerate(args) if isinstance(a, Node)]
    watched += [(label, p) for label, p in _named_parameters(fn) if isinstance(p, Node)]
    before = [np.array(node.data, copy=True) for _, node in watched]
    variables = [(label, node) for label, node in watched if node.requires_grad]
    saved_grads = [node.grad for _, node in variables]

    outputs = _differentiable_outputs("check_gradients", fn(*args))
    for j, out in enumerate(outputs):
        if variables and not out.requires_grad:
            raise AssertionError(
                f"check_gradients: output {j} does not require grad although an input does: "
                f"the function dropped the graph (or is not differentiable)"
            )
    seeds = [_seed_for(out, data) for out in outputs]
    try:
        for _, node in variables:
            node.grad = None if isinstance(node, Tensor) else 0.0
        if variables:
            run_backward(outputs, [seed.data for seed in seeds])
        for label, node in variables:
            _check_gradient_type(label, node)
    finally:
        for (_, node), grad in zip(variables, saved_grads):
            node.grad = grad
    _check_not_mutated(watched, before, "forward and backward")
    if variables:
        gradcheck(fn, args, eps=eps, atol=atol, rtol=rtol, fast_mode=fast_mode)
        if second_order:
            gradgradcheck(fn, args, grad_outputs=seeds, eps=eps, atol=atol, rtol=rtol,
                          fast_mode=fast_mode)
    _check_not_mutated(watched, before, "gradcheck's repeated calls")


def _seed_for(out: Node, data: Any) -> Node:
    """A random upstream gradient for ``out`` (requires grad, for second derivatives)."""
    values = st.floats(-1, 1, allow_nan=False, allow_subnormal=False)
    if isinstance(out, Scalar):
        return Scalar(data.draw(values, label="grad_output"))
    array = data.draw(hnp.arrays(np.float64, out.shape, elements=values), label="grad_output")
    return Tensor._from_raw(array.astype(out.dtype), requires_grad=True)


def _check_gradient_type(label: str, node: Node) -> None:
    grad = node.grad
    if isinstance(node, Scalar):
        if not isinstance(grad, float):
            raise AssertionError(f"check_gradients: the gradient of {label} (a Scalar) is a "
                                 f"{type(grad).__name__}, expected a float")
        return
    if grad is None:
        return  # no gradient reached this input; gradcheck decides whether one should have
    if not isinstance(grad, Tensor) or grad.shape != node.shape or grad.dtype != node.dtype:
        got = (f"shape {grad.shape} and dtype {grad.dtype}" if isinstance(grad, Tensor)
               else type(grad).__name__)
        raise AssertionError(
            f"check_gradients: the gradient of {label} has {got}; expected shape "
            f"{node.shape} and dtype {node.dtype}"
        )


def _check_not_mutated(watched: list, before: list, during: str) -> None:
    for (label, node), value in zip(watched, before):
        now = np.asarray(node.data)
        if now.shape != value.shape or not np.array_equal(now, value, equal_nan=True):
            raise AssertionError(
                f"check_gradients: {label} (shape {value.shape}) was changed during {during}; "
                f"functions must not modify their inputs"
            )


@contextlib.contextmanager
def _seeded_generator(seed: int) -> Iterator[None]:
    """Run with gategrad's random generator seeded (fast mode's projections, dropout...),
    so that every example hypothesis replays behaves the same."""
    previous = rng._Generator.current
    rng._Generator.current = np.random.default_rng(seed)
    try:
        yield
    finally:
        rng._Generator.current = previous


@contextlib.contextmanager
def _parameters_in_float64(fn: Any) -> Iterator[None]:
    """A module's floating-point parameters hold float64 copies during the check."""
    parameters = [p for _, p in _named_parameters(fn)
                  if isinstance(p, Tensor) and p.dtype.kind == "f" and p.dtype != np.float64]
    originals = [(p.data, p.grad) for p in parameters]
    for p in parameters:
        p.data = p.data.astype(np.float64)
        p.grad = None
    try:
        yield
    finally:
        for p, (data, grad) in zip(parameters, originals):
            p.data, p.grad = data, grad


__all__ = [
    "DOMAINS", "Domain", "broadcastable_shapes", "check_gradients", "dims", "domain",
    "gradient_test", "indices", "scalars", "shapes", "tensors",
]
