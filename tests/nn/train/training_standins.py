"""Minimal objects following PyTorch's protocols (model, optimizer, loss), written here so the
training loop is tested independently of gategrad's nn and optim."""

import numpy as np

import autograd as ag


class TinyMLP:
    """inputs -> linear -> relu -> linear, parameters as autograd Tensors."""

    def __init__(self, n_in, n_hidden, n_out, seed=0):
        rng = np.random.default_rng(seed)
        self.params = {
            "w1": ag.tensor(rng.standard_normal((n_in, n_hidden)) * np.sqrt(2 / n_in),
                            dtype=np.float32, requires_grad=True),
            "b1": ag.zeros(n_hidden, requires_grad=True),
            "w2": ag.tensor(rng.standard_normal((n_hidden, n_out)) * np.sqrt(1 / n_hidden),
                            dtype=np.float32, requires_grad=True),
            "b2": ag.zeros(n_out, requires_grad=True),
        }
        self.training = True
        self.mode_history = []

    def __call__(self, x):
        self.mode_history.append(self.training)
        p = self.params
        return (x @ p["w1"] + p["b1"]).relu() @ p["w2"] + p["b2"]

    def train(self, mode=True):
        self.training = mode
        return self

    def eval(self):
        return self.train(False)

    def parameters(self):
        return list(self.params.values())

    def state_dict(self):
        return {k: v.data.copy() for k, v in self.params.items()}

    def load_state_dict(self, state):
        for k, v in self.params.items():
            v.data[...] = state[k]


class MomentumSGD:
    """v = momentum v + g;  p -= lr v (raw numpy updates)."""

    def __init__(self, params, lr=0.1, momentum=0.9):
        self.param_groups = [{"params": list(params), "lr": lr, "momentum": momentum}]
        self.velocity = [np.zeros_like(p.data) for p in self.param_groups[0]["params"]]

    def zero_grad(self):
        for p in self.param_groups[0]["params"]:
            p.grad = None

    def step(self):
        group = self.param_groups[0]
        for p, v in zip(group["params"], self.velocity):
            if p.grad is not None:
                v *= group["momentum"]
                v += p.grad.data
                p.data -= group["lr"] * v

    def state_dict(self):
        group = self.param_groups[0]
        return {"state": {i: {"velocity": v.copy()} for i, v in enumerate(self.velocity)},
                "param_groups": [{"lr": group["lr"], "momentum": group["momentum"]}]}

    def load_state_dict(self, state):
        for i, v in enumerate(self.velocity):
            v[...] = state["state"][i]["velocity"]
        self.param_groups[0].update(state["param_groups"][0])


def cross_entropy(logits, targets):
    """Mean softmax cross-entropy of logits (N, K) against class indices (N,)."""
    shifted = logits - logits.data.max(axis=1, keepdims=True)
    log_norm = shifted.exp().sum(dim=1).log()
    picked = shifted[np.arange(len(targets.data)), targets.data]
    return (log_norm - picked).mean()
