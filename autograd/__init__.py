"""gategrad's engine: gates with local derivatives, recorded as code runs, backpropagated.

``Scalar`` (python floats) and ``Tensor`` (numpy arrays) share one engine.
Note: this top-level package name clashes with the unrelated HIPS ``autograd`` package;
do not install both into one environment.
"""

from . import api as _api
from . import functional, linalg
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .api import *  # noqa: F403  (the op library: softmax, var, max, cat, gather, ...)
from .dtypes import get_default_dtype, set_default_dtype
from .engine import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .factories import (
    arange,
    empty,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from .function import Context, Function
from .functional import grad, hessian, hvp, jacobian, jvp, vjp
from .functions import (
    abs,
    exp,
    log,
    matmul,
    maximum,
    mean,
    minimum,
    pow,
    relu,
    reshape,
    sigmoid,
    sqrt,
    sum,
    tanh,
    transpose,
    where,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .node import Node, RemovableHandle
from .rng import manual_seed
from .scalar import Scalar
from .tensor import Tensor
from .viz import (
    backward_steps,
    draw_gradient_flow,
    draw_graph,
    node_gradients,
    plot_gradient_flow,
    print_graph,
)

__version__ = "0.1.0"

__all__ = [
    "detect_anomaly", "functional", "grad", "hessian", "hvp", "is_anomaly_enabled", "jacobian",
    "jvp", "set_detect_anomaly", "vjp",
    "Context", "Function", "Node", "RemovableHandle", "Scalar", "Tensor",
    "abs", "arange", "empty", "enable_grad", "exp", "eye", "from_numpy", "full", "full_like",
    "get_default_dtype", "is_grad_enabled", "linspace", "log", "manual_seed", "matmul",
    "maximum", "mean", "minimum", "no_grad", "ones", "ones_like", "pow", "rand", "rand_like",
    "randint", "randn", "randn_like", "relu", "reshape", "set_default_dtype",
    "set_grad_enabled", "sigmoid", "sqrt", "sum", "tanh", "tensor", "transpose", "where",
    "zeros", "zeros_like",
    # pictures (autograd.viz)
    "backward_steps", "draw_gradient_flow", "draw_graph", "node_gradients",
    "plot_gradient_flow", "print_graph",
]
__all__ += _api.__all__
__all__ += ["GradcheckError", "gradcheck", "gradgradcheck", "linalg"]
