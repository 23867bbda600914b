"""EarlyStopping: patience, min_delta, modes, best value and epoch."""

import math

import pytest

from optim import EarlyStopping


def feed(stopper, metrics):
    return [stopper.step(m) for m in metrics]


def test_stops_after_patience_epochs_without_improvement():
    stopper = EarlyStopping(patience=3)
    decisions = feed(stopper, [5.0, 4.0, 4.5, 4.2, 4.0, 4.1])
    # best 4.0 at epoch 1; epochs 2, 3, 4 bring nothing better (4.0 is not < 4.0)
    assert decisions == [False, False, False, False, True, True]
    assert (stopper.best, stopper.best_epoch, stopper.epoch) == (4.0, 1, 5)
    assert stopper.num_bad_epochs == 4 and stopper.should_stop


def test_an_improvement_resets_the_count():
    stopper = EarlyStopping(patience=2)
    assert feed(stopper, [3.0, 3.5, 2.0, 2.5, 2.1]) == [False, False, False, False, True]
    assert stopper.best_epoch == 2


def test_min_delta_requires_a_real_improvement():
    stopper = EarlyStopping(patience=2, min_delta=0.1)
    feed(stopper, [1.0, 0.95])  # 0.95 is not below 1.0 - 0.1
    assert stopper.best == 1.0 and not stopper.improved and stopper.num_bad_epochs == 1
    stopper.step(0.85)
    assert stopper.best == 0.85 and stopper.improved and stopper.best_epoch == 2


def test_max_mode_for_accuracies():
    stopper = EarlyStopping(patience=1, mode="max")
    assert feed(stopper, [0.5, 0.7, 0.6]) == [False, False, True]
    assert stopper.best == 0.7 and stopper.best_epoch == 1


def test_nan_is_never_an_improvement():
    stopper = EarlyStopping(patience=1)
    assert feed(stopper, [1.0, math.nan]) == [False, True]
    assert stopper.best == 1.0


def test_accepts_tensors_and_resets():
    import autograd as ag

    stopper = EarlyStopping(patience=1)
    stopper.step(ag.tensor(2.0))
    assert stopper.best == 2.0
    stopper.reset()
    assert stopper.best == math.inf and stopper.best_epoch == -1 and stopper.epoch == -1


def test_state_dict_round_trip():
    stopper = EarlyStopping(patience=3)
    feed(stopper, [3.0, 2.0, 2.5])
    other = EarlyStopping(patience=3)
    other.load_state_dict(stopper.state_dict())
    assert feed(other, [2.6, 2.7]) == feed(stopper, [2.6, 2.7]) == [False, True]


@pytest.mark.parametrize("kwargs, match", [
    (dict(patience=0), "patience"),
    (dict(patience=2.5), "patience"),
    (dict(min_delta=-1.0), "min_delta"),
    (dict(mode="lowest"), "mode"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        EarlyStopping(**kwargs)
