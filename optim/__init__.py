"""gategrad.optim: optimizers and learning-rate schedules on the autograd engine.

PyTorch's names, defaults and update formulas (``optim.SGD``, ``optim.Adam``, ...), so that
trajectories match ``torch.optim`` step for step; plus ``Newton`` (exact Hessian, damped) and
``EarlyStopping``. Imports only ``autograd``.
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .early_stopping import EarlyStopping
from .lbfgs import LBFGS
from .nadam import NAdam
from .newton import Newton
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "LBFGS",
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "EarlyStopping",
    "NAdam",
    "Newton",
    "Optimizer",
    "RMSprop",
    "lr_scheduler",
]
