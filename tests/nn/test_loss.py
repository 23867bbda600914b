"""Losses: values against numpy formulas for every reduction, options (weights, ignore_index,
label smoothing, probabilities, pos_weight), stability, gradients, errors."""

import warnings

import numpy as np
import pytest

import autograd
import nn
import nn.functional as F
from tests.nn.gradients import check_gradients, check_second_order

rng = np.random.default_rng(0)
T = autograd.Tensor


def reduce(values, reduction):
    return {"mean": values.mean(), "sum": values.sum(), "none": values}[reduction]


def log_softmax(x, axis=1):
    shifted = x - x.max(axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis, keepdims=True))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses(reduction):
    x, y = rng.standard_normal((4, 3)) * 2, rng.standard_normal((4, 3))
    d = x - y
    cases = [
        (nn.MSELoss(reduction), d**2),
        (nn.L1Loss(reduction), np.abs(d)),
        (nn.HuberLoss(reduction, delta=0.7),
         np.where(np.abs(d) < 0.7, 0.5 * d**2, 0.7 * (np.abs(d) - 0.35))),
        (nn.SmoothL1Loss(reduction, beta=0.5),
         np.where(np.abs(d) < 0.5, 0.5 * d**2 / 0.5, np.abs(d) - 0.25)),
    ]
    for loss, values in cases:
        np.testing.assert_allclose(loss(T(x), T(y)).data, reduce(values, reduction))
        check_gradients(lambda a, b, loss=loss: loss(a, b), x, y)


def test_smooth_l1_with_zero_beta_is_l1_and_mismatched_shapes_warn():
    x, y = rng.standard_normal(5), rng.standard_normal(5)
    assert F.smooth_l1_loss(T(x), T(y), beta=0.0).item() == pytest.approx(np.abs(x - y).mean())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F.mse_loss(T(np.ones((3, 1))), T(np.ones(3)))
    assert "broadcasting" in str(caught[0].message)
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        nn.MSELoss("average")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_with_class_indices(reduction):
    x = rng.standard_normal((5, 4))
    t = np.array([0, 3, 1, 1, 2])
    values = -log_softmax(x)[np.arange(5), t]
    np.testing.assert_allclose(F.cross_entropy(T(x), T(t), reduction=reduction).data,
                               reduce(values, reduction))
    check_gradients(lambda a: F.cross_entropy(a, T(t), reduction=reduction), x)


def test_cross_entropy_weights_ignore_index_and_label_smoothing():
    x = rng.standard_normal((6, 3))
    t = np.array([0, 2, -100, 1, 2, 0])
    w = np.array([0.5, 2.0, 1.0])
    eps = 0.2
    logp = log_softmax(x)
    kept = t != -100
    safe = np.where(kept, t, 0)
    nll = -w[safe] * logp[np.arange(6), safe] * kept
    smooth = -(logp * w).sum(1) * kept
    per_sample = (1 - eps) * nll + eps / 3 * smooth
    loss = nn.CrossEntropyLoss(weight=w, label_smoothing=eps)
    assert loss(T(x), T(t)).item() == pytest.approx(per_sample.sum() / w[safe][kept].sum())
    np.testing.assert_allclose(
        F.cross_entropy(T(x), T(t), weight=w, label_smoothing=eps, reduction="none").data,
        per_sample)
    check_gradients(lambda a: loss(a, T(t)), x)
    assert list(loss.state_dict()) == ["weight"]


def test_cross_entropy_with_probabilities_and_spatial_dims():
    x = rng.standard_normal((2, 3, 4, 5))
    p = rng.random((2, 3, 4, 5))
    p /= p.sum(1, keepdims=True)
    values = -(p * log_softmax(x)).sum(1)
    assert F.cross_entropy(T(x), T(p)).item() == pytest.approx(values.mean())
    check_gradients(lambda a, b: F.cross_entropy(a, b, label_smoothing=0.1), x, p)
    t = rng.integers(0, 3, (2, 4, 5))
    expected = -np.take_along_axis(log_softmax(x), t[:, None], 1)[:, 0]
    np.testing.assert_allclose(F.cross_entropy(T(x), T(t), reduction="none").data, expected)


