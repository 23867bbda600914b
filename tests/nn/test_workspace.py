"""The scratch-array pool never hands out an array that is still referenced."""

import numpy as np

import autograd as ag
import nn
from nn.functional import _workspace as workspace

BIG = (workspace.MIN_BYTES // 4 + 7,)  # float32 elements: above the pooling threshold


def test_referenced_arrays_are_never_reused():
    workspace.clear()
    a = workspace.empty(BIG, np.float32)
    view = a[::2]
    del a
    b = workspace.empty(BIG, np.float32)
    assert not np.shares_memory(b, view)  # the view keeps the first array busy
    tensor = ag.from_numpy(b)
    del b
    c = workspace.empty(BIG, np.float32)
    assert not np.shares_memory(c, tensor.data) and not np.shares_memory(c, view)
    workspace.clear()


def test_free_arrays_are_reused_when_pooling_is_on():
    workspace.clear()
    first = workspace.empty(BIG, np.float32)
    first_id = id(first)
    del first
    again = workspace.empty(BIG, np.float32)
    assert (id(again) == first_id) == workspace._POOLING
    workspace.clear()


def test_kept_outputs_of_repeated_convolutions_stay_intact():
    ag.manual_seed(0)
    conv = nn.Conv2d(3, 16, 3, padding=1)
    x = ag.randn(8, 3, 32, 32)
    with ag.no_grad():
        outputs = [conv(x) for _ in range(4)]
        expected = conv(x).data.copy()
    for out in outputs:
        np.testing.assert_array_equal(out.data, expected)
