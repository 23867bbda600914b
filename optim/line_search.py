"""Line search along a direction ``d``: find a step ``t`` that satisfies the strong Wolfe
conditions (Nocedal & Wright, Numerical Optimization, algorithms 3.5 and 3.6).

With ``phi(t) = f(x + t d)``, a step ``t`` is accepted when

    phi(t) <= phi(0) + c1 * t * phi'(0)          (sufficient decrease, Armijo)
    |phi'(t)| <= c2 * |phi'(0)|                   (curvature: the slope has flattened)

First the step grows (by cubic extrapolation) until an interval is known to contain such a
point; then that interval is shrunk (by cubic interpolation) until one is found.
Used by ``LBFGS(line_search_fn="strong_wolfe")``; the decisions follow PyTorch's
``_strong_wolfe`` step for step, so that trajectories agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def cubic_minimizer(
    t1: Any, f1: Any, g1: Any, t2: Any, f2: Any, g2: Any, bounds: tuple | None = None
) -> Any:
    """Minimiser of the cubic through (t1, f1) and (t2, f2) with slopes g1 and g2, clipped to
    ``bounds`` (default: the interval between t1 and t2); the middle of the bounds when the
    cubic has no minimum."""
    low, high = bounds if bounds is not None else (min(t1, t2), max(t1, t2))
    with np.errstate(divide="ignore", invalid="ignore"):
        d1 = g1 + g2 - 3 * (f1 - f2) / (t1 - t2)
        d2_square = d1 * d1 - g1 * g2
        if d2_square >= 0:
            d2 = np.sqrt(d2_square)
            if t1 <= t2:
                t = t2 - (t2 - t1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
            else:
                t = t1 - (t1 - t2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
            return min(max(t, low), high)
    return (low + high) / 2.0


class _Point:
    """One trial step: ``t``, the loss ``f``, the flat gradient ``g`` and the slope ``g . d``."""

    __slots__ = ("t", "f", "g", "slope")

    def __init__(self, t: Any, f: Any, g: np.ndarray, slope: Any) -> None:
        self.t, self.f, self.g, self.slope = t, f, g, slope


def strong_wolfe(
    evaluate: Callable[[Any], tuple[float, np.ndarray]],
    t: Any,
    d: np.ndarray,
    f: float,
    g: np.ndarray,
    slope: Any,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple[float, np.ndarray, Any, int]:
    """Search along ``d`` from the current point (loss ``f``, flat gradient ``g``, slope
    ``g . d < 0``), starting with step ``t``.

    ``evaluate(t)`` returns (loss, flat gradient) at ``x + t d`` and leaves ``x`` unchanged.
    Returns (loss, flat gradient, step, number of evaluations).
    """
    d_scale = np.abs(d).max()
    start = _Point(0, f, g.copy(), slope)
    previous = start
    f_new, g_new = evaluate(t)
    evaluations = 1
    current = _Point(t, f_new, g_new, g_new.dot(d))
    bracket: list[_Point] | None = None
    done = False
    iteration = 0

    # phase 1: grow the step until [previous, current] brackets an acceptable point
    while iteration < max_ls:
        if current.f > f + c1 * current.t * slope or (iteration > 1 and current.f >= previous.f):
            bracket = [previous, current]
            break
        if abs(current.slope) <= -c2 * slope:
            bracket = [current]
            done = True
            break
        if current.slope >= 0:
            bracket = [previous, current]
            break
        lowest = current.t + 0.01 * (current.t - previous.t)
        highest = current.t * 10
        t_next = cubic_minimizer(
            previous.t, previous.f, previous.slope, current.t, current.f, current.slope,
            bounds=(lowest, highest),
        )
        previous = current
        f_new, g_new = evaluate(t_next)
        evaluations += 1
        current = _Point(t_next, f_new, g_new, g_new.dot(d))
        iteration += 1
    if iteration == max_ls:
        bracket = [start, current]
    assert bracket is not None

    # phase 2 ("zoom"): shrink the bracket until a point satisfies both conditions
    low, high = (0, 1) if bracket[0].f <= bracket[-1].f else (1, 0)
    stalled = False
    while not done and iteration < max_ls:
        a, b = bracket[0], bracket[1]
        if abs(b.t - a.t) * d_scale < tolerance_change:
            break
        t_next = cubic_minimizer(a.t, a.f, a.slope, b.t, b.f, b.slope)
        left, right = min(a.t, b.t), max(a.t, b.t)
        margin = 0.1 * (right - left)
        if min(right - t_next, t_next - left) < margin:
            # too close to an end: step back inside, unless the last step was fine
            if stalled or t_next >= right or t_next <= left:
                t_next = right - margin if abs(t_next - right) < abs(t_next - left) else (
                    left + margin
                )
                stalled = False
            else:
                stalled = True
        else:
            stalled = False
        f_new, g_new = evaluate(t_next)
        evaluations += 1
        iteration += 1
        point = _Point(t_next, f_new, g_new, g_new.dot(d))
        if point.f > f + c1 * point.t * slope or point.f >= bracket[low].f:
            bracket[high] = point
            low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
        else:
            if abs(point.slope) <= -c2 * slope:
                done = True
            elif point.slope * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = point

    best = bracket[low]
    return best.f, best.g, best.t, evaluations
