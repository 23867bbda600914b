"""In-place operations on Tensors, guarded by version counters.

gategrad never rewrites recorded history:

* ``x.add_(y)``-style methods mutate ``x.data`` and bump ``x``'s version. They are allowed on
  tensors outside any graph and inside ``no_grad()`` (optimizer steps, initialisation). On a
  leaf that requires grad they raise PyTorch's leaf error; on a tensor that is part of a graph
  they raise and name the out-of-place form.
* ``x += y`` and friends do the same, except that on a non-leaf tensor of a graph they rebind
  the name to the out-of-place result (``x = x + y``), which is always safe.
* Each recorded gate remembers its inputs' versions; backward through a gate whose input was
  changed in place since raises an error naming the gate and both versions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .engine import GradMode
from .node import raw
from .rng import generator

LEAF_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."


_raw = raw


class InPlaceOps:
    """Mixin for Tensor: the ``*_`` methods and ``+=``-style operators."""

    __slots__ = ()

    def _check_inplace(self, op: str, *others: Any) -> None:
        if not GradMode.enabled:
            return
        if self.requires_grad:
            if self._fn is None:
                raise RuntimeError(LEAF_MESSAGE)
            raise RuntimeError(
                f"{op}: in-place operations on a tensor that is part of a graph are not "
                f"supported (they would rewrite recorded history); use the out-of-place "
                f"form, e.g. x = x.{op.rstrip('_')}(...)"
            )
        if any(getattr(other, "requires_grad", False) for other in others):
            raise RuntimeError(
                f"{op}: the other operand requires grad, but in-place operations record no "
                f"gradient; use the out-of-place form or wrap the update in no_grad()"
            )

    def _write(self, op: str, value: Any) -> Any:
        """Store ``value`` into this tensor's buffer (same array, same dtype); bump version."""
        data = self.data
        if not data.flags.writeable:
            raise RuntimeError(
                f"{op}: this tensor's memory is read-only (it is a broadcast view); "
                f"make a copy first"
            )
        try:
            np.copyto(data, value, casting="same_kind")
        except (TypeError, ValueError) as error:
            raise RuntimeError(
                f"{op}: cannot write a result of shape {np.shape(value)} and dtype "
                f"{np.asarray(value).dtype} into a tensor of shape {data.shape} and dtype "
                f"{data.dtype} ({error})"
            ) from None
        self._version += 1
        return self

    def add_(self, other: Any, alpha: float = 1) -> Any:
        """x += alpha * other, in place."""
        self._check_inplace("add_", other)
        return self._write("add_", self.data + alpha * _raw(other))

    def sub_(self, other: Any, alpha: float = 1) -> Any:
        """x -= alpha * other, in place."""
        self._check_inplace("sub_", other)
        return self._write("sub_", self.data - alpha * _raw(other))

    def mul_(self, other: Any) -> Any:
        """x *= other, in place."""
        self._check_inplace("mul_", other)
        return self._write("mul_", self.data * _raw(other))

    def div_(self, other: Any) -> Any:
        """x /= other, in place."""
        self._check_inplace("div_", other)
        return self._write("div_", self.data / _raw(other))

    def pow_(self, exponent: Any) -> Any:
        """x **= exponent, in place."""
        self._check_inplace("pow_", exponent)
        return self._write("pow_", self.data ** _raw(exponent))

    def neg_(self) -> Any:
        self._check_inplace("neg_")
        return self._write("neg_", -self.data)

    def zero_(self) -> Any:
        """Fill with zeros, in place."""
        self._check_inplace("zero_")
        return self._write("zero_", 0)

    def fill_(self, value: Any) -> Any:
        """Fill with ``value``, in place."""
        self._check_inplace("fill_", value)
        return self._write("fill_", _raw(value))

    def copy_(self, source: Any) -> Any:
        """Copy ``source``'s values (broadcast) into this tensor, in place."""
        self._check_inplace("copy_", source)
        return self._write("copy_", _raw(source))

    def clamp_(self, min: Any = None, max: Any = None) -> Any:  # noqa: A002
        """Clip to [min, max], in place."""
        self._check_inplace("clamp_", min, max)
        if min is None and max is None:
            raise ValueError("clamp_: at least one of min and max must be given")
        return self._write("clamp_", np.clip(self.data, _raw(min), _raw(max)))

    def uniform_(self, a: float = 0.0, b: float = 1.0) -> Any:
        """Fill with samples from U(a, b) (the seeded generator), in place."""
        self._check_inplace("uniform_")
        return self._write("uniform_", generator().uniform(a, b, self.data.shape))

    def normal_(self, mean: float = 0.0, std: float = 1.0) -> Any:
        """Fill with samples from N(mean, std**2) (the seeded generator), in place."""
        self._check_inplace("normal_")
        return self._write("normal_", generator().normal(mean, std, self.data.shape))

    # x op= y: in place where allowed; a graph's non-leaf tensor is rebound out of place
    def _augmented(self, op: str, other: Any, out_of_place: Any) -> Any:
        if GradMode.enabled and self.requires_grad and self._fn is not None:
            return out_of_place(self, other)
        return getattr(self, op)(other)

    def __iadd__(self, other: Any) -> Any:
        return self._augmented("add_", other, lambda a, b: a + b)

    def __isub__(self, other: Any) -> Any:
        return self._augmented("sub_", other, lambda a, b: a - b)

    def __imul__(self, other: Any) -> Any:
        return self._augmented("mul_", other, lambda a, b: a * b)

    def __itruediv__(self, other: Any) -> Any:
        return self._augmented("div_", other, lambda a, b: a / b)
