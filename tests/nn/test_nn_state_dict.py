"""state_dict / load_state_dict and nn.save / nn.load checkpoints (no pickle, ever)."""

import io
import pickle
import zipfile

import numpy as np
import pytest

import autograd
import nn


def convnet() -> nn.Module:
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(),
                         nn.Linear(2 * 4 * 4, 3))


def test_keys_are_dotted_like_pytorch_and_values_are_numpy_snapshots():
    model = convnet()
    state = model.state_dict()
    assert list(state) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                           "1.running_var", "1.num_batches_tracked", "4.weight", "4.bias"]
    assert all(isinstance(v, np.ndarray) for v in state.values())
    state["0.weight"][...] = 7
    assert not np.all(model[0].weight.data == 7)
    kept = model.state_dict(keep_vars=True)
    assert kept["0.weight"] is model[0].weight


def test_round_trip_restores_outputs_in_eval_and_copies_in_place():
    autograd.manual_seed(0)
    source, target = convnet(), convnet()
    source(autograd.randn(4, 1, 6, 6))  # moves the running statistics
    source.eval()
    target.eval()
    x = autograd.randn(2, 1, 6, 6)
    weight = target[0].weight
    result = target.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    assert target[0].weight is weight
    np.testing.assert_array_equal(target(x).data, source(x).data)
    assert target[1].num_batches_tracked.item() == 1


def test_loading_keeps_the_existing_dtype():
    layer = nn.Linear(2, 2)
    state = {k: v.astype(np.float64) + 1 for k, v in layer.state_dict().items()}
    layer.load_state_dict(state)
    assert layer.weight.dtype == np.float32
    np.testing.assert_allclose(layer.bias.data, state["bias"].astype(np.float32))


def test_errors_name_missing_unexpected_and_mismatched_keys():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    state = model.state_dict()
    del state["1.bias"]
    state["2.weight"] = np.zeros(1)
    state["0.weight"] = np.zeros((4, 5))
    with pytest.raises(RuntimeError) as error:
        model.load_state_dict(state)
    message = str(error.value)
    assert 'Missing key(s) in state_dict: "1.bias"' in message
    assert 'Unexpected key(s) in state_dict: "2.weight"' in message
    assert ("size mismatch for 0.weight: copying a param with shape (4, 5) from checkpoint, the "
            "shape in current model is (4, 3)") in message
    before = model[0].bias.data.copy()
    with pytest.raises(RuntimeError, match="size mismatch"):
        model.load_state_dict(state, strict=False)
    np.testing.assert_array_equal(model[0].bias.data, before)  # nothing was copied


def test_non_strict_loading_reports_the_differences():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    state = {"0.weight": np.ones((4, 3), np.float32), "extra": np.zeros(2)}
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["0.bias", "1.weight", "1.bias"]
    assert result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(model[0].weight.data, 1)


def test_save_and_load_round_trip(tmp_path):
    model = convnet()
    path = tmp_path / "model.npz"
    nn.save(model.state_dict(), path)
    loaded = nn.load(path)
    assert list(loaded) == list(model.state_dict())
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(loaded[key], value)
        assert loaded[key].dtype == value.dtype
    other = convnet()
    other.load_state_dict(loaded)
    np.testing.assert_array_equal(other[4].weight.data, model[4].weight.data)


def test_save_accepts_tensors_and_file_objects_and_refuses_objects():
    buffer = io.BytesIO()
    nn.save({"w": autograd.ones(2), "step": 3}, buffer)
    buffer.seek(0)
    loaded = nn.load(buffer)
    np.testing.assert_array_equal(loaded["w"], [1, 1])
    assert loaded["step"] == 3
    with pytest.raises(TypeError, match="'nested'"):
        nn.save({"nested": {"a": 1}}, io.BytesIO())


class Exploit:
    def __reduce__(self):
        return (exec, ("import os; os.environ['GATEGRAD_PWNED'] = '1'",))


def test_a_pickle_file_is_refused_and_never_executed(tmp_path, monkeypatch):
    monkeypatch.delenv("GATEGRAD_PWNED", raising=False)
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"weight": Exploit()}))
    with pytest.raises(ValueError, match="pickled Python objects"):
        nn.load(path)
    import os

    assert "GATEGRAD_PWNED" not in os.environ


def test_an_npz_with_an_object_array_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("GATEGRAD_PWNED", raising=False)
    path = tmp_path / "evil.npz"
    payload = np.empty(1, dtype=object)
    payload[0] = Exploit()
    np.savez(path, weight=np.ones(2), evil=payload)  # numpy pickles the object array
    with pytest.raises(ValueError, match="entry 'evil'"):
        nn.load(path)
    import os

    assert "GATEGRAD_PWNED" not in os.environ


def test_garbage_and_single_arrays_are_not_checkpoints(tmp_path):
    path = tmp_path / "junk.npz"
    path.write_bytes(b"definitely not a zip")
    with pytest.raises(ValueError, match="not a gategrad checkpoint"):
        nn.load(path)
    single = tmp_path / "single.npy"
    np.save(single, np.ones(3))
    with pytest.raises(ValueError, match="single array"):
        nn.load(single)
    with zipfile.ZipFile(tmp_path / "ok.npz", "w"):
        pass
    assert nn.load(tmp_path / "ok.npz") == {}


def test_a_pytorch_state_dict_loads_into_the_same_architecture():
    torch = pytest.importorskip("torch")
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.ReLU(), torch.nn.Flatten(),
        torch.nn.Linear(2 * 4 * 4, 3))
    reference(torch.randn(4, 1, 6, 6))
    reference.eval()
    model = convnet().eval()
    model.load_state_dict(reference.state_dict())
    x = np.random.default_rng(0).standard_normal((2, 1, 6, 6)).astype(np.float32)
    expected = reference(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(model(autograd.from_numpy(x)).data, expected, atol=1e-5)


def test_a_torch_checkpoint_is_refused(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pt"
    torch.save(torch.nn.Linear(2, 2).state_dict(), path)
    with pytest.raises(ValueError, match="pickled Python objects"):
        nn.load(path)
