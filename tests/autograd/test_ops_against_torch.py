"""Optional: the op library against PyTorch 2.13 (values, gradients and second derivatives in
float64, including the edge cases where the semantics are a choice: ties, zeros, bounds)."""

import types

import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")
F = torch.nn.functional

# PyTorch's spellings where they differ from gategrad's top level
TORCH = types.SimpleNamespace(
    **{name: getattr(torch, name) for name in dir(torch) if not name.startswith("_")})
TORCH.pad = F.pad
TORCH.softplus = F.softplus
TORCH.solve = torch.linalg.solve


def randn(*shape):
    return lambda rng: rng.standard_normal(shape)


def positive(*shape):
    return lambda rng: rng.uniform(0.3, 2.0, shape)


def fixed(values):
    return lambda rng: np.array(values, dtype=np.float64)


def spd(n):
    return lambda rng: rng.standard_normal((n, n)) * 0.3 + 2 * np.eye(n)


INDEX = np.array([[0, 2, 1, 0], [2, 2, 0, 1]])

CASES = {
    "softmax": (lambda L, x: L.softmax(x, 1), [randn(3, 4)]),
    "log_softmax_large": (lambda L, x: L.log_softmax(x * 500, 0), [randn(5)]),
    "logsumexp": (lambda L, x: L.logsumexp(x, (0, 2), keepdim=True), [randn(2, 3, 4)]),
    "var_std": (lambda L, x: x.var(1, correction=0) + x.std(0, keepdim=True).sum()
                + x.var(), [randn(3, 4)]),
    "var_unbiased_positional": (lambda L, x: x.var(1, True) + x.std(0, False).sum(),
                                [randn(3, 4)]),
    "max_full_ties": (lambda L, x: (x.max() + x.min()) * 2,
                      [fixed([[1.0, 3.0, 3.0], [3.0, 0.0, 0.0]])]),
    "max_dim_ties": (lambda L, x: x.max(1).values * 3 + x.min(0, keepdim=True)[0].sum(),
                     [fixed([[1.0, 3.0, 3.0], [3.0, 0.0, 0.0]])]),
    "amax_amin_ties": (lambda L, x: x.amax((0, 1)) + x.amin(1).sum(),
                       [fixed([[1.0, 3.0, 3.0], [3.0, 0.0, 0.0]])]),
    "shape_ops": (lambda L, x: L.cat([x.unsqueeze(0).flatten(0, 1), x.flip(0)], 1)
                  .unflatten(1, (2, 4)).squeeze().roll((1, -1), (0, 2)), [randn(3, 4)]),
    "stack_split_chunk_unbind": (lambda L, x: L.stack([x.split(2, 1)[0], x.chunk(3, 1)[1],
                                                       L.stack(x.unbind(1)[1:3], 1)]),
                                 [randn(3, 5)]),
    "pad_constant_negative": (lambda L, x: L.pad(x, (1, -1, 2, 0), value=1.5), [randn(3, 4)]),
    "pad_reflect": (lambda L, x: L.pad(x, (2, 1, 1, 2), mode="reflect"), [randn(1, 3, 4)]),
    "pad_replicate": (lambda L, x: L.pad(x, (2, 3), mode="replicate"), [randn(2, 3, 4)]),
    "pad_circular": (lambda L, x: L.pad(x, (1, 2, 2, 0), mode="circular"), [randn(1, 2, 3, 4)]),
    "clamp_numbers": (lambda L, x: x.clamp(-0.5, 0.5) + L.clamp(x, min=0.2),
                      [fixed([-1.0, -0.5, 0.0, 0.5, 0.2, 2.0])]),
    "clamp_crossed_tensors": (lambda L, x, lo, hi: L.clamp(x, lo, hi),
                              [randn(6), fixed([1.0, -1.0, 0.0, 0.5, 2.0, -2.0]),
                               fixed([0.0, 1.0, 0.5, 0.5, -1.0, 2.0])]),
    "erf_softplus": (lambda L, x: x.erf() + L.softplus(x, beta=2.0, threshold=1.0),
                     [randn(8)]),
    "pointwise": (lambda L, x: x.square() + x.reciprocal() + x.rsqrt() + x.log1p() + x.expm1()
                  + x.log2() + x.log10() + x.exp2() + x.sin() + x.cos() + x.tan(),
                  [positive(6)]),
    "step_functions": (lambda L, x: x.sign() + x.floor() + x.ceil() + x.round() + x.trunc()
                       + x, [fixed([-1.5, -0.5, 0.5, 1.5, 2.5, 0.3])]),
    "logaddexp": (lambda L, x, y: L.logaddexp(x, y * 100), [randn(3, 1), randn(4)]),
    "pow_tensor_exponent_zero_base": (lambda L, x, y: (x * (x > 0)) ** y,
                                      [fixed([0.5, -1.0, 2.0, -0.5]),
                                       fixed([0.0, 0.0, 1.5, 2.0])]),
    "prod_with_zeros": (lambda L, x: x.prod(1) + x.prod(), [fixed([[2.0, 0.0, 3.0],
                                                                 [0.0, 0.0, 5.0],
                                                                 [1.0, 4.0, 2.0]])]),
    "prod_one_zero_all": (lambda L, x: x.prod(), [fixed([3.0, 0.0, 2.0, 4.0])]),
    "norms": (lambda L, x: x.norm() + x.norm(1, 1) .sum() + x.norm(float("inf"))
              + x.norm(3.0, 0, keepdim=True).sum(), [randn(3, 4)]),
    "norm_at_zero": (lambda L, x: (x * 0).norm() + (x * 0).norm(1), [randn(3)]),
    "cumsum": (lambda L, x: x.cumsum(1) * x, [randn(3, 4)]),
    "repeat_tile": (lambda L, x: x.repeat(2, 1, 3).sum(0) + L.tile(x, (1, 3)), [randn(2, 2)]),
    "triangles_diagonal": (lambda L, x: x.triu(1) + x.tril(-1) + x.diagonal(1).sum()
                           + x.diagonal(0, 1, 0).sum(), [randn(4, 3)]),
    "gather_scatter": (lambda L, x, s: x.gather(0, L.tensor(INDEX)) * 2
                       + x.scatter_add(0, L.tensor(INDEX), s)[:2],
                       [randn(3, 4), randn(2, 4)]),
    "index_select_take_along": (lambda L, x: x.index_select(1, L.tensor([3, 0, 3])).sum(1)
                                + L.take_along_dim(x[:2], L.tensor(INDEX[:, :1]), 1)[:, 0][:1]
                                + x.masked_fill(L.tensor([True, False, True, False]), 0.5)[0],
                                [randn(4, 4)]),
    "linalg": (lambda L, a, b: L.einsum("ij,jk->ik", a, a) + L.det(a) * L.inverse(a)
               + L.outer(b, b) + L.dot(b, b) + L.solve(a, b).unsqueeze(0), [spd(3), randn(3)]),
    "einsum_diagonal_ellipsis": (lambda L, a, b: L.einsum("ii,...i->...", a, b),
                                 [randn(3, 3), randn(2, 3)]),
}


