"""The Optimizer base: parameter groups, validation, zero_grad, step semantics, state_dict."""

import numpy as np
import pytest

import autograd as ag
import optim
from autograd.engine import GradMode

ALL_OPTIMIZERS = [
    optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam, optim.AdamW, optim.NAdam,
    optim.Adadelta,
]


def leaf(values, dtype=np.float32):
    return ag.tensor(np.asarray(values, dtype), requires_grad=True)


def set_grad(p, values):
    p.grad = ag.tensor(np.asarray(values, p.data.dtype))


# ---- parameters and groups --------------------------------------------------------------------


def test_accepts_lists_generators_named_params_and_groups():
    a, b = leaf([1.0]), leaf([2.0, 3.0])
    assert optim.SGD([a, b]).param_groups[0]["params"] == [a, b]
    assert optim.SGD(p for p in (a, b)).param_groups[0]["params"] == [a, b]
    named = optim.SGD([("w", a), ("b", b)])
    assert named.param_groups[0]["param_names"] == ["w", "b"]
    assert named.param_groups[0]["params"] == [a, b]
    grouped = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in grouped.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in grouped.param_groups] == [0.9, 0.9]  # defaults filled in


def test_add_param_group_uses_defaults_and_rejects_overlap():
    a, b = leaf([1.0]), leaf([2.0])
    opt = optim.Adam([a], lr=0.01)
    opt.add_param_group({"params": [b], "betas": (0.5, 0.6)})
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[1]["betas"] == (0.5, 0.6)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError, match="Invalid learning rate"):
        opt.add_param_group({"params": [leaf([0.0])], "lr": -1.0})
    with pytest.raises(TypeError, match="must be a dict"):
        opt.add_param_group([b])


@pytest.mark.parametrize("params, error, match", [
    (lambda: leaf([1.0]), TypeError, "iterable of Tensors"),
    (lambda: [], ValueError, "empty parameter list"),
    (lambda: {leaf([1.0])}, TypeError, "ordered collections"),
    (lambda: [np.ones(2)], TypeError, "can only optimize Tensors.*ndarray"),
    (lambda: [leaf([1.0]) * 2], ValueError, "non-leaf"),
    (lambda: [("w", leaf([1.0])), leaf([1.0])], ValueError, "names"),
])
def test_bad_params_are_rejected(params, error, match):
    with pytest.raises(error, match=match):
        optim.SGD(params(), lr=0.1)


def test_a_parameter_twice_in_one_group_is_rejected():
    a = leaf([1.0])
    with pytest.raises(ValueError, match="twice"):
        optim.SGD([a, a], lr=0.1)


@pytest.mark.parametrize("make, match", [
    (lambda p: optim.SGD(p, lr=-0.1), "SGD: Invalid learning rate: -0.1"),
    (lambda p: optim.SGD(p, lr=float("nan")), "Invalid learning rate"),
    (lambda p: optim.SGD(p, momentum=-0.5), "Invalid momentum value"),
    (lambda p: optim.SGD(p, weight_decay=-1), "Invalid weight_decay"),
    (lambda p: optim.SGD(p, nesterov=True), "Nesterov momentum requires a momentum"),
    (lambda p: optim.SGD(p, momentum=0.9, dampening=0.1, nesterov=True), "zero dampening"),
    (lambda p: optim.Adagrad(p, lr_decay=-1), "Invalid lr_decay"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1), "initial_accumulator_value"),
    (lambda p: optim.Adagrad(p, eps=-1), "Invalid epsilon"),
    (lambda p: optim.RMSprop(p, alpha=-0.1), "Invalid alpha"),
    (lambda p: optim.RMSprop(p, momentum=-0.1), "Invalid momentum"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    (lambda p: optim.Adam(p, betas=(0.9, -0.1)), "Invalid beta parameter at index 1"),
    (lambda p: optim.Adam(p, betas=(0.9,)), "betas must be a pair"),
    (lambda p: optim.Adam(p, eps=-1e-8), "Invalid epsilon"),
    (lambda p: optim.AdamW(p, lr=-1e-3), "AdamW: Invalid learning rate"),
    (lambda p: optim.AdamW(p, weight_decay=-1e-2), "Invalid weight_decay"),
    (lambda p: optim.NAdam(p, betas=(0.9, 1.5)), "beta parameter at index 1"),
    (lambda p: optim.NAdam(p, momentum_decay=-1), "momentum_decay"),
    (lambda p: optim.Adadelta(p, rho=1.5), "Invalid rho value"),
    (lambda p: optim.LBFGS(p, lr=-1), "Invalid learning rate"),
    (lambda p: optim.LBFGS(p, history_size=0), "history_size must be a positive integer"),
    (lambda p: optim.LBFGS(p, line_search_fn="armijo"), "line_search_fn"),
    (lambda p: optim.Newton(p, damping=-1), "Invalid damping"),
    (lambda p: optim.Newton(p, damping_factor=0.5), "damping_factor"),
    (lambda p: optim.Newton(p, max_damping_tries=0), "max_damping_tries"),
])
def test_bad_hyperparameters_raise_at_construction(make, match):
    with pytest.raises(ValueError, match=match):
        make([leaf([1.0])])


