"""dot, outer, einsum (with '...', implicit output, repeated subscripts), inverse, det, solve."""

import numpy as np
import pytest
from hypothesis import strategies as st

import autograd as ag
from tests.autograd.opcases import Case, case_tests
from tests.autograd.strategies import arrays


@st.composite
def vector_pair(draw, same_length=True):
    n = draw(st.integers(1, 5))
    m = n if same_length else draw(st.integers(1, 5))
    return (draw(arrays((n,))), draw(arrays((m,)))), {}


EINSUM_EQUATIONS = {
    "ij,jk->ik": [(2, 3), (3, 4)],
    "ij,jk": [(3, 2), (2, 2)],
    "bij,bjk->bik": [(2, 2, 3), (2, 3, 2)],
    "ii->i": [(3, 3)],
    "ii": [(4, 4)],
    "ij->": [(2, 3)],
    "i,i->": [(4,), (4,)],
    "i,j->ij": [(3,), (2,)],
    "...ij,...jk->...ik": [(2, 1, 2, 3), (3, 3, 2)],
    "ijk->kji": [(2, 3, 4)],
    "iij->ji": [(3, 3, 2)],
    "ij,ij,ij->i": [(2, 3), (2, 3), (1, 3)],
    "bi,bj->b": [(3, 2), (3, 4)],
}


@st.composite
def einsum_inputs(draw):
    equation = draw(st.sampled_from(sorted(EINSUM_EQUATIONS)))
    operands = tuple(draw(arrays(shape)) for shape in EINSUM_EQUATIONS[equation])
    return operands, {"equation": equation}


@st.composite
def square_matrices(draw, batch=True):
    n = draw(st.integers(1, 4))
    shape = ((draw(st.integers(1, 2)),) if batch and draw(st.booleans()) else ()) + (n, n)
    noise = draw(arrays(shape, low=-0.5, high=0.5))
    # well conditioned: identity-dominated, so inverse and det are smooth around the input
    return np.asarray(noise + 2.0 * np.eye(n))


@st.composite
def solve_inputs(draw):
    a = draw(square_matrices())
    n = a.shape[-1]
    kind = draw(st.sampled_from(["vector", "batch_vector", "matrix"]))
    if kind == "vector":
        b = draw(arrays((n,)))
    elif kind == "batch_vector":
        b = draw(arrays(a.shape[:-1]))
    else:
        b = draw(arrays((n, draw(st.integers(1, 3)))))
    return (a, b), {}


def _solve_ref(a, b):
    if b.ndim == 1 or b.shape == a.shape[:-1]:
        return np.linalg.solve(a, b[..., None])[..., 0]
    return np.linalg.solve(a, b)


CASES = [
    Case("dot", lambda a, b: a.dot(b), np.dot, vector_pair()),
    Case("outer", lambda a, b: ag.outer(a, b), np.outer, vector_pair(False)),
    Case("einsum", lambda *ops, equation: ag.einsum(equation, *ops),
         lambda *ops, equation: np.einsum(equation, *ops), einsum_inputs()),
    Case("inverse", lambda a: a.inverse(), np.linalg.inv,
         square_matrices().map(lambda a: ((a,), {}))),
    Case("det", lambda a: ag.det(a), np.linalg.det,
         square_matrices().map(lambda a: ((a,), {}))),
    Case("solve", lambda a, b: ag.solve(a, b), _solve_ref, solve_inputs()),
]


test_values, test_gradients, test_second_order = case_tests(CASES)


def test_linalg_namespace_and_numpy_dispatch():
    a = ag.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=np.float64, requires_grad=True)
    np.testing.assert_allclose(ag.linalg.inv(a).data, np.linalg.inv(a.data))
    assert ag.linalg.det(a).item() == pytest.approx(5.0)
    out = np.linalg.det(a)  # numpy's function on a Tensor records the det gate
    out.backward()
    np.testing.assert_allclose(a.grad.data, [[3.0, -1.0], [-1.0, 2.0]])  # det * a^-T


def test_linalg_errors_are_clear():
    with pytest.raises(ValueError, match=r"inverse: expected a square matrix .* got shape "
                       r"\(2, 3\)"):
        ag.zeros(2, 3).inverse()
    with pytest.raises(ValueError, match=r"inverse: the matrix of shape \(2, 2\) is singular"):
        ag.zeros(2, 2).inverse()
    with pytest.raises(ValueError, match=r"dot: expected two 1-D tensors of the same length, "
                       r"got shapes \(2,\) and \(3,\)"):
        ag.dot(ag.zeros(2), ag.zeros(3))
    with pytest.raises(ValueError, match=r"einsum: subscripts 'ij' of operand 0 do not match "
                       r"its shape \(2, 3, 4\)"):
        ag.einsum("ij->i", ag.zeros(2, 3, 4))
    with pytest.raises(ValueError, match=r"einsum: the equation 'ij,jk' has 2 operand"):
        ag.einsum("ij,jk", ag.zeros(2, 2))


LARGE_EINSUMS = {  # long plain loops: einsum takes a contraction path (BLAS)
    "ij,jk,kl->il": [(40, 30), (30, 50), (50, 20)],
    "bij,bjk->bik": [(4, 30, 40), (4, 40, 30)],
    "ii,ij->j": [(300, 300), (300, 500)],  # a diagonal
    "bhqd,bhkd->bhqk": [(2, 4, 32, 32), (2, 4, 32, 32)],  # attention scores
    "ij,j->": [(400, 400), (400,)],
}


@pytest.mark.parametrize("equation", sorted(LARGE_EINSUMS))
def test_large_einsums_take_a_contraction_path_and_keep_values_and_gradients(equation):
    from autograd.ops.linalg import _OPTIMIZE_FROM, einsum_loop_length

    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape) for shape in LARGE_EINSUMS[equation]]
    assert einsum_loop_length(equation, arrays) >= _OPTIMIZE_FROM
    tensors = [ag.tensor(a, requires_grad=True) for a in arrays]
    out = ag.einsum(equation, *tensors)
    np.testing.assert_allclose(out.data, np.einsum(equation, *arrays), rtol=1e-10, atol=1e-10)
    upstream = rng.standard_normal(out.shape)
    (out * ag.tensor(upstream)).sum().backward()
    # each operand's gradient against the same contraction with that operand's slot opened
    for k, (tensor, array) in enumerate(zip(tensors, arrays)):
        def projected(x, k=k):
            values = [x if i == k else a for i, a in enumerate(arrays)]
            return float(np.sum(np.einsum(equation, *values) * upstream))
        direction = rng.standard_normal(array.shape)
        eps = 1e-6
        numeric = (projected(array + eps * direction) - projected(array - eps * direction)) / (
            2 * eps)
        assert np.sum(tensor.grad.data * direction) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def test_einsum_loop_length():
    from autograd.ops.linalg import einsum_loop_length

    assert einsum_loop_length("ij,jk->ik", [np.ones((2, 3)), np.ones((3, 4))]) == 24
    assert einsum_loop_length("ii->i", [np.ones((5, 5))]) == 5
    assert einsum_loop_length("ij,j->i", [np.ones((2, 3)), np.ones((1,))]) == 6  # broadcast
