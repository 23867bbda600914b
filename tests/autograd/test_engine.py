"""Engine semantics: gate patterns, accumulation, retain_graph, hooks, grad mode, errors."""

import gc
import weakref

import numpy as np
import pytest
from custom_gates import Cube, ScaleBy
from numeric import check_gradients

import autograd as ag


def leaf(value):
    return ag.tensor(value, dtype=np.float64, requires_grad=True)


# ---- the gate patterns of the lecture ----

def test_add_gate_distributes():
    a, b = leaf(2.0), leaf(3.0)
    (a + b).backward(ag.tensor(5.0, dtype=np.float64))
    assert a.grad.item() == 5.0 and b.grad.item() == 5.0


def test_mul_gate_swaps():
    a, b = leaf(2.0), leaf(3.0)
    (a * b).backward(ag.tensor(5.0, dtype=np.float64))
    assert a.grad.item() == 15.0 and b.grad.item() == 10.0


def test_max_gate_routes():
    a, b = ag.Scalar(2.0), ag.Scalar(3.0)
    ag.maximum(a, b).backward()
    assert (a.grad, b.grad) == (0.0, 1.0)
    x, y = leaf([1.0, 5.0]), leaf([4.0, 2.0])
    ag.maximum(x, y).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0] and y.grad.tolist() == [1.0, 0.0]


def test_max_gate_ties_split_evenly():
    a, b = leaf(2.0), leaf(2.0)
    ag.maximum(a, b).backward()
    assert a.grad.item() == 0.5 and b.grad.item() == 0.5


def test_branches_sum():
    x = ag.Scalar(3.0)
    f = x * x + x  # x reaches f by three branches: 2x + 1
    f.backward()
    assert x.grad == 7.0
    t = leaf([1.0, 2.0])
    (t * t + t).sum().backward()
    assert t.grad.tolist() == [3.0, 5.0]


def test_many_branches_sum_into_one_buffer_without_touching_the_gates_arrays():
    """Where branches meet, the walk adds into a buffer it allocated (in place after the first
    sum); arrays a gate hands back (here one constant array, returned every time) stay as
    they were."""
    constant = np.full((2, 3), 0.5, dtype=np.float32)

    class Halves(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 0.5

        @staticmethod
        def backward(ctx, grad):
            return constant  # d/dx of sum(x * 0.5), for an upstream gradient of ones

    w = ag.tensor(np.ones((2, 3), np.float32), requires_grad=True)
    shared = w * 1.0  # an interior node reached by five branches
    total = sum(Halves.apply(shared).sum() for _ in range(5))
    total.backward()
    np.testing.assert_array_equal(w.grad.data, np.full((2, 3), 2.5, np.float32))
    np.testing.assert_array_equal(constant, np.full((2, 3), 0.5, np.float32))


def test_a_weight_shared_by_many_steps_gets_the_summed_gradient():
    rng = np.random.default_rng(0)
    h0 = rng.standard_normal((4, 3))

    def unrolled(u, h):
        for _ in range(6):  # u used by six steps, as in an unrolled RNN
            h = (h @ u + h).tanh()
        return h

    check_gradients(unrolled, rng.standard_normal((3, 3)) * 0.5, h0)


# ---- accumulation, retain_graph, releasing ----

def test_leaf_grad_accumulates_across_backward_calls():
    x = leaf(2.0)
    (x * 3).backward()
    (x * 4).backward()
    assert x.grad.item() == 7.0


def test_non_leaf_grad_stays_none_unless_retained():
    x = leaf(2.0)
    y = x * 3
    z = y * y
    y.retain_grad()
    w = x * 5
    (z + w).backward()
    assert y.grad.item() == 12.0
    assert w.grad is None
    assert x.grad.item() == 36.0 + 5.0


def test_second_backward_raises_pytorch_message_and_retain_graph_allows_it():
    x = leaf(2.0)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 8.0
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


def test_saved_values_are_released_after_backward():
    x = leaf([1.0, 2.0])
    y = x.exp()
    y.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.sum().backward()


def test_backward_of_non_scalar_needs_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="implicitly created only for scalar outputs"):
        (x * 2).backward()
    (x * 2).backward(ag.tensor([1.0, 10.0]))
    assert x.grad.tolist() == [2.0, 20.0]


