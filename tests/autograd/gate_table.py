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
from hypothesis import strategies as st

from autograd.ops import elementwise as ew
from autograd.ops.linalg import MatMul
from autograd.ops.reduce import Mean, Sum
from autograd.ops.shape import Cast, Expand, GetItem, Permute, Reshape, ScatterAdd

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
}

# gate -> why it has no property test (keep this empty where possible)
EXEMPT: dict = {}
