"""gategrad.optim: optimizers and learning-rate schedules on the autograd engine."""