def test_non_numeric_hyperparameter_is_a_type_error():
    with pytest.raises(TypeError, match="lr must be a number"):
        optim.SGD([leaf([1.0])], lr="0.1")


@pytest.mark.parametrize("cls", [optim.LBFGS, optim.Newton])
def test_flat_vector_methods_take_one_group(cls):
    with pytest.raises(ValueError, match="parameter groups"):
        cls([{"params": [leaf([1.0])]}, {"params": [leaf([2.0])]}])


# ---- zero_grad and step -------------------------------------------------------------------------


def test_zero_grad_sets_to_none_or_fills_zeros():
    a = leaf([1.0, 2.0])
    opt = optim.SGD([a], lr=0.1)
    (a * a).sum().backward()
    opt.zero_grad()
    assert a.grad is None
    (a * a).sum().backward()
    grad_array = a.grad.data
    opt.zero_grad(set_to_none=False)
    assert a.grad.data is grad_array and np.all(grad_array == 0)


def test_zero_grad_detaches_a_gradient_with_a_graph():
    a = leaf([1.0, 2.0], np.float64)
    (a * a * a).sum().backward(create_graph=True)
    assert a.grad.requires_grad
    optim.SGD([a], lr=0.1).zero_grad(set_to_none=False)
    assert not a.grad.requires_grad and a.grad.grad_fn is None
    np.testing.assert_array_equal(a.grad.data, [0.0, 0.0])


@pytest.mark.parametrize("cls", ALL_OPTIMIZERS)
def test_step_skips_parameters_without_gradient_and_keeps_gradients(cls):
    a, b = leaf([1.0, -2.0]), leaf([3.0])
    opt = cls([a, b], lr=0.1)
    set_grad(a, [0.5, -0.25])
    before_grad = a.grad.data.copy()
    opt.step()
    assert not np.array_equal(a.data, [1.0, -2.0])
    np.testing.assert_array_equal(b.data, [3.0])
    np.testing.assert_array_equal(a.grad.data, before_grad)  # the gradient is not modified
    if cls is not optim.Adagrad:  # Adagrad fills its accumulator at construction (as PyTorch)
        assert b not in opt.state
    assert a.data.dtype == np.float32 and all(
        v.dtype == np.float32 for v in opt.state[a].values() if isinstance(v, np.ndarray)
    )


def test_parameters_are_updated_in_place():
    a = leaf([1.0, 2.0])
    array = a.data
    opt = optim.Adam([a], lr=0.1)
    set_grad(a, [1.0, 1.0])
    opt.step()
    assert a.data is array


def test_update_runs_without_recording_and_closure_with_grad():
    modes = {}

    class Probe(optim.SGD):
        def _step_group(self, group):
            modes["update"] = GradMode.enabled
            super()._step_group(group)

    a = leaf([1.0])
    opt = Probe([a], lr=0.5)

    def closure():
        modes["closure"] = GradMode.enabled
        opt.zero_grad()
        loss = (a * a).sum()
        loss.backward()
        return loss

    with ag.no_grad():
        loss = opt.step(closure)
    assert modes == {"closure": True, "update": False}
    assert loss.item() == 1.0
    assert a.data[0] == 0.0  # 1 - 0.5 * 2
    assert a.is_leaf and a.grad_fn is None


