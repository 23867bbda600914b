"""In-place safety (version counters) and anomaly mode."""

import numpy as np
import pytest
from custom_gates import Cube

import autograd as ag


def test_inplace_on_leaf_that_requires_grad_is_refused_outside_no_grad():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    for op in (lambda: w.add_(1), lambda: w.mul_(2), lambda: w.zero_(), lambda: w.fill_(3),
               lambda: w.clamp_(0, 1)):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            op()
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        w += 1


def test_inplace_updates_under_no_grad_keep_identity_and_bump_version():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    buffer = w.data
    with ag.no_grad():
        w -= 0.5
        w.mul_(2).add_(ag.tensor([1.0, 1.0]), alpha=3)
        w.clamp_(max=6.0)
    assert w.data is buffer and w.tolist() == [4.0, 6.0] and w._version == 4
    assert w.requires_grad and w.is_leaf


def test_plus_equals_on_graph_tensor_rebinds_out_of_place():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    alias = y
    y += 1
    assert y is not alias and alias.tolist() == [2.0, 4.0] and y.tolist() == [3.0, 5.0]
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="part of a graph"):
        alias.mul_(2)


def test_modifying_a_saved_input_in_place_makes_backward_fail_loudly():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    x = ag.tensor([3.0, 4.0])
    loss = (w * x).sum()
    x.mul_(10)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*Mul.*version 1; "
                                           "expected version 0"):
        loss.backward()


def test_inplace_with_operand_requiring_grad_is_refused():
    with pytest.raises(RuntimeError, match="requires grad"):
        ag.zeros(2).add_(ag.ones(2, requires_grad=True))


def test_inplace_write_errors_are_clear():
    x = ag.zeros(2, 3)
    with pytest.raises(RuntimeError, match=r"copy_: cannot write .*\(4,\).*\(2, 3\)"):
        x.copy_(np.ones(4))
    x.copy_(np.ones(3))
    assert x.tolist() == [[1.0] * 3] * 2
    ag.manual_seed(0)
    x.uniform_(-1, 1)
    assert x.data.min() >= -1 and x.data.max() <= 1 and x.dtype == np.float32


def test_anomaly_mode_names_gate_and_user_line():
    with ag.detect_anomaly():
        assert ag.is_anomaly_enabled()
        a = ag.tensor([0.0, 1.0], requires_grad=True)
        root = a.sqrt()  # the culprit: infinite slope at 0
        loss = (root * 0).sum()
        with pytest.raises(RuntimeError) as info, np.errstate(all="ignore"):
            loss.backward()
    message = str(info.value)
    assert "SqrtBackward" in message and "nan" in message
    assert "root = a.sqrt()" in message and "test_inplace_and_anomaly.py" in message
    assert not ag.is_anomaly_enabled()


def test_anomaly_mode_on_scalars_and_off_by_default():
    assert not ag.is_anomaly_enabled()
    ag.set_detect_anomaly(True)
    try:
        x = ag.Scalar(0.0)
        with np.errstate(all="ignore"):
            y = x.log()
        with pytest.raises(RuntimeError, match="LogBackward.*inf"), np.errstate(all="ignore"):
            y.backward()
    finally:
        ag.set_detect_anomaly(False)
    x = ag.Scalar(0.0)
    with np.errstate(all="ignore"):
        x.log().backward()  # off: no check, the infinite gradient is simply produced
    assert x.grad == float("inf")


def _update_in_place_under_no_grad(change):
    with ag.no_grad():
        change()


@pytest.mark.parametrize(
    "gate", [ag.Tensor.sigmoid, ag.Tensor.exp, ag.Tensor.tanh, ag.Tensor.sqrt],
    ids=["sigmoid", "exp", "tanh", "sqrt"],
)
def test_changing_a_gate_output_that_backward_needs_raises(gate):
    # regression: gates whose backward reads their output gave a wrong gradient silently
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    out = gate(a)
    _update_in_place_under_no_grad(lambda: out.mul_(0))
    with pytest.raises(RuntimeError, match=r"output 0 of \w+ .* is at version 1; expected "
                                           r"version 0"):
        out.sum().backward()


