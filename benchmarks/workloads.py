"""The benchmark workloads, each written once for gategrad and once for its reference.

A workload is built by a ``make_*`` function returning ``(ours, reference)``: two zero-argument
callables doing the same work on the same float32 data (same initial weights, same inputs), each
returning a python float that ``tests/benchmarks`` compares (the loss, or a gradient sum).
Importing this module imports numpy; PyTorch and micrograd are imported only when a workload
needs them (:func:`missing_reference` says whether one is installed).
"""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Callable

import numpy as np

import autograd
import nn
import nn.functional as F

LEARNING_RATE = 0.01
Step = Callable[[], float]


def missing_reference(name: str) -> str | None:
    """None when the reference package ``name`` ('torch', 'micrograd') imports, else a note."""
    if importlib.util.find_spec(name) is None:
        pin = {"torch": "torch==2.13.0", "micrograd": "micrograd==0.1.0"}[name]
        return f"{name} is not installed (pip install '{pin}', or pip install -e '.[bench]')"
    return None


# ---- nn training steps (MLP, LeNet-5) ------------------------------------------------------

def lenet(lib) -> object:
    return lib.Sequential(
        lib.Conv2d(1, 6, 5, padding=2), lib.ReLU(), lib.MaxPool2d(2),
        lib.Conv2d(6, 16, 5), lib.ReLU(), lib.MaxPool2d(2),
        lib.Flatten(),
        lib.Linear(400, 120), lib.ReLU(),
        lib.Linear(120, 84), lib.ReLU(),
        lib.Linear(84, 10),
    )


def mlp(lib, sizes: tuple = (784, 256, 128, 10)) -> object:
    layers: list = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i:
            layers.append(lib.ReLU())
        layers.append(lib.Linear(n_in, n_out))
    return lib.Sequential(*layers)


def _train_steps(build: Callable, input_shape: tuple, batch: int, seed: int = 0):
    """gategrad and PyTorch train steps (zero_grad, forward, cross-entropy, backward, SGD)."""
    import torch

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch,) + input_shape).astype(np.float32)
    y = rng.integers(0, 10, batch)
    torch.manual_seed(seed)
    reference = build(torch.nn)
    ours = build(nn)
    ours.load_state_dict({k: v.detach().numpy().copy() for k, v in reference.state_dict().items()})
    ours_params = list(ours.parameters())
    ref_params = list(reference.parameters())
    gx, gy = autograd.from_numpy(x), autograd.from_numpy(y)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def ours_step() -> float:
        ours.zero_grad()
        loss = F.cross_entropy(ours(gx), gy)
        loss.backward()
        for p in ours_params:
            p.data -= LEARNING_RATE * p.grad.data
        return loss.item()

    def reference_step() -> float:
        reference.zero_grad()
        loss = torch.nn.functional.cross_entropy(reference(tx), ty)
        loss.backward()
        with torch.no_grad():
            for p in ref_params:
                p.add_(p.grad, alpha=-LEARNING_RATE)
        return loss.item()

    return ours_step, reference_step


def make_mlp(batch: int = 128, sizes: tuple = (784, 256, 128, 10)) -> tuple[Step, Step]:
    return _train_steps(lambda lib: mlp(lib, sizes), (sizes[0],), batch)


def make_lenet(batch: int = 64) -> tuple[Step, Step]:
    return _train_steps(lenet, (1, 28, 28), batch)


# ---- conv2d alone ------------------------------------------------------------------------

def make_conv(batch: int = 8, channels: int = 64, size: int = 56) -> tuple[Step, Step]:
    """3x3 conv, padding 1, forward and backward to input, weight and bias."""
    import torch

    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, channels, size, size)).astype(np.float32)
    w = (rng.standard_normal((channels, channels, 3, 3)) * 0.05).astype(np.float32)
    b = rng.standard_normal(channels).astype(np.float32)
    gx, gw, gb = (autograd.tensor(a, requires_grad=True) for a in (x, w, b))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))

    def ours() -> float:
        gx.grad = gw.grad = gb.grad = None
        F.conv2d(gx, gw, gb, padding=1).sum().backward()
        return float(gw.grad.data.sum()) + float(gx.grad.data.sum())

    def reference() -> float:
        tx.grad = tw.grad = tb.grad = None
        torch.nn.functional.conv2d(tx, tw, tb, padding=1).sum().backward()
        return float(tw.grad.sum()) + float(tx.grad.sum())

    return ours, reference


# ---- a chain of tiny elementwise ops -----------------------------------------------------

