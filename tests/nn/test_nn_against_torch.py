"""Optional: every layer against the PyTorch layer loaded with the same weights (float64):
outputs, input gradients and parameter gradients, in training and in eval mode (eval only
for the layers whose training mode draws random numbers)."""

import numpy as np
import pytest

import autograd
import nn

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same.:UserWarning")

rng = np.random.default_rng(0)

# integer indices with repeats, the padding row 2 and the last row 9 (padding_idx=-1)
INDICES = np.array([[1, 2, 0, 2], [9, 2, 7, 1], [9, 9, 3, 2]])
# masks for query length 4, key length 5, batch 2, 3 heads; True = may not be attended. Key 2
# is blocked by none of them, so no query loses all its keys (that row would be nan in both)
BLOCKED = np.array([[0, 1, 0, 0, 1], [1, 0, 0, 1, 0], [0, 1, 0, 1, 1], [1, 1, 0, 0, 1]], bool)
BLOCKED_PER_HEAD = rng.random((6, 4, 5)) < 0.5
BLOCKED_PER_HEAD[..., 2] = False
PADDING = np.array([[0, 0, 0, 1, 1], [1, 0, 0, 0, 0]], bool)
CAUSAL = np.triu(np.ones((4, 4), bool), 1)  # PyTorch wants the mask with the is_causal hint
MHA = lambda m: m.MultiheadAttention(6, 3)  # noqa: E731
MHA_SHAPES = [(4, 2, 6), (5, 2, 6), (5, 2, 6)]
SELF_SHAPES = [(4, 2, 6)] * 3

