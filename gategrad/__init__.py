"""The gategrad command-line app (the one place that may import autograd, nn and optim)."""
