"""Optional: every layer against the PyTorch layer loaded with the same weights (float64):
outputs, input gradients and parameter gradients, in training and in eval mode."""

import numpy as np
import pytest

import autograd
import nn

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.filterwarnings("ignore:Using padding=.same.:UserWarning")

rng = np.random.default_rng(0)

# (name, constructor taking the nn namespace, input shape or shapes, extra call kwargs)
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
]


def _flat(out):
    if isinstance(out, (tuple, list)):
        return [t for item in out for t in _flat(item)]
    return [] if out is None else [out]


def _run(module, inputs, library):
    outs = _flat(module(*inputs))
    total = None
    for i, out in enumerate(outs):
        cot = np.random.default_rng(i).standard_normal(tuple(out.shape))
        term = (out * (torch.tensor(cot) if library is torch else autograd.Tensor(cot))).sum()
        total = term if total is None else total + term
    total.backward()
    return outs


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("name, build, shapes", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_matches_pytorch(name, build, shapes, training):
    torch.manual_seed(0)
    reference = build(torch.nn).double()
    if any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in reference.modules()):
        reference(torch.randn((8,) + tuple(shapes[1:]), dtype=torch.float64))  # move stats
    ours = build(nn).double()
    ours.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    reference.train(training)
    ours.train(training)
    shapes = shapes if isinstance(shapes, list) else [shapes]
    arrays = [rng.standard_normal(s) for s in shapes]
    mine = [autograd.Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    outs = _run(ours, mine, autograd)
    expected = _run(reference, theirs, torch)
    for a, b in zip(outs, expected):
        np.testing.assert_allclose(a.data, b.detach().numpy(), atol=1e-10, rtol=1e-8)
    for a, b in zip(mine, theirs):
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
