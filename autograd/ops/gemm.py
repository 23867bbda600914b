"""``a @ b`` for 2-D arrays, steered around two slow paths of the BLAS that numpy ships.

The value is the matrix product either way; only the BLAS call differs. Measured with numpy's
OpenBLAS (0.3.x, float32, one thread), ``benchmarks`` has the workloads:

* an inner dimension of 1 (an outer product: the weight gradient of a batch of one, the input
  gradient of a layer with one output) takes 4x longer through ``np.matmul`` than as a
  broadcast product, which is exact (one product per element, no sum);
* ``x @ w.T`` (a C-ordered left operand times a transposed one) with a few rows and a wide
  result takes up to three times as long as the same product computed as ``(w @ x.T).T``: the
  forward pass of a Linear layer at batch 2-64, and a convolution's weight gradient (out
  channels x window size, summed over every position of the batch). The sums run in another
  order there, so values can differ in the last bits, as between BLAS builds.
"""

from __future__ import annotations

import numpy as np

# The transposed route pays off when the left operand has a few rows (2 to 64), the result is
# at least twice as wide as tall, and the product is not small: >= 2**18 multiply-adds and an
# inner dimension >= 32 (below that BLAS's small-matrix code is fast in either orientation).
_FEW_ROWS = 64
_MIN_WORK = 2**18
_MIN_INNER = 32


def route(a: np.ndarray, b: np.ndarray) -> str:
    """How ``matmul2d`` computes ``a @ b``: 'outer', 'transposed' or 'plain' (``np.matmul``)."""
    m, k = a.shape
    n = b.shape[1]
    if k == 1:
        return "outer"
    if (2 <= m <= _FEW_ROWS and n >= 2 * m and m * n * k >= _MIN_WORK and k >= _MIN_INNER
            and b.flags.f_contiguous and not b.flags.c_contiguous and a.flags.c_contiguous):
        return "transposed"
    return "plain"


def matmul2d(a: np.ndarray, b: np.ndarray, add: np.ndarray | None = None) -> np.ndarray:
    """out = a @ b (+ add, broadcast) for 2-D ``a`` (m, k) and ``b`` (k, n), C-ordered.

    Graph nodes (a backward formula recorded under ``create_graph``) take the plain product."""
    if a.__class__ is not np.ndarray or b.__class__ is not np.ndarray:
        return a @ b if add is None else a @ b + add
    how = route(a, b)
    if how == "transposed":
        transposed = np.matmul(b.T, a.T)  # (n, m), C-ordered: BLAS's fast case
        if add is None:
            return np.ascontiguousarray(transposed.T)
        return np.add(transposed.T, add, order="C")
    out = np.multiply(a, b) if how == "outer" else np.matmul(a, b)
    if add is not None:
        if out.dtype == np.result_type(out, add):
            out += add
        else:
            out = out + add
    return out