def test_cross_entropy_is_stable_for_huge_logits_and_has_second_derivatives():
    x = T([[1000.0, -1000.0, 0.0], [-5000.0, 5000.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, T([1, 1]))
    assert loss.item() == pytest.approx(1000.0)
    loss.backward()
    np.testing.assert_allclose(x.grad.data, [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]], atol=1e-6)
    check_second_order(lambda a: F.cross_entropy(a, T([2, 0, 1]), label_smoothing=0.1),
                       rng.standard_normal((3, 3)))


def test_cross_entropy_unbatched_and_errors():
    x = rng.standard_normal(4)
    assert F.cross_entropy(T(x), T(2)).item() == pytest.approx(-log_softmax(x, 0)[2])
    with pytest.raises(IndexError, match="Target 7 is out of bounds for 4 classes"):
        F.cross_entropy(T(np.zeros((2, 4))), T([1, 7]))
    with pytest.raises(ValueError, match=r"expected a target of shape \(2,\)"):
        F.cross_entropy(T(np.zeros((2, 4))), T([[1], [2]]))
    with pytest.raises(ValueError, match="label_smoothing"):
        F.cross_entropy(T(np.zeros((2, 4))), T([1, 2]), label_smoothing=2.0)


def test_nll_loss_on_log_probabilities():
    logp = log_softmax(rng.standard_normal((4, 3)))
    t = np.array([2, 0, 1, 0])
    w = np.array([1.0, 3.0, 0.5])
    expected = -(w[t] * logp[np.arange(4), t]).sum() / w[t].sum()
    assert nn.NLLLoss(weight=w)(T(logp), T(t)).item() == pytest.approx(expected)
    check_gradients(lambda a: F.nll_loss(a, T(t), ignore_index=0), logp)
    combined = F.nll_loss(F.log_softmax(T(logp), 1), T(t))
    assert combined.item() == pytest.approx(F.cross_entropy(T(logp), T(t)).item())


@pytest.mark.parametrize("p", [1, 2])
def test_multi_margin_loss_is_the_multiclass_svm_loss(p):
    x = rng.standard_normal((5, 4))
    t = np.array([0, 1, 2, 3, 1])
    w = np.array([1.0, 2.0, 0.5, 1.0])
    margins = np.maximum(0, 1.0 - x[np.arange(5), t][:, None] + x) ** p
    margins[np.arange(5), t] = 0
    expected = (margins.sum(1) * w[t] / 4).mean()
    loss = nn.MultiMarginLoss(p=p, weight=w)
    assert loss(T(x), T(t)).item() == pytest.approx(expected)
    check_gradients(lambda a: loss(a, T(t)), x)


def test_multi_margin_loss_lecture_example():
    # scores of one image for three classes, correct class 0: max(0, 5.1 - 3.2 + 1) + max(0, -1.7
    # - 3.2 + 1) = 2.9, divided by the number of classes as PyTorch does
    scores = T([[3.2, 5.1, -1.7]])
    assert F.multi_margin_loss(scores, T([0]), reduction="sum").item() == pytest.approx(2.9 / 3)


def test_hinge_embedding_loss():
    x = rng.standard_normal(6)
    y = np.array([1, -1, 1, -1, -1, 1])
    expected = np.where(y == 1, x, np.maximum(0, 1.5 - x)).mean()
    assert nn.HingeEmbeddingLoss(margin=1.5)(T(x), T(y)).item() == pytest.approx(expected)
    check_gradients(lambda a: F.hinge_embedding_loss(a, T(y), 1.5), x)


def test_binary_cross_entropy_and_with_logits():
    z = rng.standard_normal((4, 3))
    p = 1 / (1 + np.exp(-z))
    y = rng.integers(0, 2, (4, 3)).astype(float)
    w = rng.random((4, 3))
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert nn.BCELoss()(T(p), T(y)).item() == pytest.approx(bce.mean())
    assert F.binary_cross_entropy(T(p), T(y), w, "sum").item() == pytest.approx((bce * w).sum())
    assert nn.BCEWithLogitsLoss()(T(z), T(y)).item() == pytest.approx(bce.mean())
    pos = np.array([1.0, 2.0, 3.0])
    weighted = -(pos * y * np.log(p) + (1 - y) * np.log(1 - p))
    assert nn.BCEWithLogitsLoss(pos_weight=pos)(T(z), T(y)).item() == pytest.approx(
        weighted.mean())
    check_gradients(lambda a, b: F.binary_cross_entropy(a.sigmoid(), b), z, rng.random((4, 3)))
    check_gradients(lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=T(pos)),
                    z, rng.random((4, 3)))
    check_second_order(lambda a: F.binary_cross_entropy_with_logits(a, T(y)), z)


