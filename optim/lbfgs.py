"""L-BFGS: a quasi-Newton method that builds curvature from the last few gradient changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd import enable_grad, no_grad

from .line_search import strong_wolfe
from .optimizer import Optimizer, check_lr, check_range


class LBFGS(Optimizer):
    r"""Limited-memory BFGS (Nocedal, 1980), as ``torch.optim.LBFGS``.

    All parameters are seen as one flat vector ``x`` with gradient ``g``. From the last
    ``history_size`` steps ``s_k = x_k+1 - x_k`` and gradient changes ``y_k = g_k+1 - g_k``
    (kept only when the curvature ``y_k . s_k > 1e-10``), the two-loop recursion computes
    ``d = -H g``, where ``H`` approximates the inverse Hessian, starting from
    ``H_0 = (y . s) / (y . y) * I`` ("H_diag")::

        q <- -g
        for k newest to oldest:  a_k = rho_k * s_k . q;   q <- q - a_k * y_k   (rho_k = 1 / y_k.s_k)
        r <- H_diag * q
        for k oldest to newest:  b_k = rho_k * y_k . r;   r <- r + (a_k - b_k) * s_k
        d = r;   x <- x + t * d

    ``t = lr`` (on the very first iteration ``min(1, 1 / sum|g|) * lr``), or the step found by
    a strong Wolfe line search with ``line_search_fn="strong_wolfe"``.

    One ``step(closure)`` runs up to ``max_iter`` iterations (``max_eval`` loss evaluations)
    and stops early when ``max|g| <= tolerance_grad`` or when the loss or the step changes
    less than ``tolerance_change``. The closure must clear the gradients, compute the loss,
    call ``loss.backward()`` and return the loss. Only one parameter group is supported.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(
            lr=lr,
            max_iter=max_iter,
            max_eval=max_eval,
            tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change,
            history_size=history_size,
            line_search_fn=line_search_fn,
        )
        super().__init__(params, defaults)
        self._params = self.param_groups[0]["params"]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        super().add_param_group(param_group)

    def _check_group(self, group: dict[str, Any]) -> None:
        name = self._name
        check_lr(name, group)
        for key in ("max_iter", "max_eval", "history_size"):
            value = group[key]
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name}: {key} must be a positive integer, got {value!r}")
        check_range(name, group, "tolerance_grad", "tolerance_grad", low=0.0)
        check_range(name, group, "tolerance_change", "tolerance_change", low=0.0)
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(
                f"{name}: line_search_fn must be None or 'strong_wolfe', "
                f"got {group['line_search_fn']!r}"
            )

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        super().load_state_dict(state_dict)
        self._params = self.param_groups[0]["params"]

    # ---- the flat view of all parameters ----------------------------------------------------

    def _flat_grad(self) -> np.ndarray:
        return np.concatenate([
            np.zeros(p.data.size, p.data.dtype) if p.grad is None else p.grad.data.reshape(-1)
            for p in self._params
        ])

    def _move(self, t: Any, direction: np.ndarray) -> None:
        """x <- x + t * direction."""
        offset = 0
        for p in self._params:
            size = p.data.size
            p.data += t * direction[offset:offset + size].reshape(p.data.shape)
            p._version += 1
            offset += size

    def _set(self, values: list[np.ndarray]) -> None:
        for p, value in zip(self._params, values):
            p.data[...] = value
            p._version += 1

    # ---- the step -------------------------------------------------------------------------

    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` L-BFGS iterations; returns the loss at the starting point."""
        if closure is None:
            raise TypeError(
                "LBFGS.step: a closure is required: a function that clears the gradients, "
                "computes the loss, calls loss.backward() and returns the loss"
            )
        with no_grad():
            return self._step(enable_grad()(closure))

    def _step(self, closure: Callable[[], Any]) -> Any:
        group = self.param_groups[0]
        lr = group["lr"]
        max_iter = group["max_iter"]
        max_eval = group["max_eval"]
        tolerance_grad = group["tolerance_grad"]
        tolerance_change = group["tolerance_change"]
        history_size = group["history_size"]
        line_search_fn = group["line_search_fn"]

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        first_loss = closure()
        loss = float(first_loss)
        evaluations = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:
            return first_loss

        d = state.get("d")
        t = state.get("t")
        old_dirs = state.get("old_dirs")  # y_k: gradient changes
        old_stps = state.get("old_stps")  # s_k: steps
        ro = state.get("ro")  # 1 / (y_k . s_k)
        H_diag = state.get("H_diag")
        prev_flat_grad = state.get("prev_flat_grad")
        prev_loss = state.get("prev_loss")

        iteration = 0
        while iteration < max_iter:
            iteration += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / y.dot(y)
                d = _two_loop(flat_grad, old_dirs, old_stps, ro, H_diag)

            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr
            else:
                t = lr
            slope = flat_grad.dot(d)
            if slope > -tolerance_change:
                break  # not a descent direction (or no progress possible)

            used = 0
            if line_search_fn is not None:
                start = [p.data.copy() for p in self._params]

                def along(step: Any, start: list = start, d: np.ndarray = d) -> tuple:
                    self._move(step, d)
                    value = float(closure())
                    gradient = self._flat_grad()
                    self._set(start)
                    return value, gradient

                loss, flat_grad, t, used = strong_wolfe(
                    along, t, d, loss, flat_grad, slope, max_ls=max_eval - evaluations
                )
                self._move(t, d)
                converged = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._move(t, d)
                converged = False
                if iteration != max_iter:
                    loss = float(closure())
                    flat_grad = self._flat_grad()
                    converged = np.abs(flat_grad).max() <= tolerance_grad
                    used = 1
            evaluations += used
            state["func_evals"] += used

            if iteration == max_iter or evaluations >= max_eval or converged:
                break
            if np.abs(d * t).max() <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state["d"] = d
        state["t"] = t
        state["old_dirs"] = old_dirs
        state["old_stps"] = old_stps
        state["ro"] = ro
        state["H_diag"] = H_diag
        state["prev_flat_grad"] = prev_flat_grad
        state["prev_loss"] = prev_loss
        return first_loss


def _two_loop(
    grad: np.ndarray, dirs: list, steps: list, ro: list, H_diag: Any
) -> np.ndarray:
    """The L-BFGS two-loop recursion: ``-H grad`` for the inverse-Hessian estimate ``H``."""
    alphas = [0.0] * len(dirs)
    q = -grad
    for i in range(len(dirs) - 1, -1, -1):
        alphas[i] = steps[i].dot(q) * ro[i]
        q -= alphas[i] * dirs[i]
    r = q * H_diag
    for i in range(len(dirs)):
        beta = dirs[i].dot(r) * ro[i]
        r += (alphas[i] - beta) * steps[i]
    return r
