"""The one random generator behind every random function (factories, nn init, dropout)."""

from __future__ import annotations

import numpy as np


class _Generator:
    current: np.random.Generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the generator all gategrad random functions draw from; returns it."""
    _Generator.current = np.random.default_rng(seed)
    return _Generator.current


def generator() -> np.random.Generator:
    """The current generator (replaced by ``manual_seed``)."""
    return _Generator.current
