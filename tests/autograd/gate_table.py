"""Every differentiable gate, with the inputs its property test draws (one line per gate).

test_gate_table.py fails when a gate defined in the library has no line here, and runs
``check_gradients`` (gradcheck, and gradgradcheck unless ``second_order=False``) on each line.

To add a gate: import it and add ``Gate: <case>,`` below, where the case is
* ``elementwise(domain, ..., scalar=True)``: one tensor per argument, broadcasting shapes,
  values from a domain ("real", "positive", "nonzero", "unit", "above_one", (low, high)) or a
  hypothesis strategy; ``scalar=True`` when Scalar uses the gate too;
* ``case(strategy, ...)``: any strategy of argument tuples for ``Gate.apply`` (see
  gate_inputs.py for the builders used here, e.g. ``reduction_arguments``).
Keyword options: ``second_order=False`` (backward not twice differentiable),
``options=dict(eps=..., atol=..., rtol=...)`` (looser checks, e.g. for float32 outputs).
A gate that really cannot be property-tested goes into EXEMPT with the reason.
"""

from __future__ import annotations

from gate_inputs import (
    LATTICE,
    SHIFTED_LATTICE,
    case,
    cast_arguments,
    elementwise,
    elementwise_arguments,
    expand_arguments,
    getitem_arguments,
    integer_powers,
    matmul_arguments,
    permute_arguments,
    reduction_arguments,
    reshape_arguments,
    scatter_add_arguments,
    where_arguments,
)
from gate_inputs_ops import (
    along_dim_arguments,
    cat_arguments,
    clamp_arguments,
    constant_pad_arguments,
    einsum_arguments,
    extremum_arguments,
    flip_arguments,
    gather_arguments,
    index_pad_arguments,
    index_select_arguments,
    norm_arguments,
    prod_arguments,
    roll_arguments,
    round_arguments,
    softplus_arguments,
    solve_arguments,
    square_matrix_arguments,
    stack_arguments,
    std_arguments,
    var_arguments,
)
from hypothesis import strategies as st

from autograd.ops import elementwise as ew
from autograd.ops import pointwise as pw
from autograd.ops.extrema import AMax, AMin
from autograd.ops.index import Gather, IndexSelect
from autograd.ops.joining import IndexPad
from autograd.ops.linalg import Det, Einsum, Inverse, MatMul, Solve
from autograd.ops.reduce import CumSum, Mean, Norm, Prod, Std, Sum, Var
from autograd.ops.shape import (
    Cast,
    Cat,
    Clone,
    ConstantPad,
    Expand,
    GetItem,
    Permute,
    Reshape,
    Roll,
    ScatterAdd,
    Stack,
)
from autograd.ops.softmax import LogSoftmax, LogSumExp, Softmax
from autograd.ops.views import Flip

GATES = {
    # elementwise (autograd/ops/elementwise.py)
    ew.Add: elementwise("real", "real", scalar=True),
    ew.Sub: elementwise("real", "real", scalar=True),
    ew.Mul: elementwise("real", "real", scalar=True),
    ew.Div: elementwise("real", "nonzero", scalar=True),
    ew.Neg: elementwise("real", scalar=True),
    ew.Pow: case(st.one_of(elementwise_arguments("positive", "real"), integer_powers()),
                 scalar_elements=("positive", "real")),
    ew.Exp: elementwise("real", scalar=True),
    ew.Log: elementwise("positive", scalar=True),
    ew.Sqrt: elementwise("positive", scalar=True),
    ew.Tanh: elementwise("real", scalar=True),
    ew.Sigmoid: elementwise("real", scalar=True),
    ew.Relu: elementwise("nonzero", scalar=True),
    ew.Abs: elementwise("nonzero", scalar=True),
    ew.Maximum: elementwise(LATTICE, SHIFTED_LATTICE, scalar=True),
    ew.Minimum: elementwise(LATTICE, SHIFTED_LATTICE, scalar=True),
    ew.Where: case(where_arguments()),
    # linear algebra (autograd/ops/linalg.py)
    MatMul: case(matmul_arguments()),
    # reductions (autograd/ops/reduce.py)
    Sum: case(reduction_arguments()),
    Mean: case(reduction_arguments()),
    # shapes (autograd/ops/shape.py)
    Reshape: case(reshape_arguments()),
    Permute: case(permute_arguments()),
    Expand: case(expand_arguments()),
    GetItem: case(getitem_arguments()),
    ScatterAdd: case(scatter_add_arguments()),
    Cast: case(cast_arguments(), options=dict(eps=1e-3)),
    # the op library: pointwise (autograd/ops/pointwise.py)
    pw.Square: elementwise("real", scalar=True),
    pw.Reciprocal: elementwise("nonzero", scalar=True),
    pw.Rsqrt: elementwise("positive", scalar=True),
    pw.Erf: elementwise("real", scalar=True),
    pw.Sin: elementwise("real", scalar=True),
    pw.Cos: elementwise("real", scalar=True),
    pw.Tan: elementwise((-1.2, 1.2), scalar=True),
    pw.Log1p: elementwise((-0.9, 2.0), scalar=True),
    pw.Expm1: elementwise("real", scalar=True),
    pw.Log2: elementwise("positive", scalar=True),
    pw.Log10: elementwise("positive", scalar=True),
    pw.Exp2: elementwise("real", scalar=True),
    pw.LogAddExp: elementwise("real", "real", scalar=True),
    pw.Sign: elementwise("away_from_halves", scalar=True),
    pw.Floor: elementwise("away_from_halves", scalar=True),
    pw.Ceil: elementwise("away_from_halves", scalar=True),
    pw.Trunc: elementwise("away_from_halves", scalar=True),
    pw.Round: case(round_arguments()),
    pw.Softplus: case(softplus_arguments()),
    pw.Clamp: case(clamp_arguments()),
    # softmax family (autograd/ops/softmax.py)
    Softmax: case(along_dim_arguments()),
    LogSoftmax: case(along_dim_arguments()),
    LogSumExp: case(reduction_arguments()),
    # reductions and extrema (autograd/ops/reduce.py, extrema.py)
    Var: case(var_arguments()),
    Std: case(std_arguments()),
    Prod: case(prod_arguments()),
    CumSum: case(along_dim_arguments()),
    Norm: case(norm_arguments()),
    AMax: case(extremum_arguments()),
    AMin: case(extremum_arguments()),
    # indexing, joining, rearranging (index.py, joining.py, views.py, shape.py)
    Gather: case(gather_arguments()),
    IndexSelect: case(index_select_arguments()),
    Flip: case(flip_arguments()),
    IndexPad: case(index_pad_arguments()),
    Cat: case(cat_arguments()),
    Stack: case(stack_arguments()),
    ConstantPad: case(constant_pad_arguments()),
    Roll: case(roll_arguments()),
    Clone: case(elementwise_arguments("real")),
    # linear algebra (autograd/ops/linalg.py)
    Inverse: case(square_matrix_arguments()),
    Det: case(square_matrix_arguments()),
    Solve: case(solve_arguments()),
    Einsum: case(einsum_arguments()),
}

# gate -> why it has no property test (keep this empty where possible)
EXEMPT: dict = {
    pw.StepFunction: "abstract base of sign/floor/ceil/trunc/round (no forward of its own)",
}

# the nn package's gates (conv, pooling, linear, losses, ...): cases in tests/nn/gate_cases.py
from tests.nn.gate_cases import NN_GATES  # noqa: E402

GATES.update(NN_GATES)
