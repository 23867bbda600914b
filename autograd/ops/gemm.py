"""``a @ b`` for 2-D arrays, steered around two slow paths of the BLAS that numpy ships.

The value is the matrix product either way; only the BLAS call differs. Measured with numpy's
OpenBLAS (0.3.x, one thread; the workloads are in ``benchmarks``):

* an inner dimension of 1 (an outer product: the weight gradient of a batch of one, the input
  gradient of a layer with one output) takes 4x longer through ``np.matmul`` than as a
  broadcast product, which is exact (one product per element, no sum);
* in float32, ``x @ w.T`` (a C-ordered left operand times a transposed one) with a few rows
  and a wide result takes up to three times as long as the same product as ``(w @ x.T).T``: the
  forward pass of a Linear layer at batch 2-128, and a convolution's weight gradient (out
  channels x window size, summed over every position of the batch). The sums run in another
  order there, so values can differ in the last bits, as between BLAS builds. When both
  operands are transposed C-ordered arrays (a Linear layer's input flattened from a
  convolution's batch-last output, times ``w.T``), ``(w @ x.T).T`` multiplies the two C-ordered
  arrays directly: 0-25% faster.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# The transposed route pays off when the left operand has a few rows, the result is at least
# twice as wide as tall, and the product is not small: >= 2**18 multiply-adds and an inner
# dimension >= 32 for 2 to 64 rows (up to 3x faster), >= 512 for 65 to 128 rows (3-10%
# faster); below that BLAS's small-matrix code is fast in either orientation.
_MIN_WORK = 2**18
_MIN_INNER_FEW_ROWS = 32  # 2 to 64 rows
_MIN_INNER_MORE_ROWS = 512  # 65 to 128 rows
# float32 only: in float64 the routes gain nothing (-5% to +8%), and integer products do not
# use BLAS at all
_FLOAT32 = np.dtype(np.float32)


def route(a: np.ndarray, b: np.ndarray) -> str:
    """How ``fast_matmul`` computes ``a @ b``: 'outer', 'transposed' or 'plain' (``np.matmul``)."""
    m, k = a.shape
    if k == 1:
        return "outer"
    n = b.shape[1]
    if m * n * k < _MIN_WORK or a.dtype != _FLOAT32 or not _transposed_array(b):
        return "plain"  # the integer test first: most products stop here
    if _transposed_array(a):  # both are .T of C-ordered arrays: b.T @ a.T multiplies those
        return "transposed"
    if (a.flags.c_contiguous and 2 <= m <= 128 and n >= 2 * m
            and k >= (_MIN_INNER_FEW_ROWS if m <= 64 else _MIN_INNER_MORE_ROWS)):
        return "transposed"
    return "plain"


def _transposed_array(x: np.ndarray) -> bool:
    """Is ``x`` the ``.T`` of a C-ordered array (Fortran order, and not also C order)?"""
    flags = x.flags
    return flags.f_contiguous and not flags.c_contiguous


def fast_matmul(a: Any, b: Any, add: Any = None) -> Any:
    """out = a @ b (+ add, broadcast), as ``np.matmul``: 2-D arrays (m, k) @ (k, n) take the
    route that is fast for their shapes and come back C-ordered; other operands (1-D, batched,
    graph nodes under ``create_graph``) take the plain product."""
    if a.__class__ is not np.ndarray or b.__class__ is not np.ndarray:
        return a @ b if add is None else a @ b + add
    if a.ndim != 2 or b.ndim != 2:
        out = np.matmul(a, b)
    elif a.shape[1] == 1:
        out = np.multiply(a, b)  # the outer route
    elif a.shape[0] * a.shape[1] * b.shape[1] < _MIN_WORK or route(a, b) == "plain":
        out = np.matmul(a, b)  # small products skip the route check
    else:
        transposed = np.matmul(b.T, a.T)  # (n, m), C-ordered: BLAS's fast case
        if add is None:
            return np.ascontiguousarray(transposed.T)
        return np.add(transposed.T, add, order="C")
    if add is not None:
        if add.dtype == out.dtype:
            out += add
        else:  # numpy's promotion (an in-place add could not widen the dtype)
            out = out + add
    return out
