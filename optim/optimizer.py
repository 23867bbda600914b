"""Optimizer: the base of every optimizer (parameter groups, state, checkpoints).

PyTorch's design and names: ``param_groups`` is a list of dicts, each holding ``"params"`` (a
list of Tensors) and that group's hyper-parameters; ``state[p]`` is a dict of per-parameter
buffers (numpy arrays and numbers). ``state_dict()`` refers to parameters by their position
across the groups, so a checkpoint can be loaded into a fresh optimizer over new parameters.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd import Tensor, enable_grad, no_grad


class _RequiredParameter:
    """Marks a hyper-parameter that has no default (``lr`` of SGD in old PyTorch versions)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

_SET_MESSAGE = (
    "{}: optimizer parameters need to be organized in ordered collections, but the ordering "
    "of tensors in sets will change between runs. Please use a list instead."
)


class Optimizer:
    """Base class: ``Optimizer(params, defaults)``.

    ``params`` is an iterable of Tensors, of ``(name, Tensor)`` pairs, or of dicts (parameter
    groups) with a ``"params"`` entry and any hyper-parameters that override ``defaults``.
    Subclasses implement ``_step_group(group)`` (the update rule, run under ``no_grad``) and
    ``_check_group(group)`` (hyper-parameter validation).
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                f"{self._name}: params argument given to the optimizer should be an iterable "
                f"of Tensors or dicts, but got a single Tensor of shape {params.shape}; "
                "wrap it in a list: [tensor]"
            )
        if isinstance(params, dict):
            raise TypeError(
                f"{self._name}: params should be an iterable of Tensors or of parameter-group "
                "dicts, got a single dict; wrap it in a list: [{'params': ...}]"
            )
        if isinstance(params, (set, frozenset)):
            raise TypeError(_SET_MESSAGE.format(self._name))
        self.defaults = dict(defaults)
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if not groups:
            raise ValueError(f"{self._name}: optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    @property
    def _name(self) -> str:
        return type(self).__name__

    # ---- parameter groups ------------------------------------------------------------------

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (a dict with ``"params"`` and optional hyper-parameters;
        missing hyper-parameters take the optimizer's defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(
                f"{self._name}: param_group must be a dict, but got {type(param_group).__name__}"
            )
        if "params" not in param_group:
            raise ValueError(f"{self._name}: a parameter group needs a 'params' entry")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, (set, frozenset)):
            raise TypeError(_SET_MESSAGE.format(self._name))
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        if names:
            if len(names) != len(params):
                raise ValueError(
                    f"{self._name}: all optimizer params should be with/without names. "
                    "Some param names are missing"
                )
            group["param_names"] = names
            params = [p[1] for p in params]
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{self._name}: optimizer can only optimize Tensors, but one of the params "
                    f"is {type(p).__module__}.{type(p).__name__}"
                )
            if not (p.is_leaf or p.retains_grad):
                raise ValueError(f"{self._name}: can't optimize a non-leaf Tensor")
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{self._name}: a parameter group contains a parameter twice")
        group["params"] = params
        for key, default in self.defaults.items():
            if default is required and key not in group:
                raise ValueError(
                    f"{self._name}: parameter group didn't specify a value of required "
                    f"optimization parameter {key}"
                )
            group.setdefault(key, default)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError(
                f"{self._name}: some parameters appear in more than one parameter group"
            )
        if any(("param_names" in g) != ("param_names" in group) for g in self.param_groups):
            raise ValueError(
                f"{self._name}: all optimizer param groups should be with/without names"
            )
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Raise ValueError for invalid hyper-parameters (subclasses override)."""
        check_lr(self._name, group)

    # ---- gradients and steps ------------------------------------------------------------

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: ``p.grad = None`` (default), or fill them with
        zeros when ``set_to_none=False`` (a gradient that carries a graph is detached first)."""
        for group in self.param_groups:
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                elif grad._fn is not None or grad.requires_grad:
                    p.grad = Tensor._from_raw(np.zeros_like(grad.data))
                else:
                    grad.data[...] = 0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter that has a gradient.

        ``closure`` (optional) re-evaluates the model and returns the loss; it runs with grad
        enabled before the update, and its loss is returned.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._step_group(group)
        return loss

    def _step_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError(f"{self._name} must implement _step_group(group)")

    # ---- checkpoints ------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {name: array or number}}, "param_groups": [...]}``.

        Parameters are named by their position across the groups (0, 1, ...). Arrays are
        copies, so later steps do not change a saved state dict.
        """
        index_of: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: _copy_value(v) for k, v in group.items() if k != "params"}
            packed["params"] = []
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
                packed["params"].append(index_of[id(p)])
            groups.append(packed)
        state = {
            index_of[id(p)]: {k: _copy_value(v) for k, v in s.items()}
            for p, s in self.state.items()
            if id(p) in index_of and s
        }
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and per-parameter state from ``state_dict()``.

        Groups must have the same sizes as this optimizer's. Floating-point state arrays are
        cast to their parameter's dtype. Also accepts a state dict that went through a file
        format (string indices, 0-d arrays for numbers, lists for tuples).
        """
        if "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError(
                f"{self._name}.load_state_dict: expected a dict with 'state' and "
                f"'param_groups', got keys {sorted(state_dict)}"
            )
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{self._name}.load_state_dict: loaded state dict has a different number of "
                f"parameter groups ({len(saved_groups)}, expected {len(self.param_groups)})"
            )
        param_of: dict[int, Tensor] = {}
        for group, saved in zip(self.param_groups, saved_groups):
            saved_params = [int(i) for i in np.asarray(saved["params"]).reshape(-1)]
            if len(saved_params) != len(group["params"]):
                raise ValueError(
                    f"{self._name}.load_state_dict: loaded state dict contains a parameter "
                    f"group that doesn't match the size of optimizer's group "
                    f"({len(saved_params)} parameters, expected {len(group['params'])})"
                )
            param_of.update(zip(saved_params, group["params"]))
        state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        for key, values in state_dict["state"].items():
            index = int(key)
            if index not in param_of:
                raise ValueError(
                    f"{self._name}.load_state_dict: state for parameter {index}, which is in "
                    "no parameter group"
                )
            param = param_of[index]
            state[param] = {
                name: _restore_value(value, param.data.dtype, name)
                for name, value in values.items()
            }
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            restored = {k: _restore_value(v, None, k) for k, v in saved.items() if k != "params"}
            restored["params"] = group["params"]
            if "param_names" in group and "param_names" not in restored:
                restored["param_names"] = group["param_names"]
            new_groups.append(restored)
        self.state = state
        self.param_groups = new_groups

    def __repr__(self) -> str:
        lines = [f"{self._name} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key not in ("params", "param_names"):
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


# ---- helpers shared by the optimizers --------------------------------------------------------


def params_to_update(group: dict[str, Any]) -> list[tuple[Tensor, np.ndarray]]:
    """(parameter, gradient array) for the parameters of ``group`` that have a gradient.

    The caller updates their ``.data`` in place, so their version counters are bumped (as
    PyTorch's in-place updates do): a graph recorded before the step can no longer be
    backpropagated through them.
    """
    updates = []
    for p in group["params"]:
        if p.grad is not None:
            p._version += 1
            updates.append((p, p.grad.data))
    return updates


def lerp_(start: np.ndarray, end: np.ndarray, weight: float) -> None:
    """``start += weight * (end - start)`` in place, rounded as PyTorch's ``lerp_``."""
    if weight < 0.5:
        start += weight * (end - start)
    else:
        diff = end - start
        diff *= weight - 1
        np.add(end, diff, out=start)


def check_lr(name: str, group: dict[str, Any]) -> None:
    check_range(name, group, "lr", "learning rate", low=0.0)


def check_range(
    name: str,
    group: dict[str, Any],
    key: str,
    label: str,
    low: float | None = None,
    high: float | None = None,
    high_inclusive: bool = False,
    value: Any = None,
) -> None:
    """Raise ValueError unless ``low <= group[key]`` (and ``< high`` or ``<= high``)."""
    value = group[key] if value is None else value
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{name}: {key} must be a number, got {value!r}")
    ok = value == value  # NaN fails
    if low is not None:
        ok = ok and value >= low
    if high is not None:
        ok = ok and (value <= high if high_inclusive else value < high)
    if not ok:
        bounds = []
        if low is not None:
            bounds.append(f"{low} <= {key}")
        if high is not None:
            bounds.append(f"{key} {'<=' if high_inclusive else '<'} {high}")
        raise ValueError(f"{name}: Invalid {label}: {value} (expected {' and '.join(bounds)})")


def check_betas(name: str, group: dict[str, Any]) -> None:
    betas = group["betas"]
    if len(betas) != 2:
        raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
    for i, beta in enumerate(betas):
        check_range(
            name, group, f"betas[{i}]", f"beta parameter at index {i}", 0.0, 1.0, value=beta
        )
    group["betas"] = (float(betas[0]), float(betas[1]))


def _copy_value(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_copy_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy_value(v) for k, v in value.items()}
    return copy.copy(value)


def _restore_value(value: Any, dtype: Any, key: str) -> Any:
    """A state/group value as the optimizer keeps it (see ``load_state_dict``)."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            scalar = value[()]
            if isinstance(scalar, np.str_):
                return str(scalar)
            if isinstance(scalar, np.bool_):
                return bool(scalar)
            if isinstance(scalar, np.integer):
                return int(scalar)
            if dtype is None and isinstance(scalar, np.number):
                return scalar.item()  # hyper-parameters are python numbers
            return scalar
        if key == "betas":
            return tuple(float(v) for v in value)
        if dtype is not None and value.dtype.kind == "f" and key != "step":
            return value.astype(dtype)
        return value.copy()
    if isinstance(value, list):
        restored = [_restore_value(v, dtype, "") for v in value]
        return tuple(restored) if key == "betas" else restored
    if isinstance(value, tuple):
        return tuple(_restore_value(v, dtype, "") for v in value)
    if isinstance(value, dict):
        return {k: _restore_value(v, dtype, k) for k, v in value.items()}
    if isinstance(value, np.str_):
        return str(value)
    return copy.copy(value)
