"""gradcheck / gradgradcheck: they pass correct derivatives, catch wrong ones and say where."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autograd as ag
from autograd import Function, GradcheckError, Scalar, Tensor, gradcheck, gradgradcheck
from autograd.node import raw


def leaf(values, dtype=np.float64):
    return ag.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def random_leaf(*shape, seed=0):
    return leaf(np.random.default_rng(seed).uniform(-1, 1, shape))


class Square(Function):
    """out = a**2.  da = 2 a g."""

    @staticmethod
    def forward(ctx, a):
        return a * a

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.inputs
        return 2 * a * grad


class SquareWrongAtOneElement(Square):
    """Like Square, but the derivative of flat element 4 is 3 a instead of 2 a."""

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.inputs
        scale = np.full(np.shape(a), 2.0)
        scale.flat[4] = 3.0
        return scale * a * grad


class ExpWithRawBackward(Function):
    """exp whose backward uses the raw value: right first derivative, but the second
    derivative through it is lost (the formula is a constant for create_graph)."""

    @staticmethod
    def forward(ctx, a):
        return np.exp(a)

    @staticmethod
    def backward(ctx, grad):
        return grad * np.exp(raw(ctx.inputs[0]))


class Affine:
    """A module-like object: ``named_parameters()`` and ``__call__`` (x @ W + b)."""

    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        self.weight = leaf(rng.standard_normal((3, 2)))
        self.bias = leaf(rng.standard_normal(2))

    def named_parameters(self):
        return [("weight", self.weight), ("bias", self.bias)]

    def __call__(self, x):
        return (x @ self.weight + self.bias).tanh()


class AffineWithWrongBias(Affine):
    def __call__(self, x):
        return x @ self.weight + BiasTimesTwo.apply(self.bias)


class BiasTimesTwo(Function):
    """out = b (identity forward) with a backward that doubles: a wrong derivative."""

    @staticmethod
    def forward(ctx, b):
        return b.copy()

    @staticmethod
    def backward(ctx, grad):
        return 2 * grad


# ---- correct derivatives pass ---------------------------------------------------------------


def test_tensor_function_with_broadcasting_and_two_outputs():
    a, b = random_leaf(2, 3), random_leaf(3, seed=1)

    def f(a, b):
        return (a * b).tanh(), (a / (b * b + 1)).sum(0)

    assert gradcheck(f, (a, b)) is True
    assert gradgradcheck(f, (a, b)) is True


def test_gate_apply_and_gate_class():
    x = random_leaf(2, 3)
    assert gradcheck(Square.apply, (x,))
    assert gradcheck(Square, x)  # a single input need not be wrapped in a tuple
    assert gradgradcheck(Square, (x,))


def test_scalar_functions():
    a, b = Scalar(0.3), Scalar(-1.2)

    def f(a, b):
        return (a * b + a.tanh()).exp() / b

    assert gradcheck(f, (a, b))
    assert gradgradcheck(f, (a, b))


def test_non_tensor_arguments_pass_through():
    x = random_leaf(2, 3, 2)
    assert gradcheck(lambda x, dim, keepdim: x.sum(dim, keepdim) ** 2, (x, (0, 2), True))


def test_inputs_not_requiring_grad_are_constants():
    x, c = random_leaf(3), ag.tensor(np.array([1.0, 2.0, 3.0]))
    assert gradcheck(lambda x, c: x * c, (x, c))


def test_one_tensor_passed_twice():
    x = random_leaf(4)
    assert gradcheck(lambda a, b: a * b, (x, x))  # d(x*x)/dx = 2x, both ways


def test_non_float_outputs_are_ignored():
    x = random_leaf(4)
    assert gradcheck(lambda x: (x * 2, x > 0), (x,))


def test_non_contiguous_and_read_only_inputs():
    base = np.random.default_rng(0).uniform(-1, 1, (4, 6))
    strided = Tensor._from_raw(base[:, ::2], requires_grad=True)
    transposed = Tensor._from_raw(base.T, requires_grad=True)
    broadcast = Tensor._from_raw(np.broadcast_to(base[0], (3, 6)), requires_grad=True)
    assert not strided.data.flags.c_contiguous and not broadcast.data.flags.writeable
    assert gradcheck(lambda s, t, b: (s.sum() * t).sum(1) + b.exp().sum(0),
                     (strided, transposed, broadcast))


def test_inputs_and_their_grads_are_left_untouched():
    x = random_leaf(2, 3)
    data, copy = x.data, x.data.copy()
    gradcheck(lambda x: x.tanh(), (x,))
    gradgradcheck(lambda x: x.tanh(), (x,))
    assert x.data is data and np.array_equal(x.data, copy)
    assert x.grad is None


def test_float32_input_warns_and_realized_step_keeps_exact_gates_exact():
    x = leaf([0.5, -1.5, 2.0], dtype=np.float32)
    with pytest.warns(UserWarning, match="input 0 \\(float32\\).*not float64"):
        # the float64 result of a float32 input: exact, because the step actually taken in
        # float32 is what the difference is divided by
        assert gradcheck(lambda x: x.to(np.float64) * 3, (x,))


def test_no_warning_for_float64_and_scalars():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gradcheck(lambda x: x * 2, (random_leaf(3),))
        gradcheck(lambda s: s * 2, (Scalar(1.0),))


# ---- modules: parameters are inputs too ---------------------------------------------------


def test_module_parameters_are_checked():
    module, x = Affine(), random_leaf(4, 3)
    assert gradcheck(module, (x,))
    assert gradgradcheck(module, (x,))


def test_module_with_a_wrong_parameter_gradient_names_the_parameter():
    module, x = AffineWithWrongBias(), ag.tensor(np.ones((4, 3)))  # x is a constant
    with pytest.raises(GradcheckError, match="parameter 'bias'") as info:
        gradcheck(module, (x,))
    assert info.value.input == "parameter 'bias'"
    np.testing.assert_allclose(info.value.numerical, np.tile(np.eye(2), (4, 1)), atol=1e-6)
    np.testing.assert_allclose(info.value.analytical, 2 * np.tile(np.eye(2), (4, 1)))


def test_module_with_plain_parameters_method():
    class Scale:
        def __init__(self):
            self.w = leaf([1.5, -0.5])

        def parameters(self):
            return iter([self.w])

        def __call__(self, x):
            return BiasTimesTwo.apply(self.w) * x

    with pytest.raises(GradcheckError) as info:
        gradcheck(Scale(), (ag.tensor(np.array([1.0, 2.0])),))
    assert info.value.input == "parameter 0"


# ---- wrong derivatives are caught and located ---------------------------------------------


def test_report_names_worst_element_and_values():
    x = random_leaf(2, 3)
    with pytest.raises(GradcheckError) as info:
        gradcheck(SquareWrongAtOneElement.apply, (x,))
    error = info.value
    x1 = x.data[1, 1]  # flat element 4
    message = str(error)
    assert "output 0 with respect to input 0" in message
    assert "worst element: output 0[1, 1] w.r.t. input 0[1, 1]" in message
    assert f"numerical:  {2 * x1:.10g}"[:18] in message
    assert f"analytical: {3 * x1:.10g}" in message
    assert f"max absolute error {abs(x1):.3g}, max relative error 0.5" in message
    np.testing.assert_allclose(error.numerical, np.diag(2 * x.data.ravel()), atol=1e-7)
    expected = np.diag(2 * x.data.ravel())
    expected[4, 4] = 3 * x1
    np.testing.assert_allclose(error.analytical, expected)


def test_raise_exception_false_returns_false():
    x = random_leaf(2, 3)
    assert gradcheck(SquareWrongAtOneElement.apply, (x,), raise_exception=False) is False
    assert gradcheck(Square.apply, (x,), raise_exception=False) is True


def test_second_output_and_second_input_are_named():
    a, b = random_leaf(3), random_leaf(3, seed=1)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda a, b: (a * 2, a + BiasTimesTwo.apply(b)), (a, b))
    assert (info.value.output, info.value.input) == ("output 1", "input 1")


def test_dropped_graph_is_caught():
    x = random_leaf(3)
    with pytest.raises(GradcheckError) as info:
        # 2x computed outside the graph: the gradient is silently lost
        gradcheck(lambda x: Tensor._from_raw(2 * x.data) + x * 0, (x,))
    np.testing.assert_allclose(info.value.numerical, 2 * np.eye(3), atol=1e-7)
    np.testing.assert_array_equal(info.value.analytical, np.zeros((3, 3)))


def test_output_not_requiring_grad_is_compared_with_zero():
    x = random_leaf(3)
    with pytest.raises(GradcheckError):
        gradcheck(lambda x: Tensor._from_raw(2 * x.data), (x,))


def test_scalar_wrong_gradient():
    class Half(Function):
        @staticmethod
        def forward(ctx, a):
            return a / 2

        @staticmethod
        def backward(ctx, grad):
            return grad  # should be grad / 2

    with pytest.raises(GradcheckError, match="worst element: output 0 w.r.t. input 0\n"):
        gradcheck(Half.apply, (Scalar(0.7),))


# ---- fast mode -------------------------------------------------------------------------------


def test_fast_mode_passes_correct_and_catches_wrong():
    ag.manual_seed(0)
    a, b = random_leaf(3, 4), random_leaf(4, seed=1)
    assert gradcheck(lambda a, b: (a @ b).exp(), (a, b), fast_mode=True)
    assert gradgradcheck(lambda a, b: (a * b).tanh(), (a, b), fast_mode=True)
    with pytest.raises(GradcheckError, match="worst element: output 0\\[1, 0\\]") as info:
        gradcheck(SquareWrongAtOneElement.apply, (a,), fast_mode=True)
    assert info.value.analytical is not None  # the failing pair was re-checked in full


# ---- second derivatives ------------------------------------------------------------------------


def test_gradgradcheck_catches_a_backward_that_is_not_differentiable():
    x = random_leaf(3)
    assert gradcheck(ExpWithRawBackward.apply, (x,))
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(ExpWithRawBackward.apply, (x,))
    assert (info.value.output, info.value.input) == ("gradient of input 0", "input 0")


def test_gradgradcheck_with_given_grad_outputs():
    x = random_leaf(2, 2)
    g = leaf([[1.0, -2.0], [0.5, 3.0]])
    assert gradgradcheck(lambda x: x.exp() * x, (x,), grad_outputs=(g,))
    with pytest.raises(ValueError, match="2 grad_outputs for 1 outputs"):
        gradgradcheck(lambda x: x.exp(), (x,), grad_outputs=(g, g))
    with pytest.raises(ValueError, match="shape"):
        gradgradcheck(lambda x: x.exp(), (x,), grad_outputs=(leaf([1.0]),))


# ---- usage errors ----------------------------------------------------------------------------


def test_usage_errors_are_clear():
    x = random_leaf(3)
    with pytest.raises(ValueError, match="no input requires grad"):
        gradcheck(lambda x: x * 2, (x.detach(),))
    with pytest.raises(TypeError, match="expected a callable"):
        gradcheck(3, (x,))
    with pytest.raises(TypeError, match="expected a floating-point Tensor or Scalar"):
        gradcheck(lambda x: 3.0, (x,))
    with pytest.raises(ValueError, match="eps must be positive"):
        gradcheck(lambda x: x * 2, (x,), eps=0)
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="eps=1e-12 is too small"):
        gradcheck(lambda x: x * 2, (leaf([1.0], dtype=np.float32),), eps=1e-12)


def test_gradient_of_the_wrong_shape_is_reported():
    x = random_leaf(3)
    x.register_hook(lambda grad: grad[:2])  # a buggy hook shortens the gradient
    expected = "gradient of shape \\(2,\\).*input 0 of shape \\(3,\\)"
    with pytest.raises(GradcheckError, match=expected):
        gradcheck(lambda x: x * 2, (x,))
