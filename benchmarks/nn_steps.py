"""Training-step speed of gategrad's nn against PyTorch CPU, side by side in one process.

Workloads (float32, same initial weights and data for both):

* LeNet-5: conv 6@5x5 pad 2, maxpool 2, conv 16@5x5, maxpool 2, 120, 84, 10; batch 64 of 28x28
* MLP 784-256-128-10; batch 128

A step is zero_grad, forward, cross-entropy, backward and a plain SGD update. Each repeat
times ``--steps`` steps of each framework in turn; the median over ``--repeats`` is reported,
with the ratio gategrad / PyTorch (lower is better; 1.0 is parity).

    python benchmarks/nn_steps.py [--threads N] [--steps 20] [--repeats 7] [--clock cpu]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="cpu: process CPU time, robust on a loaded machine (use with "
                             "--threads 1)")
    return parser.parse_args()


ARGS = parse_args()
# numpy's BLAS reads its thread count when it is first loaded: set it before importing numpy
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = str(ARGS.threads)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import numpy as np  # noqa: E402

import autograd  # noqa: E402
import nn  # noqa: E402
import nn.functional as F  # noqa: E402

try:
    import torch  # noqa: E402
except ImportError:  # pragma: no cover
    sys.exit("PyTorch is not installed: pip install torch==2.13.0")

LEARNING_RATE = 0.01


def lenet(lib) -> object:
    return lib.Sequential(
        lib.Conv2d(1, 6, 5, padding=2), lib.ReLU(), lib.MaxPool2d(2),
        lib.Conv2d(6, 16, 5), lib.ReLU(), lib.MaxPool2d(2),
        lib.Flatten(),
        lib.Linear(400, 120), lib.ReLU(),
        lib.Linear(120, 84), lib.ReLU(),
        lib.Linear(84, 10),
    )


def mlp(lib) -> object:
    return lib.Sequential(
        lib.Linear(784, 256), lib.ReLU(), lib.Linear(256, 128), lib.ReLU(), lib.Linear(128, 10)
    )


def gategrad_step(model, x, y) -> float:
    model.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    for p in model.parameters():
        p.data -= LEARNING_RATE * p.grad.data
    return loss.item()


def torch_step(model, x, y) -> float:
    model.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(p.grad, alpha=-LEARNING_RATE)
    return loss.item()


def time_steps(step, model, x, y, steps: int) -> float:
    clock = time.process_time if ARGS.clock == "cpu" else time.perf_counter
    start = clock()
    for _ in range(steps):
        step(model, x, y)
    return (clock() - start) / steps


def compare(name: str, build, input_shape: tuple, batch: int) -> float:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch,) + input_shape).astype(np.float32)
    y = rng.integers(0, 10, batch)
    torch.manual_seed(0)
    reference = build(torch.nn)
    ours = build(nn)
    ours.load_state_dict({k: v.numpy() for k, v in reference.state_dict().items()})
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    gx, gy = autograd.from_numpy(x), autograd.from_numpy(y)
    first = gategrad_step(ours, gx, gy), torch_step(reference, tx, ty)
    if abs(first[0] - first[1]) > 1e-4 * max(1.0, abs(first[1])):
        raise SystemExit(f"{name}: losses differ: gategrad {first[0]} vs PyTorch {first[1]}")
    for _ in range(3):  # warm up both
        gategrad_step(ours, gx, gy)
        torch_step(reference, tx, ty)
    ours_times, torch_times = [], []
    for _ in range(ARGS.repeats):
        ours_times.append(time_steps(gategrad_step, ours, gx, gy, ARGS.steps))
        torch_times.append(time_steps(torch_step, reference, tx, ty, ARGS.steps))
    ours_ms = statistics.median(ours_times) * 1e3
    torch_ms = statistics.median(torch_times) * 1e3
    ratio = ours_ms / torch_ms
    print(f"{name:<34} gategrad {ours_ms:7.2f} ms   PyTorch {torch_ms:7.2f} ms   "
          f"ratio {ratio:5.2f}x")
    return ratio


def main() -> None:
    torch.set_num_threads(ARGS.threads)
    print(f"float32, {ARGS.threads} thread(s), {ARGS.clock} clock, median of {ARGS.repeats} x "
          f"{ARGS.steps} steps; numpy {np.__version__}, torch {torch.__version__}")
    compare("LeNet-5 training step, batch 64", lenet, (1, 28, 28), 64)
    compare("MLP 784-256-128-10 step, batch 128", mlp, (784,), 128)


if __name__ == "__main__":
    main()
