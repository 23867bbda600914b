"""Every gate of the library is property-tested from gate_table.py, and none can be missed."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

import pytest
from gate_table import EXEMPT, GATES

from autograd import Function
from autograd.scalar import _binary, _unary
from autograd.testing import check_gradients, scalars

GATE_PACKAGES = ("autograd", "nn")


def library_gates(packages: Iterable[str] = GATE_PACKAGES) -> set:
    """Function subclasses defined in ``packages`` (all their modules imported first)."""
    packages = tuple(packages)
    for name in packages:
        try:
            package = importlib.import_module(name)
        except ImportError:
            continue
        for info in pkgutil.walk_packages(getattr(package, "__path__", []), name + "."):
            importlib.import_module(info.name)
    found: set = set()
    stack = [Function]
    while stack:
        for subclass in stack.pop().__subclasses__():
            stack.append(subclass)
            if subclass.__module__.split(".")[0] in packages:
                found.add(subclass)
    return found


def gate_id(gate: type) -> str:
    return gate.__name__


def test_every_library_gate_has_a_table_entry():
    gates = library_gates()
    assert len(gates) >= len(GATES) > 0
    unlisted = gates - GATES.keys() - EXEMPT.keys()
    missing = sorted(f"{g.__module__}.{g.__qualname__}" for g in unlisted)
    assert not missing, (
        f"gates without an entry in tests/autograd/gate_table.py: {missing}; add one line per "
        f"gate with the inputs and domain its property test should draw"
    )


def test_table_lists_library_gates_only_once():
    gates = library_gates()
    assert set(GATES) <= gates, sorted(g.__qualname__ for g in set(GATES) - gates)
    assert not set(GATES) & set(EXEMPT)
    assert all(isinstance(reason, str) and reason for reason in EXEMPT.values())


class GateDefinedHere(Function):
    @staticmethod
    def forward(ctx, a):
        return a

    @staticmethod
    def backward(ctx, grad):
        return grad


def test_discovery_finds_gates_by_defining_package():
    assert GateDefinedHere in library_gates(packages=(__name__,))
    assert GateDefinedHere not in library_gates()  # tests' own gates are not library gates


@pytest.mark.filterwarnings("ignore:.*not float64:UserWarning")  # Cast's float32 cases
@pytest.mark.parametrize("gate", list(GATES), ids=gate_id)
def test_gate_gradients(gate):
    entry = GATES[gate]
    check_gradients(gate.apply, arguments=entry.arguments, second_order=entry.second_order,
                    **entry.options)


SCALAR_GATES = [gate for gate, entry in GATES.items() if entry.scalar_elements]


@pytest.mark.parametrize("gate", SCALAR_GATES, ids=gate_id)
def test_gate_gradients_on_scalars(gate):
    entry = GATES[gate]
    record = _unary if len(entry.scalar_elements) == 1 else _binary

    def on_scalars(*args):
        return record(gate, *args)

    on_scalars.__qualname__ = f"{gate.__name__}_on_scalars"
    check_gradients(on_scalars, *(scalars(e) for e in entry.scalar_elements),
                    second_order=entry.second_order, **entry.options)