def test_backward_gradient_shape_mismatch():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(ag.tensor([1.0, 2.0, 3.0]))


def test_backward_of_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        ag.tensor(1.0).backward()


def test_backward_inputs_accumulates_only_there():
    x, y = leaf(2.0), leaf(3.0)
    (x * y).backward(inputs=[x])
    assert x.grad.item() == 3.0 and y.grad is None


def test_leaf_gradients_never_share_a_buffer():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (a + b).sum().backward()
    a.grad.mul_(10)
    assert b.grad.tolist() == [1.0, 1.0]
    assert not np.shares_memory(a.grad.data, b.grad.data)


def test_user_gradient_is_not_aliased_into_grad():
    x = leaf([1.0, 2.0])
    seed = np.array([1.0, 1.0])
    x.backward(seed)
    seed[0] = 99.0
    assert x.grad.tolist() == [1.0, 1.0]


def test_gradient_keeps_parameter_dtype():
    w = ag.tensor([1.0, 2.0], requires_grad=True)  # float32
    (w * np.array([1.0, 2.0])).sum().backward()  # float64 constant upcasts the value
    assert w.grad.dtype == np.float32


def test_broadcast_gradients_are_summed_back():
    a = leaf(np.ones((3, 1)))
    b = leaf(np.ones(4))
    c = leaf(2.0)
    (a * b * c).sum().backward()
    assert a.grad.shape == (3, 1) and a.grad.tolist() == [[8.0]] * 3
    assert b.grad.shape == (4,) and b.grad.tolist() == [6.0] * 4
    assert c.grad.shape == () and c.grad.item() == 12.0


# ---- graph structure ----

def test_is_leaf_grad_fn_and_detach():
    x = leaf(1.0)
    y = x * 2
    assert x.is_leaf and not y.is_leaf
    assert x.grad_fn is None and y.grad_fn.name() == "MulBackward"
    assert repr(y.grad_fn) == "<MulBackward>"
    (next_fn, _), (const, _) = y.grad_fn.next_functions
    assert next_fn.name() == "AccumulateGrad" and next_fn.variable is x and const is None
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and d.item() == 2.0


def test_requires_grad_propagates_and_no_grad_records_nothing():
    x, c = leaf(1.0), ag.tensor(2.0)
    assert (x * c).requires_grad and not (c * c).requires_grad
    with ag.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    with ag.no_grad():
        with ag.enable_grad():
            assert (x * 2).requires_grad
    ag.set_grad_enabled(False)
    try:
        assert not (x * 2).requires_grad
    finally:
        ag.set_grad_enabled(True)
    with ag.set_grad_enabled(False):
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()


def test_no_grad_as_decorator():
    @ag.no_grad()
    def double(t):
        return t * 2

    assert not double(leaf(1.0)).requires_grad
    assert ag.is_grad_enabled()


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        ag.tensor([1, 2, 3], requires_grad=True)


def test_requires_grad_flag_of_non_leaf_cannot_be_cleared():
    y = leaf(1.0) * 2
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad_(False)


# ---- hooks ----

def test_hook_sees_gradient_and_can_replace_it():
    x = leaf(2.0)
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(g.item()))
    handle = y.register_hook(lambda g: g * 10)
    (y * y).backward()
    assert seen == [12.0]
    assert x.grad.item() == 12.0 * 10 * 3
    handle.remove()
    x.grad = None
    y2 = x * 3
    y2.register_hook(lambda g: None)
    y2.backward()
    assert x.grad.item() == 3.0


