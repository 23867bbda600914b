"""Table-driven op tests: a Case names an op, how to call it, a numpy reference, and a
strategy drawing ``(arrays, params)``. The three runners check values against the reference,
first derivatives against central differences and second derivatives (create_graph=True)
against central differences of the analytic gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import autograd as ag
from tests.autograd.numeric import check_gradients, check_second_order


@dataclass
class Case:
    name: str
    fn: Callable  # (*tensors, **params) -> Tensor
    reference: Callable | None  # (*arrays, **params) -> ndarray
    inputs: Any  # strategy drawing (tuple of float64 arrays, dict of params)
    # a linear op has a zero second derivative; its second-order test squares the output, so
    # that the op's backward runs on graph nodes and gets differentiated
    linear: bool = False

    def __repr__(self) -> str:
        return self.name


def ids(case: Case) -> str:
    return case.name


def run_value(case: Case, data: Any) -> None:
    arrays, params = data.draw(case.inputs)
    got = case.fn(*[ag.from_numpy(a) for a in arrays], **params)
    expected = np.asarray(case.reference(*arrays, **params))
    assert got.shape == expected.shape, f"{case.name}: shape {got.shape} != {expected.shape}"
    assert got.dtype == np.float64, f"{case.name}: float64 input gave {got.dtype}"
    np.testing.assert_allclose(got.data, expected, rtol=1e-10, atol=1e-12)


def run_gradient(case: Case, data: Any) -> None:
    arrays, params = data.draw(case.inputs)
    check_gradients(lambda *ts: case.fn(*ts, **params), *arrays)


def run_second_order(case: Case, data: Any) -> None:
    arrays, params = data.draw(case.inputs)
    if case.linear:
        check_second_order(lambda *ts: case.fn(*ts, **params) ** 2, *arrays)
    else:
        check_second_order(lambda *ts: case.fn(*ts, **params), *arrays)


def case_tests(cases: list) -> tuple:
    """The three property tests every op-case table gets: values, gradients, second order.

    Use as ``test_values, test_gradients, test_second_order = case_tests(CASES)``."""
    import pytest
    from hypothesis import given, settings
    from hypothesis import strategies as st

    parametrize = pytest.mark.parametrize("case", cases, ids=ids)

    @parametrize
    @given(data=st.data())
    def test_values(case: Case, data: Any) -> None:
        run_value(case, data)

    @parametrize
    @given(data=st.data())
    def test_gradients(case: Case, data: Any) -> None:
        run_gradient(case, data)

    @parametrize
    @settings(max_examples=10)
    @given(data=st.data())
    def test_second_order(case: Case, data: Any) -> None:
        run_second_order(case, data)

    return test_values, test_gradients, test_second_order
