"""Rearranging, joining and splitting: squeeze/unsqueeze/flatten/unflatten/movedim, cat, stack,
split/chunk/unbind, pad (all modes), flip, roll, repeat/tile, triu/tril, diagonal/trace, clone."""

import numpy as np
import pytest
from hypothesis import strategies as st

import autograd as ag
from tests.autograd.opcases import Case, case_tests
from tests.autograd.strategies import arrays, shapes, with_dim, with_dims


@st.composite
def squeeze_inputs(draw):
    x = draw(arrays(shapes(max_side=2, max_dims=4)))
    choice = draw(st.sampled_from(["none", "int", "tuple"])) if x.ndim else "none"
    if choice == "none":
        return (x,), {"dim": None}
    if choice == "int":
        return (x,), {"dim": draw(st.integers(-x.ndim, x.ndim - 1))}
    dims = draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, unique=True))
    return (x,), {"dim": tuple(dims)}


def _squeeze_ref(x, dim):
    if dim is None:
        return np.squeeze(x)
    dims = (dim,) if isinstance(dim, int) else dim
    return np.squeeze(x, axis=tuple(d for d in dims if x.shape[d] == 1))


@st.composite
def unsqueeze_inputs(draw):
    x = draw(arrays())
    return (x,), {"dim": draw(st.integers(-x.ndim - 1, x.ndim))}


@st.composite
def flatten_inputs(draw):
    x = draw(arrays(min_dims=1, max_dims=4, max_side=3))
    a, b = sorted(draw(st.lists(st.integers(0, x.ndim - 1), min_size=2, max_size=2)))
    return (x,), {"start_dim": a - draw(st.sampled_from([0, x.ndim])), "end_dim": b}


def _flatten_ref(x, start_dim, end_dim):
    start, end = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:start] + (-1,) + x.shape[end + 1:])