def test_hook_on_leaf_changes_accumulated_gradient():
    x = leaf(1.0)
    x.register_hook(lambda g: g * 0)
    (x * 5).backward()
    assert x.grad.item() == 0.0


def test_hook_needs_requires_grad():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        ag.tensor(1.0).register_hook(lambda g: g)


# ---- scale ----

def test_million_gate_chain_has_no_recursion_limit():
    x = ag.Scalar(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_graph_is_freed_without_the_garbage_collector():
    gc.disable()
    try:
        x = leaf(np.ones(3))
        hidden = x * 2
        probe = weakref.ref(hidden)
        out = (hidden.exp() * 3).sum()
        out.backward()
        del hidden, out
        assert probe() is None
        s = ag.Scalar(1.0)
        inner = s * 2
        probe_scalar = weakref.ref(inner)
        top = inner.tanh() + 1
        top.backward()
        del inner, top
        assert probe_scalar() is None
    finally:
        gc.enable()


# ---- custom gates ----

def test_user_defined_gate_first_and_second_order():
    x = leaf([1.0, 2.0])
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward"
    (g,) = ag.grad(y.sum(), x, create_graph=True)
    assert g.tolist() == [3.0, 12.0]
    (gg,) = ag.grad(g.sum(), x)
    assert gg.tolist() == [6.0, 12.0]


def test_user_gate_with_constant_argument_and_on_scalars():
    x = leaf([1.0, 2.0])
    ScaleBy.apply(x, 4.0).sum().backward()
    assert x.grad.tolist() == [4.0, 4.0]
    s = ag.Scalar(2.0)
    out = Cube.apply(s)
    assert isinstance(out, ag.Scalar) and out.data == 8.0
    out.backward()
    assert s.grad == 12.0


def test_gate_returning_wrong_number_of_gradients_is_reported():
    class Broken(ag.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        Broken.apply(leaf(1.0), leaf(2.0)).backward()


def test_gate_returning_wrong_gradient_shape_is_reported():
    class Broken(ag.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, grad):
            return np.ones(5)

    with pytest.raises(RuntimeError, match="invalid gradient at index 0"):
        Broken.apply(leaf([1.0, 2.0])).sum().backward()


def test_mixing_scalar_and_tensor_is_refused():
    with pytest.raises(TypeError, match="Scalar"):
        ag.Scalar(1.0) * leaf(1.0)


@pytest.mark.parametrize("make", [lambda: ag.set_grad_enabled(False), ag.no_grad],
                         ids=["set_grad_enabled(False)", "no_grad"])
def test_grad_mode_decorators_switch_only_while_the_function_runs(make):
    # regression: @set_grad_enabled(False) switched recording off for the whole process
    x = ag.tensor([1.0], requires_grad=True)

    @make()
    def inside():
        return ag.is_grad_enabled(), (x * 2).requires_grad

    assert ag.is_grad_enabled()
    assert inside() == (False, False)
    assert ag.is_grad_enabled() and (x * 2).requires_grad


def test_enable_grad_decorator_inside_no_grad():
    x = ag.tensor([1.0], requires_grad=True)

    @ag.enable_grad()
    def doubled():
        return x * 2

    with ag.no_grad():
        assert doubled().requires_grad
        assert not (x * 2).requires_grad
    assert ag.is_grad_enabled()


def test_needs_input_grad_inside_forward_and_backward():
    seen = {}

    class Scale(ag.Function):
        @staticmethod
        def forward(ctx, x, y):
            seen["forward"] = ctx.needs_input_grad
            return x * y

        @staticmethod
        def backward(ctx, grad):
            seen["backward"] = ctx.needs_input_grad
            x, y = ctx.inputs
            return grad * y, grad * x

    a, b = ag.tensor([2.0], requires_grad=True), ag.tensor([3.0])
    Scale.apply(a, b).sum().backward()
    assert seen == {"forward": (True, False), "backward": (True, False)}
    with ag.no_grad():
        Scale.apply(a, b)
    assert seen["forward"] == (False, False)
