"""Module system: registration by assignment, traversal, modes, gradients, repr, hooks."""

import copy

import numpy as np
import pytest

import autograd
import nn


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.norm = nn.BatchNorm1d(4)
        self.scale = nn.Parameter(autograd.ones(1))
        self.register_buffer("steps", autograd.zeros(()))
        self.register_buffer("cache", autograd.zeros(2), persistent=False)
        self.note = "not registered"

    def forward(self, x):
        return self.norm(self.fc(x)) * self.scale


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.block(x))


def test_parameter_is_a_float32_tensor_that_requires_grad():
    p = nn.Parameter([1.0, 2.0])
    assert isinstance(p, autograd.Tensor)
    assert p.requires_grad and p.is_leaf and p.dtype == np.float32
    assert repr(p).startswith("Parameter containing:\ntensor(")
    shared = np.zeros(3)
    q = nn.Parameter(shared)
    assert q.dtype == np.float64 and q.data is shared
    assert not nn.Parameter(autograd.ones(2), requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)


def test_assignment_registers_parameters_modules_and_buffers_in_order():
    net = Net()
    names = [name for name, _ in net.named_parameters()]
    assert names == ["block.scale", "block.fc.weight", "block.fc.bias", "block.norm.weight",
                     "block.norm.bias", "head.weight", "head.bias"]
    assert [n for n, _ in net.named_buffers()] == [
        "block.steps", "block.cache", "block.norm.running_mean", "block.norm.running_var",
        "block.norm.num_batches_tracked"]
    assert [n for n, _ in net.named_modules()] == ["", "block", "block.fc", "block.norm", "head"]
    assert list(net.children()) == [net.block, net.head]
    assert len(list(net.modules())) == 5
    assert len(list(net.parameters())) == 7
    assert [n for n, _ in net.named_parameters(recurse=False)] == []
    assert "note" not in dict(net.named_parameters()) and net.block.note == "not registered"


def test_registries_reject_wrong_types_and_names():
    block = Block()
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'scale'"):
        block.scale = autograd.ones(1)
    with pytest.raises(TypeError, match="child module 'fc'"):
        block.fc = 3
    with pytest.raises(TypeError, match="buffer 'steps'"):
        block.steps = 3
    with pytest.raises(KeyError, match="contain"):
        block.register_buffer("a.b", autograd.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        block.register_parameter("note", nn.Parameter(autograd.ones(1)))
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        block.missing  # noqa: B018

    class Early(nn.Module):
        def __init__(self) -> None:
            self.w = nn.Parameter(autograd.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def test_reassignment_and_deletion_update_the_registries():
    block = Block()
    block.scale = None
    assert "scale" not in dict(block.named_parameters())
    block.fc = nn.Linear(3, 5)
    assert block.fc.out_features == 5
    del block.fc
    assert "fc" not in dict(block.named_children())
    block.steps = autograd.ones(())
    assert block.state_dict()["steps"] == 1


def test_shared_parameters_are_listed_once():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    assert len(list(model.named_parameters(remove_duplicate=False))) == 4
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_train_eval_switch_every_submodule():
    net = Net()
    assert net.training and net.block.norm.training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="boolean"):
        net.train("yes")


def test_zero_grad_apply_and_requires_grad():
    net = Net()
    net(autograd.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.data == 0) for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    visited = []
    assert net.apply(lambda m: visited.append(type(m).__name__)) is net
    assert visited == ["Linear", "BatchNorm1d", "Block", "Linear", "Net"]
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_to_double_converts_floating_parameters_and_buffers_in_place():
    net = Net()
    weight = net.head.weight
    net.double()
    assert net.head.weight is weight and weight.dtype == np.float64
    assert net.block.norm.running_mean.dtype == np.float64
    assert net.block.norm.num_batches_tracked.dtype == np.int64
    net.to("cpu")
    net.float()
    assert weight.dtype == np.float32
    with pytest.raises(ValueError, match="CPU only"):
        net.to("cuda")


def test_repr_is_a_tree_with_layer_settings():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.ReLU(), nn.Sequential(nn.Tanh()))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=4, out_features=3, bias=True)\n"
        "  (1-2): 2 x ReLU()\n"
        "  (3): Sequential(\n"
        "    (0): Tanh()\n"
        "  )\n"
        ")"
    )
    assert repr(nn.Conv2d(1, 6, 5, padding=2)) == (
        "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))")


def test_forward_hooks_see_and_replace_values():
    layer = nn.Linear(2, 2)
    seen = []
    handle = layer.register_forward_hook(lambda m, args, out: seen.append(out.shape))
    pre = layer.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    out = layer(autograd.ones(3, 2))
    np.testing.assert_allclose(out.data, np.broadcast_to(layer.bias.data, (3, 2)))
    assert seen == [(3, 2)]
    handle.remove()
    pre.remove()
    layer(autograd.ones(1, 2))
    assert seen == [(3, 2)]


def test_missing_forward_is_reported():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(1)


def test_deepcopy_gives_independent_parameters():
    net = Net()
    clone = copy.deepcopy(net)
    clone.head.weight.data[...] = 0
    assert not np.all(net.head.weight.data == 0)
    assert isinstance(clone.head.weight, nn.Parameter)
    assert [n for n, _ in clone.named_parameters()] == [n for n, _ in net.named_parameters()]


def test_get_submodule_parameter_and_buffer():
    net = Net()
    assert net.get_submodule("block.fc") is net.block.fc
    assert net.get_parameter("head.bias") is net.head.bias
    assert net.get_buffer("block.norm.running_var") is net.block.norm.running_var
    with pytest.raises(AttributeError, match="no submodule `nope`"):
        net.get_submodule("block.nope")