# (name, constructor taking the nn namespace, inputs, optional call kwargs). An input is a shape
# (a random float64 tensor that requires grad) or an array (a constant, e.g. indices); a list
# gives several inputs. Arrays among the call kwargs are passed as tensors of either library.
LAYERS = [
    ("linear", lambda m: m.Linear(5, 3), (4, 2, 5)),
    ("conv1d", lambda m: m.Conv1d(3, 4, 3, stride=2, padding=1), (2, 3, 9)),
    ("conv2d", lambda m: m.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=1, dilation=(1, 2)),
     (2, 3, 8, 7)),
    ("conv2d same", lambda m: m.Conv2d(2, 4, 4, padding="same", bias=False), (1, 2, 6, 5)),
    ("depthwise", lambda m: m.Conv2d(4, 8, 3, groups=4), (2, 4, 6, 6)),
    ("conv3d", lambda m: m.Conv3d(2, 3, 2, stride=(1, 2, 1)), (1, 2, 4, 5, 3)),
    ("conv_transpose1d", lambda m: m.ConvTranspose1d(3, 2, 4, stride=3, padding=1), (2, 3, 5)),
    ("conv_transpose2d", lambda m: m.ConvTranspose2d(4, 6, 3, stride=2, padding=1,
                                                    output_padding=1, groups=2, dilation=1),
     (2, 4, 4, 3)),
    ("maxpool2d", lambda m: m.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), (2, 3, 9, 8)),
    ("maxpool1d", lambda m: m.MaxPool1d(2, dilation=2), (2, 3, 9)),
    ("avgpool2d", lambda m: m.AvgPool2d(3, 2, 1, count_include_pad=False), (2, 3, 7, 8)),
    ("avgpool1d", lambda m: m.AvgPool1d(3, 2, 1, ceil_mode=True), (2, 3, 8)),
    ("adaptive2d", lambda m: m.AdaptiveAvgPool2d((3, 4)), (2, 3, 7, 9)),
    ("adaptive1d", lambda m: m.AdaptiveAvgPool1d(5), (2, 3, 7)),
    ("upsample nearest", lambda m: m.Upsample(size=(5, 7)), (1, 2, 3, 4)),
    ("upsample bilinear", lambda m: m.Upsample(scale_factor=2, mode="bilinear"), (1, 2, 3, 4)),
    ("upsample corners", lambda m: m.Upsample(size=(4, 6), mode="bilinear", align_corners=True),
     (1, 2, 3, 4)),
    ("upsample trilinear", lambda m: m.Upsample(scale_factor=2, mode="trilinear"),
     (1, 2, 2, 3, 2)),
    ("upsample fractional", lambda m: m.Upsample(scale_factor=1.5, mode="bilinear"),
     (1, 2, 3, 4)),
    ("upsample nearest shrink", lambda m: m.Upsample(scale_factor=0.7), (1, 2, 5, 7)),
    ("batchnorm1d", lambda m: m.BatchNorm1d(3, momentum=0.3), (5, 3, 4)),
    ("batchnorm2d", lambda m: m.BatchNorm2d(3), (4, 3, 2, 3)),
    ("layernorm", lambda m: m.LayerNorm((3, 4)), (2, 5, 3, 4)),
    ("groupnorm", lambda m: m.GroupNorm(3, 6), (2, 6, 4)),
    ("prelu", lambda m: m.PReLU(3), (2, 3, 4)),
    ("leaky_relu", lambda m: m.LeakyReLU(0.2), (3, 4)),
    ("elu", lambda m: m.ELU(0.7), (3, 4)),
    ("selu", lambda m: m.SELU(), (3, 4)),
    ("gelu", lambda m: m.GELU(), (3, 4)),
    ("gelu tanh", lambda m: m.GELU(approximate="tanh"), (3, 4)),
    ("silu", lambda m: m.SiLU(), (3, 4)),
    ("softplus", lambda m: m.Softplus(2.0, 1.0), (3, 4)),
    ("softmax", lambda m: m.Softmax(dim=1), (3, 4)),
    ("log_softmax", lambda m: m.LogSoftmax(dim=0), (3, 4)),
    ("flatten", lambda m: m.Flatten(1, 2), (2, 3, 4, 5)),
    ("rnn", lambda m: m.RNN(3, 4, num_layers=2, nonlinearity="relu"), (5, 2, 3)),
    ("lstm", lambda m: m.LSTM(3, 4, bidirectional=True, batch_first=True), (2, 5, 3)),
    ("gru", lambda m: m.GRU(3, 4, num_layers=2, bidirectional=True), (5, 2, 3)),
    ("lstm cell", lambda m: m.LSTMCell(3, 4), (2, 3)),
    ("gru cell", lambda m: m.GRUCell(3, 4), (2, 3)),
    ("rnn cell", lambda m: m.RNNCell(3, 4), (2, 3)),
    ("mha", lambda m: m.MultiheadAttention(6, 3), [(4, 2, 6), (5, 2, 6), (5, 2, 6)]),
    ("mha cross", lambda m: m.MultiheadAttention(6, 2, kdim=4, vdim=5, batch_first=True),
     [(2, 4, 6), (2, 3, 4), (2, 3, 5)]),
    ("mha attn_mask bool", MHA, MHA_SHAPES, {"attn_mask": BLOCKED}),
    ("mha attn_mask float", MHA, MHA_SHAPES, {"attn_mask": rng.standard_normal((4, 5))}),
    ("mha attn_mask per head", MHA, MHA_SHAPES,
     {"attn_mask": BLOCKED_PER_HEAD, "average_attn_weights": False}),
    ("mha key_padding_mask", MHA, MHA_SHAPES, {"key_padding_mask": PADDING}),
    ("mha key_padding_mask float", MHA, MHA_SHAPES,
     {"key_padding_mask": rng.standard_normal((2, 5))}),
    ("mha both masks", MHA, MHA_SHAPES,
     {"attn_mask": BLOCKED, "key_padding_mask": PADDING}),
    ("mha both masks batch_first",
     lambda m: m.MultiheadAttention(6, 2, kdim=3, vdim=4, batch_first=True),
     [(2, 4, 6), (2, 5, 3), (2, 5, 4)],
     {"attn_mask": BLOCKED, "key_padding_mask": PADDING}),
    ("mha is_causal", MHA, SELF_SHAPES, {"attn_mask": CAUSAL, "is_causal": True}),
    ("mha is_causal no weights", MHA, SELF_SHAPES,
     {"attn_mask": CAUSAL, "is_causal": True, "need_weights": False}),
    ("mha is_causal key_padding_mask", MHA, SELF_SHAPES,
     {"attn_mask": CAUSAL, "is_causal": True, "key_padding_mask": PADDING[:, 1:]}),
    ("mha unbatched masks", MHA, [(4, 6), (5, 6), (5, 6)],
     {"attn_mask": BLOCKED, "key_padding_mask": PADDING[0]}),
    ("embedding", lambda m: m.Embedding(10, 3), INDICES),
    ("embedding padding_idx", lambda m: m.Embedding(10, 3, padding_idx=2), INDICES),
    ("embedding padding_idx negative", lambda m: m.Embedding(10, 3, padding_idx=-1), INDICES),
    ("unflatten", lambda m: m.Unflatten(1, (2, 3)), (4, 6, 5)),
    ("unflatten inferred", lambda m: m.Unflatten(-1, (-1, 2)), (3, 4, 6)),
    ("relu", lambda m: m.ReLU(), (3, 4)),
    ("sigmoid", lambda m: m.Sigmoid(), (3, 4)),
    ("tanh", lambda m: m.Tanh(), (3, 4)),
]