def test_changing_an_output_that_backward_does_not_need_is_allowed():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    out = a + 1
    _update_in_place_under_no_grad(lambda: out.mul_(2))
    out.sum().backward()
    np.testing.assert_array_equal(a.grad.data, [1.0, 1.0])


@pytest.mark.parametrize(
    "change",
    [lambda w: w.detach().mul_(10), lambda w: w[0:2].mul_(10), lambda w: w.view(2).zero_(),
     lambda w: w.reshape(2, 1).add_(1), lambda w: w.T.mul_(3)],
    ids=["detach", "slice", "view", "reshape", "T"],
)
def test_a_change_through_a_view_counts_for_every_tensor_sharing_the_memory(change):
    # regression: views kept their own version counter, so x.grad came out 10x too large
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    x = ag.tensor([1.0, 1.0], requires_grad=True)
    z = x * w
    _update_in_place_under_no_grad(lambda: change(w))
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_a_saved_view_of_a_buffer_changed_in_place_raises():
    b = ag.tensor([3.0, 4.0, 5.0])
    x = ag.tensor([1.0, 1.0], requires_grad=True)
    z = x * b[:2]
    b.mul_(10)
    with pytest.raises(RuntimeError, match=r"input 1 of Mul .* is at version 1"):
        z.sum().backward()
    assert b[:2]._version == b._version == 1 and ag.tensor([1.0])._version == 0


def test_a_changed_saved_tensor_of_a_custom_gate_raises():
    w = ag.tensor([2.0], requires_grad=True)
    out = Cube.apply(w)
    _update_in_place_under_no_grad(lambda: w.add_(1))
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()


@pytest.mark.parametrize("gate", [lambda w: w * w, lambda w: w.exp(), lambda w: Cube.apply(w)],
                         ids=["input", "output", "saved"])
def test_a_change_after_recording_is_caught_after_many_earlier_changes(gate):
    """Backward skips the per-input checks when nothing at all was changed in place since the
    gate was recorded (the usual training step); any change since sends it to the checks."""
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    unrelated = ag.tensor([0.0])
    for _ in range(3):  # earlier optimizer steps
        _update_in_place_under_no_grad(lambda: w.add_(1.0))
    gate(w).sum().backward()  # nothing changed since recording
    out = gate(w).sum()
    _update_in_place_under_no_grad(lambda: unrelated.add_(1.0))  # checked, and fine
    out.backward()
    out = gate(w).sum()
    _update_in_place_under_no_grad(lambda: w.add_(1.0))
    with pytest.raises(RuntimeError, match="is at version 4; expected version 3"):
        out.backward()


def test_many_changes_after_recording_still_raise_with_the_earliest_version_known():
    """Each buffer keeps the times of its latest 64 changes; after more changes than that since
    recording, the error still fires and says the version then was at most what it can tell."""
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    out = (w * w).sum()
    for _ in range(70):
        _update_in_place_under_no_grad(lambda: w.add_(1.0))
    with pytest.raises(RuntimeError, match="input 0 of Mul .* is at version 70; expected "
                                           "version 6 or earlier instead"):
        out.backward()


class _ChangesItsSavedValueInForward(ag.Function):
    """y = 2a, saving y after changing it in place (through a Tensor, under no_grad) while
    forward runs.  da = g * y / a (= 2g)."""

    @staticmethod
    def forward(ctx, a):
        y = a * 1.0
        with ag.no_grad():
            ag.from_numpy(y).mul_(2.0)  # a change made by forward itself
        ctx.save_for_backward(y)
        return y.copy()

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        (a,) = ctx.inputs
        return grad * y / a


def test_changes_made_by_forward_itself_are_not_changes_since_recording():
    a = ag.tensor([1.0, 3.0], requires_grad=True)
    _ChangesItsSavedValueInForward.apply(a).sum().backward()
    np.testing.assert_allclose(a.grad.data, [2.0, 2.0])
    out = _ChangesItsSavedValueInForward.apply(a)
    (saved,) = out._ctx._saved
    _update_in_place_under_no_grad(lambda: ag.from_numpy(saved).add_(1.0))  # after forward
    with pytest.raises(RuntimeError, match="saved tensor 0 of _ChangesItsSavedValueInForward "
                                           ".* is at version 2; expected version 1"):
        out.sum().backward()