@st.composite
def unflatten_inputs(draw):
    x, dim = draw(with_dim())
    n = x.shape[dim]
    d = draw(st.sampled_from([k for k in range(1, n + 1) if n % k == 0]))
    sizes = draw(st.sampled_from([(d, n // d), (-1, d), (n // d, 1, d)]))
    return (x,), {"dim": dim, "sizes": sizes}


def _unflatten_ref(x, dim, sizes):
    dim %= x.ndim
    return x.reshape(x.shape[:dim] + tuple(sizes) + x.shape[dim + 1:])


@st.composite
def movedim_inputs(draw):
    x = draw(arrays(min_dims=1, max_dims=4, max_side=3))
    source = draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, unique=True))
    destination = draw(st.permutations(range(x.ndim)))[: len(source)]
    return (x,), {"source": tuple(source), "destination": tuple(destination)}


@st.composite
def cat_inputs(draw):
    base = draw(shapes(min_dims=1))
    dim = draw(st.integers(-len(base), len(base) - 1))
    count = draw(st.integers(1, 3))
    parts = []
    for _ in range(count):
        shape = list(base)
        shape[dim] = draw(st.integers(0, 3))
        parts.append(draw(arrays(tuple(shape))))
    return tuple(parts), {"dim": dim}


@st.composite
def stack_inputs(draw):
    shape = draw(shapes())
    count = draw(st.integers(1, 3))
    parts = tuple(draw(arrays(shape)) for _ in range(count))
    return parts, {"dim": draw(st.integers(-len(shape) - 1, len(shape)))}


@st.composite
def split_inputs(draw):
    x, dim = draw(with_dim())
    n = x.shape[dim]
    if draw(st.booleans()):
        sections = draw(st.integers(1, n + 1))
    else:
        cuts = sorted(draw(st.lists(st.integers(0, n), max_size=3)))
        sections = [b - a for a, b in zip([0] + cuts, cuts + [n])]
    return (x,), {"sections": sections, "dim": dim}


def _weighted(pieces):
    return ag.cat([p.reshape(-1) * (i + 1) for i, p in enumerate(pieces)])


def _weighted_ref(pieces):
    return np.concatenate([p.reshape(-1) * (i + 1) for i, p in enumerate(pieces)])


def _split_ref(x, sections, dim):
    n = x.shape[dim]
    sizes = [min(sections, n - s) for s in range(0, n, sections)] if isinstance(
        sections, int) else sections
    bounds = np.cumsum([0] + list(sizes))
    return _weighted_ref([np.take(x, range(a, b), axis=dim) for a, b in zip(bounds, bounds[1:])])


@st.composite
def chunk_inputs(draw):
    x, dim = draw(with_dim())
    return (x,), {"chunks": draw(st.integers(1, 5)), "dim": dim}


def _chunk_ref(x, chunks, dim):
    return _split_ref(x, -(-x.shape[dim] // chunks), dim)


@st.composite
def pad_inputs(draw, mode):
    x = draw(arrays(min_dims=1, max_dims=3, max_side=4))
    count = draw(st.integers(1, x.ndim))
    widths = []
    for d in range(x.ndim - 1, x.ndim - 1 - count, -1):
        n = x.shape[d]
        low, high = {"constant": (-(n // 2), 2), "reflect": (0, n - 1),
                     "replicate": (0, 3), "circular": (0, n)}[mode]
        widths += [draw(st.integers(low, high)), draw(st.integers(low, high))]
    params = {"pad": tuple(widths), "mode": mode}
    if mode == "constant":
        params["value"] = draw(st.sampled_from([0.0, 1.5]))
    return (x,), params


def _pad_ref(x, pad, mode, value=0.0):
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    crop = tuple(slice(max(-b, 0), n - max(-a, 0)) for n, (b, a) in zip(x.shape, widths))
    grow = [(max(b, 0), max(a, 0)) for b, a in widths]
    numpy_mode = {"constant": "constant", "reflect": "reflect", "replicate": "edge",
                  "circular": "wrap"}[mode]
    kwargs = {"constant_values": value} if mode == "constant" else {}
    return np.pad(x[crop], grow, mode=numpy_mode, **kwargs)


@st.composite
def roll_inputs(draw):
    x = draw(arrays(min_dims=1))
    if draw(st.booleans()):
        return (x,), {"shifts": draw(st.integers(-5, 5)), "dims": None}
    dims = draw(st.lists(st.integers(0, x.ndim - 1), min_size=1, unique=True))
    shifts = draw(st.lists(st.integers(-5, 5), min_size=len(dims), max_size=len(dims)))
    return (x,), {"shifts": tuple(shifts), "dims": tuple(dims)}


@st.composite
def repeat_inputs(draw):
    x = draw(arrays(max_dims=2, max_side=3))
    reps = draw(st.lists(st.integers(0, 3), min_size=x.ndim, max_size=x.ndim + 1))
    return (x,), {"reps": tuple(reps)}


def _repeat_ref(x, reps):
    return np.tile(x.reshape((1,) * (len(reps) - x.ndim) + x.shape), reps)


@st.composite
def triangle_inputs(draw):
    x = draw(arrays(min_dims=2, max_dims=3))
    return (x,), {"diagonal": draw(st.integers(-3, 3))}


@st.composite
def diagonal_inputs(draw):
    x = draw(arrays(min_dims=2, max_dims=3))
    d1, d2 = draw(st.lists(st.integers(-x.ndim, x.ndim - 1), min_size=2, max_size=2).filter(
        lambda ds: ds[0] % x.ndim != ds[1] % x.ndim))
    return (x,), {"offset": draw(st.integers(-2, 2)), "dim1": d1, "dim2": d2}


CASES = [
    Case("squeeze", lambda x, dim: x.squeeze(dim), _squeeze_ref, squeeze_inputs(), linear=True),
    Case("unsqueeze", lambda x, dim: ag.unsqueeze(x, dim),
         lambda x, dim: np.expand_dims(x, dim), unsqueeze_inputs(), linear=True),
    Case("flatten", lambda x, start_dim, end_dim: x.flatten(start_dim, end_dim), _flatten_ref,
         flatten_inputs(), linear=True),
    Case("unflatten", lambda x, dim, sizes: x.unflatten(dim, sizes), _unflatten_ref,
         unflatten_inputs(), linear=True),
    Case("movedim", lambda x, source, destination: x.movedim(source, destination),
         np.moveaxis, movedim_inputs(), linear=True),
    Case("cat", lambda *xs, dim: ag.cat(list(xs), dim),
         lambda *xs, dim: np.concatenate(xs, axis=dim), cat_inputs(), linear=True),
    Case("stack", lambda *xs, dim: ag.stack(xs, dim),
         lambda *xs, dim: np.stack(xs, axis=dim), stack_inputs(), linear=True),
    Case("split", lambda x, sections, dim: _weighted(x.split(sections, dim)), _split_ref,
         split_inputs(), linear=True),
    Case("chunk", lambda x, chunks, dim: _weighted(ag.chunk(x, chunks, dim)), _chunk_ref,
         chunk_inputs(), linear=True),
    Case("unbind", lambda x, dim: _weighted(x.unbind(dim)),
         lambda x, dim: _weighted_ref([np.take(x, i, axis=dim) for i in range(x.shape[dim])]),
         with_dim().map(lambda t: ((t[0],), {"dim": t[1]})), linear=True),
    *[Case(f"pad_{mode}", lambda x, **kw: ag.pad(x, **kw), _pad_ref, pad_inputs(mode),
           linear=True) for mode in ("constant", "reflect", "replicate", "circular")],
    Case("flip", lambda x, dim: x.flip(dim) if dim is not None else ag.flip(x),
         lambda x, dim: np.flip(x, dim), with_dims().map(lambda t: ((t[0],), {"dim": t[1]})),
         linear=True),
    Case("roll", lambda x, shifts, dims: x.roll(shifts, dims),
         lambda x, shifts, dims: np.roll(x, shifts, dims), roll_inputs(), linear=True),
    Case("repeat", lambda x, reps: x.repeat(*reps), _repeat_ref, repeat_inputs(), linear=True),
    Case("tile", lambda x, reps: ag.tile(x, reps), np.tile, repeat_inputs(), linear=True),
    Case("triu", lambda x, diagonal: x.triu(diagonal),
         lambda x, diagonal: np.triu(x, diagonal), triangle_inputs(), linear=True),
    Case("tril", lambda x, diagonal: ag.tril(x, diagonal),
         lambda x, diagonal: np.tril(x, diagonal), triangle_inputs(), linear=True),
    Case("diagonal", lambda x, **kw: x.diagonal(**kw),
         lambda x, offset, dim1, dim2: np.diagonal(x, offset, dim1, dim2), diagonal_inputs(),
         linear=True),
    Case("trace", lambda x: x.trace(), np.trace,
         arrays(min_dims=2, max_dims=2).map(lambda x: ((x,), {})), linear=True),
    Case("clone", lambda x: x.clone(), np.copy, arrays().map(lambda x: ((x,), {})),
         linear=True),
    Case("contiguous", lambda x: x.contiguous(), lambda x: np.array(x, order="C"),
         arrays().map(lambda x: ((x,), {})), linear=True),
]


test_values, test_gradients, test_second_order = case_tests(CASES)


def test_cat_with_mismatched_shapes_names_the_shapes_and_the_dim():
    with pytest.raises(ValueError, match=r"cat: expected all tensors to have the same shape "
                       r"except in dim 1, but tensor 0 has shape \(2, 3\) and tensor 1 has "
                       r"shape \(4, 3\)"):
        ag.cat([ag.zeros(2, 3), ag.zeros(4, 3)], dim=1)
    with pytest.raises(ValueError, match="cat: expected a non-empty list"):
        ag.cat([])
    with pytest.raises(TypeError, match="cat: expected a list or tuple of tensors"):
        ag.cat(ag.zeros(2))
    with pytest.raises(IndexError, match=r"cat: Dimension out of range"):
        ag.cat([ag.zeros(2)], dim=1)


def test_stack_split_unflatten_errors_are_clear():
    with pytest.raises(ValueError, match=r"stack: expects each tensor to be equal size, but got "
                       r"\(2,\) at entry 0 and \(3,\) at entry 1"):
        ag.stack([ag.zeros(2), ag.zeros(3)])
    with pytest.raises(ValueError, match=r"split_sizes to sum exactly to 4"):
        ag.zeros(4).split([1, 2])
    with pytest.raises(ValueError, match=r"unflatten: sizes \(3, 2\) do not multiply to the "
                       r"size 4 of dim 0"):
        ag.zeros(4).unflatten(0, (3, 2))
    with pytest.raises(ValueError, match=r"reflect padding \(3, 0\) of dim 1"):
        ag.pad(ag.zeros(2, 3), (3, 0), mode="reflect")
    with pytest.raises(ValueError, match="padding length must be even"):
        ag.pad(ag.zeros(2, 3), (1,))
    with pytest.raises(ValueError, match=r"repeat: the number of repeat dims 1 can not be "
                       r"smaller than the number of dims 2"):
        ag.zeros(2, 3).repeat(2)


def test_cat_promotes_dtypes_and_returns_gradients_in_each_dtype():
    a = ag.ones(2, requires_grad=True)
    b = ag.ones(3, dtype=np.float64, requires_grad=True)
    out = ag.cat([a, b])
    assert out.dtype == np.float64
    (out * ag.arange(5.0).double()).sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_array_equal(a.grad.data, [0, 1])
    np.testing.assert_array_equal(b.grad.data, [2, 3, 4])


def test_reflect_pad_gradient_counts_each_copy():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = ag.pad(x.reshape(1, 1, 3), (2, 2), mode="reflect")
    np.testing.assert_array_equal(out.data.reshape(-1), [3, 2, 1, 2, 3, 2, 1])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2, 3, 2])


def test_chunk_follows_pytorch_sizes():
    sizes = [piece.shape[0] for piece in ag.arange(6).chunk(4)]
    assert sizes == [2, 2, 2]  # ceil(6 / 4) = 2 per chunk, so only 3 chunks
    assert [p.shape[0] for p in ag.arange(5).split(2)] == [2, 2, 1]


def test_squeeze_keeps_dims_that_are_not_one():
    assert ag.zeros(2, 1, 3).squeeze(0).shape == (2, 1, 3)
    assert ag.zeros(2, 1, 3).squeeze(1).shape == (2, 3)
    assert ag.zeros(1, 2, 1).squeeze((0, 2)).shape == (2,)


def test_triu_tril_keep_bool_and_integer_dtypes():
    # regression (differential testing against PyTorch): a bool input came back int64
    mask = ag.tensor([[True, True], [True, True]])
    assert mask.tril().dtype == np.bool_ and mask.triu(1).tolist() == [[False, True],
                                                                       [False, False]]
    assert ag.tensor([[1, 2], [3, 4]]).triu().dtype == np.int64


def test_constant_pad_crops_before_it_pads_like_pytorch():
    # regression (differential testing against PyTorch): (-1, 1) on an empty dim was accepted
    with pytest.raises(ValueError, match=r"pad: widths \(-1, 1\) crop more than the shape \(0,\)"):
        ag.pad(ag.zeros(0), (-1, 1))
    assert ag.pad(ag.tensor([1.0, 2.0, 3.0]), (-1, 2), value=7).tolist() == [2.0, 3.0, 7.0, 7.0]
