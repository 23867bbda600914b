"""PyTorch's ``torch.linalg`` names: ``autograd.linalg.inv(a)``, ``det``, ``solve``, ``norm``."""

from .ops.linalg import det, solve
from .ops.linalg import inverse as inv
from .ops.reduce import norm as vector_norm

__all__ = ["det", "inv", "solve", "vector_norm"]
