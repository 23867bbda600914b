"""Optional: the foundation's ops against PyTorch (values and gradients, float64)."""

import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

rng = np.random.default_rng(0)

CASES = {
    "add_broadcast": (lambda a, b: a + b, [(3, 1), (4,)]),
    "sub": (lambda a, b: a - b, [(2, 3), (2, 3)]),
    "mul_broadcast": (lambda a, b: a * b, [(2, 1, 3), (4, 1)]),
    "div": (lambda a, b: a / (b * b + 0.5), [(3,), (3,)]),
    "pow_positive_base": (lambda a, b: (a * a + 0.1) ** b, [(4,), (4,)]),
    "matmul_batched": (lambda a, b: a @ b, [(2, 3, 4), (4, 5)]),
    "matmul_vector": (lambda a, b: a @ b, [(4,), (3, 4, 2)]),
    "exp_log_sqrt": (lambda a: (a.exp() + 1).log().sqrt(), [(5,)]),
    "tanh_sigmoid_relu_abs": (lambda a: a.tanh() + a.sigmoid() + a.relu() + a.abs(), [(6,)]),
    "maximum_minimum": (lambda a, b: ag.maximum(a, b) * 2 + ag.minimum(a, b)
                        if isinstance(a, ag.Tensor)
                        else torch.maximum(a, b) * 2 + torch.minimum(a, b), [(5,), (5,)]),
    "sum_mean_dims": (lambda a: a.sum(1, keepdim=True) * a.mean((0, 1)), [(2, 3, 4)]),
    "reshape_transpose_T": (lambda a: a.reshape(4, 6).T.transpose(0, 1) * 2, [(2, 3, 4)]),
    "indexing": (lambda a: a[1:, ::2, None] * a[[0, 0, 1]].sum(), [(3, 4)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_pytorch(name):
    fn, shapes = CASES[name]
    arrays = [rng.standard_normal(shape) for shape in shapes]
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = fn(*ours), fn(*theirs)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = rng.standard_normal(out.shape)
    (out * weights).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("base,exponent", [(0.0, 0.0), (0.0, 2.0), (0.0, 0.5), (2.0, 0.0),
                                            (0.0, -1.0), (-2.0, 2.0), (-2.0, 0.5)])
def test_pow_edge_cases_match_pytorch(base, exponent):
    a, b = ag.tensor(base, requires_grad=True, dtype=np.float64), ag.tensor(
        exponent, requires_grad=True, dtype=np.float64)
    ta = torch.tensor(base, requires_grad=True, dtype=torch.float64)
    tb = torch.tensor(exponent, requires_grad=True, dtype=torch.float64)
    with np.errstate(all="ignore"):
        out = a**b
        out.backward()
    ref = ta**tb
    ref.backward()
    np.testing.assert_equal(out.item(), ref.item())
    np.testing.assert_equal(a.grad.item(), ta.grad.item())
    np.testing.assert_equal(b.grad.item(), tb.grad.item())


def test_max_ties_split_like_pytorch():
    a, b = ag.tensor([1.0, 2.0], requires_grad=True), ag.tensor([1.0, 3.0], requires_grad=True)
    ta, tb = torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([1.0, 3.0],
                                                                        requires_grad=True)
    ag.maximum(a, b).sum().backward()
    torch.maximum(ta, tb).sum().backward()
    assert a.grad.tolist() == ta.grad.tolist() and b.grad.tolist() == tb.grad.tolist()