def make_chain(ops: int = 1000, size: int = 4) -> tuple[Step, Step]:
    """``ops`` elementwise gates (mul, add, tanh in turn) on a (size,) tensor, then backward."""
    import torch

    x = np.linspace(-1.0, 1.0, size, dtype=np.float32)
    gx = autograd.tensor(x, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)

    def run(v):
        for i in range(ops - 1):  # the final sum is the last gate
            k = i % 3
            if k == 0:
                v = v * 1.01
            elif k == 1:
                v = v + 0.01
            else:
                v = v.tanh()
        return v.sum()

    def ours() -> float:
        gx.grad = None
        run(gx).backward()
        return float(gx.grad.data.sum())

    def reference() -> float:
        tx.grad = None
        run(tx).backward()
        return float(tx.grad.sum())

    return ours, reference


# ---- micrograd's demo: a scalar MLP with a max-margin loss ---------------------------------

def _moons(n: int = 100, seed: int = 0) -> tuple[list, list]:
    """Two interleaving half-circles with noise (sklearn's make_moons, without sklearn)."""
    rng = np.random.default_rng(seed)
    half = n // 2
    t_out = np.linspace(0, np.pi, half)
    t_in = np.linspace(0, np.pi, n - half)
    xs = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], 1),
                         np.stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5], 1)])
    xs = xs + rng.normal(0, 0.1, xs.shape)
    ys = np.concatenate([-np.ones(half), np.ones(n - half)])
    return xs.tolist(), ys.tolist()


class _ScalarMLP:
    """micrograd.nn.MLP's arithmetic, over any Value-like class (same weights, same order)."""

    def __init__(self, weights: list, value: Callable) -> None:
        # weights: per layer, per neuron, (w list, b); all layers but the last use relu
        self.layers = [[([value(w) for w in ws], value(b)) for ws, b in layer]
                       for layer in weights]

    def parameters(self) -> list:
        return [p for layer in self.layers for ws, b in layer for p in (*ws, b)]

    def __call__(self, x: list):
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            out = []
            for ws, b in layer:
                act = sum((wi * xi for wi, xi in zip(ws, x)), b)
                out.append(act.relu() if i != last else act)
            x = out
        return x[0]


def _demo_loss(model, xs: list, ys: list, value: Callable):
    """micrograd demo.ipynb's loss: svm max-margin on the scores plus 1e-4 L2."""
    inputs = [[value(v) for v in row] for row in xs]
    scores = [model(row) for row in inputs]
    losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def make_scalar_mlp(points: int = 100, sizes: tuple = (2, 16, 16, 1),
                    keep: list | None = None) -> tuple[Step, Step]:
    """Forward and backward of micrograd's demo loss, on gategrad Scalar and micrograd Value.

    ``keep``: each step appends its loss (and so its whole graph) to this list, so that the
    graph is freed when the caller empties the list rather than when the step returns."""
    from micrograd.engine import Value

    random.seed(1337)
    weights = [[([random.uniform(-1, 1) for _ in range(n_in)], 0.0) for _ in range(n_out)]
               for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    xs, ys = _moons(points)
    ours_model = _ScalarMLP(weights, lambda v: autograd.Scalar(v, requires_grad=True))
    ref_model = _ScalarMLP(weights, Value)
    constant = lambda v: autograd.Scalar(v, requires_grad=False)

    def step(model, value: Callable) -> Step:
        def run() -> float:
            for p in model.parameters():
                p.grad = 0.0
            loss = _demo_loss(model, xs, ys, value)
            loss.backward()
            if keep is not None:
                keep.append(loss)
            return loss.data + sum(p.grad for p in model.parameters())
        return run

    return step(ours_model, constant), step(ref_model, Value)


# ---- a long chain's backward --------------------------------------------------------------

def scalar_chain(gates: int):
    """A leaf and the output of ``gates`` chained Scalar gates (mul and add in turn)."""
    x = autograd.Scalar(0.5, requires_grad=True)
    v = x
    for i in range(gates):
        v = v * 1.000001 if i % 2 == 0 else v + 1e-6
    return x, v


def chain_backward_time(gates: int, clock: Callable) -> tuple[float, float]:
    """Seconds for ``backward()`` of a ``gates``-long chain (the build is not timed); and x.grad."""
    x, out = scalar_chain(gates)
    start = clock()
    out.backward()
    elapsed = clock() - start
    return elapsed, x.grad


# ---- memory: RSS over many training steps --------------------------------------------------

def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (4096)


def rss_over_steps(framework: str, steps: int = 1000) -> dict:
    """Run in a fresh process: RSS (bytes) over ``steps`` MLP train steps, sampled every step.

    ``increment`` is the highest RSS seen minus the RSS after the first (warm-up) step;
    ``growth`` is the RSS after the last step minus that after the first tenth of the steps.
    """
    ours, reference = make_mlp()
    step = ours if framework == "gategrad" else reference
    step()  # first step: lazily made buffers, BLAS set-up
    base = peak = _rss_bytes()
    after_tenth = base
    for i in range(steps):
        step()
        now = _rss_bytes()
        peak = max(peak, now)
        if i == steps // 10:
            after_tenth = now
    return {"increment": peak - base, "growth": _rss_bytes() - after_tenth}