# training mode draws random numbers (different in each library): compared in eval mode only
EVAL_ONLY = [
    ("dropout", lambda m: m.Dropout(0.4), (3, 4)),
    ("dropout2d", lambda m: m.Dropout2d(0.3), (2, 3, 4, 5)),
    ("mha dropout", lambda m: m.MultiheadAttention(6, 3, dropout=0.5), MHA_SHAPES,
     {"key_padding_mask": PADDING}),
]

CASES = [
    pytest.param(case[0], case[1], case[2], case[3] if len(case) > 3 else {}, training,
                 id=f"{case[0]}-{'train' if training else 'eval'}")
    for case in LAYERS + EVAL_ONLY
    for training in ((False,) if case in EVAL_ONLY else (True, False))
]


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [t for item in out for t in _flat(item)]
    return [] if out is None else [out]


def _run(module, inputs, kwargs, library):
    wrap = torch.tensor if library is torch else autograd.Tensor
    kwargs = {k: wrap(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    outs = _flat(module(*inputs, **kwargs))
    total = None
    for i, out in enumerate(outs):
        cot = np.random.default_rng(i).standard_normal(tuple(out.shape))
        term = (out * (torch.tensor(cot) if library is torch else autograd.Tensor(cot))).sum()
        total = term if total is None else total + term
    total.backward()
    return outs


@pytest.mark.parametrize("name, build, inputs, kwargs, training", CASES)
def test_layer_matches_pytorch(name, build, inputs, kwargs, training):
    torch.manual_seed(0)
    reference = build(torch.nn).double()
    if any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in reference.modules()):
        reference(torch.randn((8,) + tuple(inputs[1:]), dtype=torch.float64))  # move stats
    ours = build(nn).double()
    ours.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    reference.train(training)
    ours.train(training)
    inputs = inputs if isinstance(inputs, list) else [inputs]
    arrays = [i if isinstance(i, np.ndarray) else rng.standard_normal(i) for i in inputs]
    differentiable = [np.issubdtype(a.dtype, np.floating) for a in arrays]
    mine = [autograd.Tensor(a, requires_grad=d) for a, d in zip(arrays, differentiable)]
    theirs = [torch.tensor(a, requires_grad=d) for a, d in zip(arrays, differentiable)]
    outs = _run(ours, mine, kwargs, autograd)
    expected = _run(reference, theirs, kwargs, torch)
    assert len(outs) == len(expected)
    for a, b in zip(outs, expected):
        assert tuple(a.shape) == tuple(b.shape) and np.isfinite(a.data).all()
        np.testing.assert_allclose(a.data, b.detach().numpy(), atol=1e-10, rtol=1e-8)
    for a, b, d in zip(mine, theirs, differentiable):
        if d:
            np.testing.assert_allclose(a.grad.data, b.grad.numpy(), atol=1e-10, rtol=1e-8)
    for (key, p), q in zip(ours.named_parameters(), reference.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), atol=1e-10, rtol=1e-8,
                                   err_msg=key)
    for key, value in reference.state_dict().items():  # running statistics moved alike
        np.testing.assert_allclose(ours.state_dict()[key], value.numpy(), atol=1e-12,
                                   err_msg=key)


