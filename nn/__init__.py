"""gategrad.nn: modules, layers, losses and initialisation on the autograd engine."""