def test_bce_with_logits_is_stable_and_bce_clamps_logs():
    z = T([1000.0, -1000.0])
    y = T([0.0, 1.0])
    np.testing.assert_allclose(F.binary_cross_entropy_with_logits(z, y, reduction="none").data,
                               [1000.0, 1000.0])
    wrong = F.binary_cross_entropy(T([0.0, 1.0]), T([1.0, 0.0]), reduction="none")
    np.testing.assert_allclose(wrong.data, [100.0, 100.0])
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.binary_cross_entropy(T([1.5]), T([1.0]))
    with pytest.raises(ValueError, match="same size"):
        F.binary_cross_entropy(T([0.5, 0.5]), T([1.0]))


def test_cross_entropy_with_plain_targets_matches_the_weighted_form_with_unit_weights():
    """Valid class indices, none ignored, no weight: a one-hot shortcut; unit weights take the
    general path. Both give the same loss and gradient, also with ignore_index in range."""
    x = rng.standard_normal((7, 4))
    for t in (np.array([0, 3, 1, 1, 2, 0, 3]), np.array([2, 2, 2, 2, 2, 2, 2])):
        for ignore in (-100, 1):
            plain, weighted = T(x, requires_grad=True), T(x, requires_grad=True)
            F.cross_entropy(plain, T(t), ignore_index=ignore).backward()
            F.cross_entropy(weighted, T(t), weight=np.ones(4), ignore_index=ignore).backward()
            np.testing.assert_allclose(plain.grad.data, weighted.grad.data, rtol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_ignores_masked_classes_that_are_not_the_target(reduction):
    """A -inf logit (a masked class) has probability 0; with class-index targets it adds
    nothing to the loss (PyTorch picks the target's log-probability), and its gradient is 0."""
    x = np.array([[0.0, -np.inf, 1.0, 0.5], [2.0, 0.0, -np.inf, -np.inf], [0.3, 0.2, 0.1, 0.0]])
    t = np.array([2, 0, 3])
    logits = T(x, requires_grad=True)
    loss = F.cross_entropy(logits, T(t), reduction=reduction)
    logp = log_softmax(x)  # exp(-inf) = 0: finite where the class is not masked
    per_sample = -logp[np.arange(3), t]
    np.testing.assert_allclose(loss.data, reduce(per_sample, reduction), rtol=1e-12)
    loss.sum().backward()
    expected = np.exp(logp)
    expected[np.arange(3), t] -= 1
    scale = 1 / 3 if reduction == "mean" else 1.0
    np.testing.assert_allclose(logits.grad.data, expected * scale, rtol=1e-12, atol=1e-15)


def test_cross_entropy_of_an_infinite_or_nan_logit_is_nan():
    """A row with +inf or nan has no finite softmax: its loss is nan, as in PyTorch."""
    for bad in (np.inf, np.nan):
        x = np.array([[bad, 1.0, 0.0], [0.0, 1.0, 2.0]])
        with np.errstate(invalid="ignore"):
            per_sample = F.cross_entropy(T(x), T([1, 2]), reduction="none").data
            mean = F.cross_entropy(T(x), T([1, 2])).item()
        assert np.isnan(per_sample[0]) and np.isnan(mean)
        assert per_sample[1] == pytest.approx(-log_softmax(x[1:])[0, 2])