LOSSES = [
    ("mse", lambda m: m.MSELoss(), "regression"),
    ("l1", lambda m: m.L1Loss(reduction="sum"), "regression"),
    ("huber", lambda m: m.HuberLoss(delta=0.5), "regression"),
    ("smooth_l1", lambda m: m.SmoothL1Loss(reduction="none", beta=0.3), "regression"),
    ("bce", lambda m: m.BCELoss(), "probability"),
    ("bce logits", lambda m: m.BCEWithLogitsLoss(pos_weight=torch.tensor([1.0, 2.0, 0.5],
                                                                         dtype=torch.float64)
                                                 if m is torch.nn else np.array([1.0, 2.0, 0.5])),
     "binary"),
    ("cross_entropy", lambda m: m.CrossEntropyLoss(), "classes"),
    ("cross_entropy options", lambda m: m.CrossEntropyLoss(
        weight=(torch.tensor if m is torch.nn else np.array)([0.5, 1.0, 2.0], dtype=float),
        ignore_index=1,
        label_smoothing=0.1), "classes"),
    ("cross_entropy probabilities", lambda m: m.CrossEntropyLoss(label_smoothing=0.2),
     "distribution"),
    ("nll", lambda m: m.NLLLoss(reduction="sum"), "classes"),
    ("multi_margin", lambda m: m.MultiMarginLoss(p=2, margin=0.5), "classes"),
    ("hinge_embedding", lambda m: m.HingeEmbeddingLoss(margin=0.5), "signs"),
]


def _targets(kind):
    if kind == "regression":
        return rng.standard_normal((4, 3))
    if kind in ("probability", "binary", "distribution"):
        t = rng.random((4, 3))
        return t / t.sum(1, keepdims=True) if kind == "distribution" else t
    if kind == "classes":
        return rng.integers(0, 3, 4)
    return np.where(rng.random((4, 3)) > 0.5, 1.0, -1.0)


@pytest.mark.parametrize("name, build, kind", LOSSES, ids=[c[0] for c in LOSSES])
def test_loss_matches_pytorch(name, build, kind):
    x = rng.standard_normal((4, 3))
    if kind == "probability":
        x = 1 / (1 + np.exp(-x))
    target = _targets(kind)
    ours = build(nn)
    reference = build(torch.nn)
    mine = autograd.Tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    a = ours(mine, autograd.Tensor(target))
    b = reference(theirs, torch.tensor(target))
    np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-10, atol=1e-12)
    a.sum().backward()
    b.sum().backward()
    np.testing.assert_allclose(mine.grad.data, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weight, smoothing", [(None, 0.0), ([1.0, 2.0, 3.0], 0.0), (None, 0.1)])
def test_cross_entropy_with_masked_and_infinite_logits_matches_pytorch(reduction, weight,
                                                                      smoothing):
    """-inf logits (masked classes) and +inf / nan logits: the same losses and gradients, nans
    included."""
    inf, nan = np.inf, np.nan
    x = np.array([[0.0, -inf, 1.0], [2.0, 0.0, -inf], [inf, 1.0, 0.0], [nan, 1.0, 0.0],
                  [-inf, -inf, -inf], [0.5, -0.5, 0.0]])
    t = np.array([2, 0, 1, 1, 0, 1])
    for rows in ([0, 1, 5], list(range(6))):  # masked only (finite), and every kind at once
        mine = autograd.Tensor(x[rows], requires_grad=True)
        theirs = torch.tensor(x[rows], requires_grad=True)
        w = None if weight is None else np.array(weight)
        with np.errstate(invalid="ignore", divide="ignore"):
            a = nn.functional.cross_entropy(mine, autograd.Tensor(t[rows]), weight=w,
                                            reduction=reduction, label_smoothing=smoothing)
            a.sum().backward()
        b = torch.nn.functional.cross_entropy(theirs, torch.tensor(t[rows]),
                                              weight=None if w is None else torch.tensor(w),
                                              reduction=reduction, label_smoothing=smoothing)
        b.sum().backward()
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(mine.grad.data, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)
