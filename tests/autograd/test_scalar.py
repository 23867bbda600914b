"""Scalar: python floats on the same engine."""

import math

import pytest
from custom_gates import Cube
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag

finite = st.floats(-3, 3, allow_nan=False)
positive = st.floats(0.2, 3)


def central(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


UNARY = {
    "exp": (lambda s: s.exp(), math.exp, finite),
    "log": (lambda s: s.log(), math.log, positive),
    "tanh": (lambda s: s.tanh(), math.tanh, finite),
    "sigmoid": (lambda s: s.sigmoid(), lambda v: 1 / (1 + math.exp(-v)), finite),
    "relu": (lambda s: s.relu(), lambda v: max(v, 0.0), finite.filter(lambda v: abs(v) > 1e-3)),
    "abs": (lambda s: s.abs(), abs, finite.filter(lambda v: abs(v) > 1e-3)),
    "neg": (lambda s: -s, lambda v: -v, finite),
    "sqrt": (lambda s: s.sqrt(), math.sqrt, positive),
    "pow_number": (lambda s: s**3, lambda v: v**3, finite),
    "rpow": (lambda s: 2**s, lambda v: 2**v, finite),
    "rsub": (lambda s: 1 - s, lambda v: 1 - v, finite),
    "rdiv": (lambda s: 1 / s, lambda v: 1 / v, positive),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(value=st.data())
def test_unary_value_and_gradient(name, value):
    f_scalar, f_float, elements = UNARY[name]
    v = value.draw(elements)
    x = ag.Scalar(v)
    y = f_scalar(x)
    assert isinstance(y, ag.Scalar) and isinstance(y.data, float)
    assert y.data == pytest.approx(f_float(v), rel=1e-12)
    y.backward()
    assert isinstance(x.grad, float)
    assert x.grad == pytest.approx(central(f_float, v), rel=1e-5, abs=1e-6)


BINARY = {
    "add": (lambda a, b: a + b, finite, finite),
    "sub": (lambda a, b: a - b, finite, finite),
    "mul": (lambda a, b: a * b, finite, finite),
    "div": (lambda a, b: a / b, finite, positive),
    "pow": (lambda a, b: a**b, positive, finite),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_value_and_gradients(name, data):
    f, left, right = BINARY[name]
    a_value, b_value = data.draw(left), data.draw(right)
    a, b = ag.Scalar(a_value), ag.Scalar(b_value)
    out = f(a, b)
    assert out.data == pytest.approx(f(a_value, b_value), rel=1e-12)
    out.backward()
    assert a.grad == pytest.approx(central(lambda v: f(v, b_value), a_value), rel=1e-5, abs=1e-6)
    assert b.grad == pytest.approx(central(lambda v: f(a_value, v), b_value), rel=1e-5, abs=1e-6)


def test_reflected_operators_with_numbers():
    x = ag.Scalar(2.0)
    y = 3 + x * 2 - 1 / x + 2**x
    y.backward()
    assert y.data == pytest.approx(3 + 4 - 0.5 + 4)
    assert x.grad == pytest.approx(2 + 1 / 4 + 4 * math.log(2))


def test_maximum_minimum_route():
    a, b = ag.Scalar(1.0), ag.Scalar(4.0)
    (ag.maximum(a, b) + 2 * ag.minimum(a, b)).backward()
    assert (a.grad, b.grad) == (2.0, 1.0)
    c = ag.Scalar(3.0)
    ag.maximum(c, 0.0).backward()
    assert c.grad == 1.0


def test_second_derivative_on_scalars():
    x = ag.Scalar(0.5)
    y = x.tanh()
    (g,) = ag.grad(y, x, create_graph=True)
    (h,) = ag.grad(g, x)
    t = math.tanh(0.5)
    assert g.data == pytest.approx(1 - t * t)
    assert h == pytest.approx(-2 * t * (1 - t * t))


def test_constants_do_not_require_grad_and_get_no_grad():
    x = ag.Scalar(2.0)
    c = ag.Scalar(5.0, requires_grad=False)
    (x * c).backward()
    assert x.grad == 5.0 and c.grad == 0.0


def test_no_grad_records_nothing_for_scalars():
    x = ag.Scalar(2.0)
    with ag.no_grad():
        y = x * 3
    assert not y.requires_grad and y.is_leaf


def test_hooks_and_comparisons_on_scalars():
    x = ag.Scalar(2.0)
    y = x * 3
    y.register_hook(lambda g: g * 2)
    y.backward()
    assert x.grad == 6.0
    assert (x < y) is True and (x == 2.0) is True and len({x, ag.Scalar(2.0)}) == 2


def test_scalar_repr_and_float():
    x = ag.Scalar(1.5)
    assert float(x) == 1.5 and "1.5" in repr(x)


def test_scalar_arithmetic_with_bad_type_is_clear():
    with pytest.raises(TypeError, match="number or a Scalar"):
        ag.Scalar(1.0) + "a"


def _scalar_program(seed: int, make=ag.Scalar):
    """A random graph with shared nodes and every gate kind, on leaves ``make(value)``
    (Scalars by default); returns (leaves, output)."""
    import random

    rng = random.Random(seed)
    leaves = [make(rng.uniform(-2, 2)) for _ in range(4)]
    nodes = list(leaves)
    for _ in range(40):
        a, b = rng.choice(nodes), rng.choice(nodes)
        op = rng.choice(["add", "mul", "sub", "relu", "tanh", "div", "const"])
        if op == "add":
            out = a + b
        elif op == "mul":
            out = a * b
        elif op == "sub":
            out = a - b
        elif op == "relu":
            out = a.relu()
        elif op == "tanh":
            out = a.tanh()
        elif op == "div":
            out = a / (b * b + 1.0)
        else:
            out = 0.5 * a + 1.0
        nodes.append(out)
    return leaves, sum(nodes[-10:], nodes[0])


def _gradients_after_backward(seed: int, general: bool, hooks: bool) -> list:
    leaves, out = _scalar_program(seed)
    leaves[0].grad = 0.1  # an earlier gradient, accumulated into
    middle = out._a  # an interior node (keeps its .grad, lecture style)
    middle.grad = -0.3
    seen = []
    if hooks:
        middle.register_hook(lambda g: seen.append(g) or 2 * g)
        leaves[1].register_hook(lambda g: seen.append(g))
    if general:  # anomaly mode sends the graph through the general (dict-based) walk
        with ag.detect_anomaly():
            out.backward(2.0)
    else:
        out.backward(2.0)
    return [leaf.grad for leaf in leaves] + [middle.grad, out.grad] + seen


@pytest.mark.parametrize("hooks", [False, True])
@pytest.mark.parametrize("seed", range(20))
def test_fast_scalar_walk_matches_the_general_walk_exactly(seed, hooks):
    """Scalar graphs without hooks take a walk that accumulates in .grad directly (anomaly mode
    and hooks take the general walk). Both give bit-identical gradients, also on top of
    gradients left from an earlier backward (added at the end, not mixed in)."""
    fast = _gradients_after_backward(seed, general=False, hooks=hooks)
    general = _gradients_after_backward(seed, general=True, hooks=hooks)
    assert fast == general
    assert all(isinstance(g, float) for g in fast)


def test_scalar_walk_keeps_earlier_gradients_when_a_gate_fails():
    x = ag.Scalar(2.0)
    out = x * x + (x + 1.0)
    out.backward()  # frees the graph
    assert x.grad == 5.0
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.backward()  # the mul gate refuses, possibly after the add gates sent their part
    assert x.grad >= 5.0  # the earlier gradient, set aside during the pass, is back


def test_backward_through_one_scalar_graph_from_two_threads_at_once():
    """The Scalar walk keeps gradients in flight in the nodes' .grad: passes through the same
    nodes take turns (a lock), else one pass would send on the other's gradients too."""
    import threading

    x = ag.Scalar(0.5)
    v = x
    for i in range(20000):  # long enough for the interpreter to switch threads mid-pass
        v = v * 1.0001 if i % 2 else v + 0.01
    v.backward(retain_graph=True)
    once = x.grad
    x.grad = 0.0
    threads = [threading.Thread(target=v.backward, kwargs={"retain_graph": True})
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert x.grad == pytest.approx(2 * once, rel=1e-12)


def test_a_hook_may_run_another_backward_pass_through_the_same_nodes():
    x = ag.Scalar(3.0)
    shared = x * x
    first = shared * 2.0
    second = shared + 1.0
    seen = []
    first.register_hook(lambda g: seen.append(second.backward(retain_graph=True)))
    first.backward()
    assert seen == [None]
    assert x.grad == pytest.approx(2 * 3.0 * (2.0 + 1.0))  # d(first)/dx + d(second)/dx
    assert shared.grad == pytest.approx(2.0 + 1.0)


def test_scalar_walk_second_backward_and_custom_gate():
    x = ag.Scalar(2.0)
    y = Cube.apply(x * x) + x  # a context gate inside a Scalar graph: (x^2)^3 + x
    y.backward(retain_graph=True)
    assert x.grad == pytest.approx(6 * 2.0**5 + 1)
    y.backward()
    assert x.grad == pytest.approx(2 * (6 * 2.0**5 + 1))
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_relu_and_tanh_of_special_floats_match_numpy():
    import numpy as np

    for v in (1.5, -2.0, 0.0, math.inf, -math.inf, math.nan):
        for method, reference in (("relu", lambda u: np.maximum(u, 0)), ("tanh", np.tanh)):
            got = getattr(ag.Scalar(v), method)().data
            want = float(reference(v))
            assert isinstance(got, float)
            assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want, rel=1e-15)


@pytest.mark.parametrize("seed", range(20))
def test_scalar_graphs_match_the_same_graphs_on_float64_tensors(seed):
    """The Scalar walk and the Tensor walk are separate code: same programs, same gradients."""
    scalars, scalar_out = _scalar_program(seed)
    tensors, tensor_out = _scalar_program(
        seed, lambda v: ag.tensor(v, dtype="float64", requires_grad=True))
    scalar_out.backward()
    tensor_out.backward()
    assert scalar_out.data == pytest.approx(float(tensor_out.data), rel=1e-12)
    for s, t in zip(scalars, tensors):
        expected = 0.0 if t.grad is None else float(t.grad.data)  # None: the leaf is unused
        assert s.grad == pytest.approx(expected, rel=1e-9, abs=1e-12)
