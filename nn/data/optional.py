"""Optional dependencies (scikit-learn, matplotlib): imported on first use, with a clear error."""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingDependencyError(ImportError):
    """An optional package a feature needs is not installed (the message says how to get it)."""


def require(module: str, feature: str, package: str, extra: str) -> ModuleType:
    """Import ``module`` for ``feature``, or raise MissingDependencyError naming the fix."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingDependencyError(
            f"{feature} needs {package}, which is not installed: "
            f"pip install '{package}' (or pip install 'gategrad[{extra}]')"
        ) from error
