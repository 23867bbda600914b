"""autograd.testing: the strategies draw what they promise, and check_gradients catches what it
should (wrong derivatives, mutated inputs, dropped graphs, malformed gradients, mutated gates)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from gate_table import GATES
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import Function, GradcheckError, Scalar, Tensor
from autograd.node import raw
from autograd.ops import elementwise as ew
from autograd.ops import reduce as reductions
from autograd.ops import shape as shape_ops
from autograd.testing import (
    DOMAINS,
    broadcastable_shapes,
    check_gradients,
    dims,
    domain,
    gradient_test,
    indices,
    scalars,
    shapes,
    tensors,
)

# failures are expected in some tests below: do not spend time shrinking them
NO_SHRINK = settings(max_examples=30, derandomize=True, deadline=None, database=None,
                     phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=[HealthCheck.too_slow])


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


# ---- the optional dependency ----------------------------------------------------------------


def test_autograd_never_imports_hypothesis():
    result = run_python("import sys, autograd\nprint('hypothesis' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_import_without_hypothesis_says_how_to_install():
    result = run_python(
        "import sys\nsys.modules['hypothesis'] = None\n"
        "try:\n    import autograd.testing\nexcept ImportError as e:\n    print(e)\n"
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'gategrad[testing]'" in result.stdout
    assert "hypothesis" in result.stdout


# ---- strategies ----------------------------------------------------------------------------


@given(tensors(shape=(2, 3), elements="positive"))
def test_tensors_shape_dtype_domain_and_grad(t):
    assert isinstance(t, Tensor) and t.shape == (2, 3) and t.dtype == np.float64
    assert t.requires_grad and t.is_leaf
    assert np.all((t.data >= 0.1) & (t.data <= 2.0))


@given(tensors(shape=shapes(max_dims=2), dtype=np.float32, elements=(-1, 1),
               requires_grad=False, contiguous=True))
def test_tensors_float32_contiguous_constant(t):
    assert t.dtype == np.float32 and not t.requires_grad
    assert t.data.flags.c_contiguous and t.ndim <= 2
    assert np.all(np.abs(t.data) <= 1)


@given(tensors(shape=(2, 3, 2), contiguous=False))
def test_tensors_non_contiguous_views(t):
    assert t.shape == (2, 3, 2)
    assert not t.data.flags.c_contiguous


def test_tensors_draw_both_layouts_by_default():
    strategy = tensors(shape=(3, 2))
    assert not find(strategy, lambda t: not t.data.flags.c_contiguous).data.flags.c_contiguous
    assert find(strategy, lambda t: t.data.flags.c_contiguous).data.flags.c_contiguous


@given(tensors(shape=(3,), dtype=np.int64, elements=(-5, 5)))
def test_integer_tensors_never_require_grad(t):
    assert t.dtype == np.int64 and not t.requires_grad
    assert np.all(np.abs(t.data) <= 5)


@given(tensors(shape=(4,), dtype=np.float32, elements="nonzero"))
def test_nonzero_domain_in_float32(t):
    assert np.all(np.abs(t.data) >= 0.1) and np.all(np.abs(t.data) <= 2)


@given(tensors(shape=(3, 4), elements=st.integers(-40, 40).map(lambda k: k / 8), unique=True))
def test_unique_lattice_values_are_tie_free(t):
    values = np.sort(t.data.ravel())
    assert np.all(np.diff(values) >= 1 / 8)


@given(tensors(shape=(6,), elements="away_from_halves"))
def test_away_from_halves_keeps_steps_flat(t):
    distance = np.abs(t.data * 2 - np.round(t.data * 2)) / 2  # to the nearest multiple of 0.5
    assert np.all(distance >= 0.1 - 1e-12)


@given(broadcastable_shapes(3))
def test_broadcastable_shapes(shape_tuple):
    assert len(shape_tuple) == 3
    np.broadcast_shapes(*shape_tuple)  # raises if they do not broadcast
    assert all(len(s) <= 3 for s in shape_tuple)


@given(st.data())
def test_dims_are_valid_for_reductions(data):
    shape = data.draw(shapes())
    dim = data.draw(dims(shape))
    reduced = np.sum(np.zeros(shape), axis=dim)
    assert np.ndim(reduced) <= len(shape)


@given(st.data())
def test_indices_are_valid(data):
    shape = data.draw(shapes(min_dims=1))
    index = data.draw(indices(shape))
    np.zeros(shape)[index]  # raises IndexError if invalid


def test_indices_include_repeated_integer_arrays_and_masks():
    repeated = find(indices((4, 3)), lambda i: any(
        isinstance(part, np.ndarray) and part.dtype.kind == "i"
        and len(np.unique(part)) < part.size for part in (i if isinstance(i, tuple) else (i,))))
    assert np.zeros((4, 3))[repeated].size > 0
    mask = find(indices((4, 3)), lambda i: isinstance(i, np.ndarray) and i.dtype == bool)
    assert mask.shape == (4, 3)


@given(scalars(elements="positive"), scalars(requires_grad=False))
def test_scalars(a, b):
    assert isinstance(a, Scalar) and a.requires_grad and 0.1 <= a.data <= 2
    assert not b.requires_grad and -2 <= b.data <= 2


def test_domains():
    assert set(DOMAINS) >= {"real", "positive", "nonzero", "unit", "above_one"}
    assert domain((0.5, 1.5)).intervals == ((0.5, 1.5),)
    assert domain(DOMAINS["unit"]) is DOMAINS["unit"]
    with pytest.raises(ValueError, match="unknown domain 'postive'"):
        domain("postive")
    with pytest.raises(ValueError, match="low <= high"):
        domain((2, 1))


# ---- check_gradients on correct functions --------------------------------------------------


class Cube(Function):
    """out = a**3.  da = 3 a**2 g."""

    @staticmethod
    def forward(ctx, a):
        return a**3

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.inputs
        return 3 * a * a * grad


def test_check_gradients_on_tensor_scalar_and_gate():
    check_gradients(lambda x: x.log() * x, tensors(elements="positive"), second_order=True)
    check_gradients(lambda a, b: (a * b).tanh() / b, scalars(), scalars(elements="nonzero"),
                    second_order=True)
    check_gradients(Cube, tensors(), second_order=True, fast_mode=True)


def test_check_gradients_with_dependent_arguments_and_constants():
    @st.composite
    def tensor_and_dim(draw):
        x = draw(tensors(shape=shapes(min_dims=1)))
        return x, draw(dims(x.shape, allow_none=False, allow_tuple=False))

    check_gradients(lambda x, d: (x * x).sum(d), arguments=tensor_and_dim(), second_order=True)
    check_gradients(lambda x, k: x**k, tensors(), 3)  # a plain value is a fixed argument


class Linear:
    """A module-like object (named_parameters, __call__) with float32 parameters."""

    def __init__(self):
        rng = np.random.default_rng(0)
        self.weight = ag.tensor(rng.standard_normal((3, 2)).astype(np.float32),
                                requires_grad=True)
        self.bias = ag.tensor(np.zeros(2, np.float32), requires_grad=True)

    def named_parameters(self):
        return [("weight", self.weight), ("bias", self.bias)]

    def __call__(self, x):
        return (x @ self.weight + self.bias).tanh()


def test_check_gradients_on_a_module_restores_its_parameters():
    module = Linear()
    weight = module.weight.data
    check_gradients(module, tensors(shape=st.tuples(st.integers(1, 3), st.just(3))),
                    second_order=True)
    assert module.weight.data is weight and module.weight.dtype == np.float32
    assert module.weight.grad is None and module.bias.grad is None


def test_gradient_test_decorator_makes_a_pytest_test():
    @gradient_test(tensors(elements="positive"), second_order=True)
    def test_sqrt(x):
        return x.sqrt()

    assert test_sqrt.__name__ == "test_sqrt" and test_sqrt.function(ag.tensor(4.0)).item() == 2
    test_sqrt()

    @gradient_test(tensors(), settings=NO_SHRINK)
    def test_wrong(x):
        return WrongExp.apply(x)

    with pytest.raises(GradcheckError):
        test_wrong()


# ---- check_gradients catches mistakes ------------------------------------------------------


class WrongExp(Function):
    """exp with a 1% error in its derivative."""

    @staticmethod
    def forward(ctx, a):
        return np.exp(a)

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.output * 1.01


def test_failure_shows_a_minimal_counterexample():
    with pytest.raises(GradcheckError) as info:
        check_gradients(WrongExp, tensors())
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "check_gradients_WrongExp" in notes
    assert "input 0: shape (), dtype float64" in notes  # shrunk to a 0-d tensor
    assert "tensor(0., dtype=float64, requires_grad=True)" in notes  # and to the value 0


def test_mutating_an_input_is_caught():
    def add_one_in_place(x):
        out = x * 2
        x.data += 1.0
        return out

    with pytest.raises(AssertionError, match="input 0 .* was changed during forward"):
        check_gradients(add_one_in_place, tensors(shape=(2,)), settings=NO_SHRINK)


def test_dropped_graph_is_caught():
    with pytest.raises(AssertionError, match="output 0 does not require grad"):
        check_gradients(lambda x: Tensor._from_raw(x.data * 2), tensors(), settings=NO_SHRINK)


def test_gradient_of_the_wrong_shape_is_caught():
    def with_buggy_hook(x):
        if not x._hooks:
            x.register_hook(lambda grad: grad.reshape(-1)[:1])
        return x * 2

    with pytest.raises(AssertionError, match="gradient of input 0 has shape \\(1,\\)"):
        check_gradients(with_buggy_hook, tensors(shape=(2, 2)), settings=NO_SHRINK)


class TanhWithRawBackward(Function):
    """tanh whose backward reads the raw output: second derivatives are lost."""

    @staticmethod
    def forward(ctx, a):
        return np.tanh(a)

    @staticmethod
    def backward(ctx, grad):
        return grad * (1 - raw(ctx.output) ** 2)


def test_second_order_is_checked_only_when_asked():
    check_gradients(TanhWithRawBackward, tensors(), settings=NO_SHRINK)
    with pytest.raises(GradcheckError, match="gradgradcheck"):
        check_gradients(TanhWithRawBackward, tensors(), second_order=True, settings=NO_SHRINK)


# ---- mutated library gates are caught by gradcheck and by the gate table's property test ---


def _mul_swapped(ctx, grad):
    a, b = ctx.inputs
    return grad * a, grad * b  # the mul gate must swap its inputs


def _tanh_missing_square(ctx, grad):
    return grad * (1 - ctx.output)


def _mean_not_divided(ctx, grad):
    _, axes, keepdim = ctx.inputs
    return reductions.expand_reduced(grad, ctx.shape, axes, keepdim), None, None


def _scatter_assigning(ctx, grad, shape, index):
    out = np.zeros(shape, dtype=grad.dtype)
    out[index] = grad  # repeated indices must add up, not overwrite
    return out


def _relu_passing_negatives(ctx, grad):
    return grad


MUTATIONS = [
    (ew.Mul, "backward", _mul_swapped, lambda a, b: a * b, 2),
    (ew.Tanh, "backward", _tanh_missing_square, lambda a: a.tanh(), 1),
    (reductions.Mean, "backward", _mean_not_divided, lambda a: a.mean(0), 1),
    (ew.Relu, "backward", _relu_passing_negatives, lambda a: a.relu(), 1),
    (shape_ops.ScatterAdd, "forward", _scatter_assigning,
     lambda a: a[np.array([0, 1, 1])], 1),
]


@pytest.mark.parametrize("gate, method, mutant, use, arity", MUTATIONS,
                         ids=[m[0].__name__ for m in MUTATIONS])
def test_mutated_gate_is_caught(monkeypatch, gate, method, mutant, use, arity):
    monkeypatch.setattr(gate, method, staticmethod(mutant))
    rng = np.random.default_rng(0)
    inputs = [ag.tensor(rng.uniform(-1, 1, (3, 2)), requires_grad=True) for _ in range(arity)]
    with pytest.raises(GradcheckError):
        ag.gradcheck(use, inputs)
    entry = GATES[gate]
    with pytest.raises(GradcheckError):
        check_gradients(gate.apply, arguments=entry.arguments, settings=NO_SHRINK)