def test_step_without_closure_returns_none():
    a = leaf([1.0])
    set_grad(a, [1.0])
    assert optim.SGD([a], lr=0.1).step() is None


def test_groups_use_their_own_learning_rates():
    a, b = leaf([1.0]), leaf([1.0])
    opt = optim.SGD([{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.01}])
    set_grad(a, [1.0])
    set_grad(b, [1.0])
    opt.step()
    assert a.data[0] == pytest.approx(0.9) and b.data[0] == pytest.approx(0.99)


def test_changing_lr_in_param_groups_takes_effect():
    a = leaf([1.0])
    opt = optim.SGD([a], lr=0.1)
    opt.param_groups[0]["lr"] = 0.5
    set_grad(a, [1.0])
    opt.step()
    assert a.data[0] == pytest.approx(0.5)


def test_lbfgs_and_newton_need_a_closure():
    with pytest.raises(TypeError, match="closure is required"):
        optim.LBFGS([leaf([1.0])]).step()
    with pytest.raises(TypeError, match="closure is required"):
        optim.Newton([leaf([1.0])]).step()


# ---- state_dict -------------------------------------------------------------------------------


def test_state_dict_layout_and_copies():
    a, b, c = leaf([1.0]), leaf([2.0, 3.0]), leaf([4.0])
    opt = optim.SGD([{"params": [a, b]}, {"params": [c], "lr": 0.5}], lr=0.1, momentum=0.9)
    for p in (a, b, c):
        set_grad(p, np.ones_like(p.data))
    opt.step()
    saved = opt.state_dict()
    assert [g["params"] for g in saved["param_groups"]] == [[0, 1], [2]]
    assert [g["lr"] for g in saved["param_groups"]] == [0.1, 0.5]
    assert sorted(saved["state"]) == [0, 1, 2]
    buffer = saved["state"][1]["momentum_buffer"]
    np.testing.assert_array_equal(buffer, [1.0, 1.0])
    opt.step()
    np.testing.assert_array_equal(buffer, [1.0, 1.0])  # a copy: later steps do not change it


def test_load_state_dict_restores_hyperparameters_and_casts_state():
    a = leaf([1.0, 2.0])
    opt = optim.Adam([a], lr=0.1, betas=(0.8, 0.9))
    set_grad(a, [1.0, -1.0])
    opt.step()
    saved = opt.state_dict()
    saved["state"][0]["exp_avg"] = saved["state"][0]["exp_avg"].astype(np.float64)
    fresh_param = leaf([1.0, 2.0])
    fresh = optim.Adam([fresh_param], lr=0.5)
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["lr"] == 0.1 and fresh.param_groups[0]["betas"] == (0.8, 0.9)
    assert fresh.param_groups[0]["params"] == [fresh_param]
    assert fresh.state[fresh_param]["exp_avg"].dtype == np.float32
    assert fresh.state[fresh_param]["step"] == 1


def test_load_state_dict_rejects_mismatched_groups():
    a, b = leaf([1.0]), leaf([2.0])
    saved = optim.SGD([a, b], lr=0.1).state_dict()
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(saved)
    with pytest.raises(ValueError, match="doesn't match the size"):
        optim.SGD([a], lr=0.1).load_state_dict(saved)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        optim.SGD([a], lr=0.1).load_state_dict({"state": {}})


def test_repr_lists_groups():
    text = repr(optim.SGD([leaf([1.0])], lr=0.1, momentum=0.9))
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "momentum: 0.9" in text


def test_a_graph_recorded_before_the_step_cannot_be_backpropagated_after_it():
    # as in PyTorch: the step changes the parameter in place (its version counter moves on)
    a = leaf([1.0, 2.0])
    opt = optim.SGD([a], lr=0.1)
    loss = (a * a).sum()
    loss.backward(retain_graph=True)
    version = a._version
    opt.step()
    assert a._version == version + 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_optim_imports_only_autograd():
    # DESIGN: arrows point down only; optim never imports nn
    import ast
    from pathlib import Path

    roots = set()
    for path in Path(optim.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots.add(node.module.split(".")[0])
    assert "nn" not in roots and "torch" not in roots
    assert roots <= {"autograd", "numpy", "__future__", "collections", "typing", "copy",
                     "math", "types", "bisect"}
