"""Sequential, ModuleList and ModuleDict."""

from collections import OrderedDict

import numpy as np
import pytest

import autograd
import nn


def test_sequential_chains_indexes_slices_and_iterates():
    first, second = nn.Linear(3, 4), nn.Linear(4, 2)
    model = nn.Sequential(first, nn.ReLU(), second)
    x = autograd.randn(5, 3)
    expected = second(first(x).relu())
    np.testing.assert_allclose(model(x).data, expected.data)
    assert len(model) == 3 and model[0] is first and model[-1] is second
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear"]
    head = model[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2 and head[0] is first
    with pytest.raises(IndexError, match="out of range"):
        model[3]
    model.append(nn.Tanh())
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    del model[1]
    assert [type(m).__name__ for m in model] == ["Linear", "Linear", "Tanh"]
    assert list(model.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]
    model[2] = nn.Sigmoid()
    assert isinstance(model[2], nn.Sigmoid)


def test_sequential_from_an_ordered_dict_keeps_names():
    model = nn.Sequential(OrderedDict(features=nn.Linear(2, 3), act=nn.ReLU()))
    assert list(model.state_dict()) == ["features.weight", "features.bias"]
    assert model.features is model[0]


def test_module_list_registers_and_supports_list_operations():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(list(layers.parameters())) == 6
    layers.append(nn.ReLU())
    layers.insert(0, nn.Tanh())
    assert isinstance(layers[0], nn.Tanh) and len(layers) == 5
    assert list(layers.state_dict())[:2] == ["1.weight", "1.bias"]
    assert isinstance(layers[1:3], nn.ModuleList) and len(layers[1:3]) == 2
    del layers[0]
    assert isinstance(layers[0], nn.Linear)
    combined = layers + nn.ModuleList([nn.Sigmoid()])
    assert len(combined) == 5
    with pytest.raises(TypeError, match="iterable"):
        layers.extend(nn.ReLU())


def test_module_dict_registers_by_key():
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 3)})
    assert list(heads) == ["a", "b"] and "a" in heads and len(heads) == 2
    assert list(heads.state_dict()) == ["a.weight", "a.bias", "b.weight", "b.bias"]
    heads["c"] = nn.ReLU()
    assert [k for k, _ in heads.items()] == ["a", "b", "c"]
    removed = heads.pop("a")
    assert isinstance(removed, nn.Linear) and "a" not in heads
    heads.update([("d", nn.Tanh())])
    assert list(heads.keys()) == ["b", "c", "d"]