def _run(fn, arrays, lib, wrap):
    tensors = [wrap(a) for a in arrays]
    out = fn(lib, *tensors)
    return tensors, out


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_pytorch(name):
    fn, makers = CASES[name]
    rng = np.random.default_rng(0)
    arrays = [make(rng) for make in makers]
    ours, out = _run(fn, arrays, ag, lambda a: ag.tensor(a, requires_grad=True))
    theirs, ref = _run(fn, arrays, TORCH, lambda a: torch.tensor(a, requires_grad=True))
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = rng.standard_normal(out.shape)
    (out * ag.tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    for mine, other in zip(ours, theirs):
        expected = np.zeros(mine.shape) if other.grad is None else other.grad.numpy()
        got = np.zeros(mine.shape) if mine.grad is None else mine.grad.data
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


SECOND_ORDER = ["softmax", "log_softmax_large", "logsumexp", "var_std", "erf_softplus",
                "pointwise", "logaddexp", "norms", "prod_with_zeros", "linalg",
                "einsum_diagonal_ellipsis"]


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_second_derivatives_match_pytorch(name):
    fn, makers = CASES[name]
    rng = np.random.default_rng(1)
    arrays = [make(rng) for make in makers]
    ours, out = _run(fn, arrays, ag, lambda a: ag.tensor(a, requires_grad=True))
    theirs, ref = _run(fn, arrays, TORCH, lambda a: torch.tensor(a, requires_grad=True))
    weights = rng.standard_normal(out.shape)
    our_grads = _grads(lambda: (out * ag.tensor(weights)).sum(), ours)
    their_grads = torch.autograd.grad((ref * torch.tensor(weights)).sum(), theirs,
                                      create_graph=True)
    directions = [rng.standard_normal(a.shape) for a in arrays]
    our_total = sum((g * ag.tensor(d)).sum() for g, d in zip(our_grads, directions))
    their_total = sum((g * torch.tensor(d)).sum() for g, d in zip(their_grads, directions))
    if our_total.requires_grad:
        our_total.backward()
    second = torch.autograd.grad(their_total, theirs, allow_unused=True)
    for mine, other in zip(ours, second):
        expected = np.zeros(mine.shape) if other is None else other.numpy()
        got = np.zeros(mine.shape) if mine.grad is None else mine.grad.data
        np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-10)


def _grads(loss_fn, inputs):
    loss = loss_fn()
    loss.backward(create_graph=True)
    grads = [x.grad for x in inputs]
    for x in inputs:
        x.grad = None
    return grads


def test_promotion_matches_pytorch():
    pairs = [
        (np.float32, np.float64, True, True), (np.int64, np.float32, True, True),
        (np.float32, np.float64, True, False), (np.int64, np.float64, True, False),
        (np.bool_, np.int64, True, False), (np.int32, np.int64, True, True),
    ]
    for a_type, b_type, a_dims, b_dims in pairs:
        a_np = np.ones(2 if a_dims else (), a_type)
        b_np = np.ones(2 if b_dims else (), b_type)
        ours = (ag.from_numpy(a_np) + ag.from_numpy(b_np)).dtype
        theirs = (torch.from_numpy(a_np) + torch.from_numpy(b_np)).dtype
        assert str(theirs).replace("torch.", "") == str(ours), (a_type, b_type, a_dims, b_dims)
    for scalar in (2, 2.5, True):
        for dtype in (np.float32, np.int64, np.int32, np.bool_):
            ours = (ag.from_numpy(np.ones(2, dtype)) * scalar).dtype
            theirs = (torch.from_numpy(np.ones(2, dtype)) * scalar).dtype
            assert str(theirs).replace("torch.", "") == str(ours), (dtype, scalar)


def test_max_dim_indices_and_chunk_sizes_match_pytorch():
    x = np.array([[1.0, 3.0, 3.0], [3.0, 0.0, 0.0]])
    assert ag.tensor(x).max(1).indices.tolist() == torch.tensor(x).max(1).indices.tolist()
    assert ag.tensor(x).argmin(1).tolist() == torch.tensor(x).argmin(1).tolist()
    for n, chunks in [(6, 4), (5, 3), (7, 7), (2, 5)]:
        ours = [p.shape[0] for p in ag.arange(n).chunk(chunks)]
        theirs = [p.shape[0] for p in torch.arange(n).chunk(chunks)]
        assert ours == theirs
