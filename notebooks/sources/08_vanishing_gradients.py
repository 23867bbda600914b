# %% [markdown]
# # 8. Vanishing and exploding gradients
#
# Backprop multiplies local gradients layer after layer. A sigmoid's local gradient is at most
# 0.25, so a deep sigmoid stack multiplies the gradient by small numbers again and again; tanh
# (at most 1) fares better; ReLU passes it unchanged or not at all (local gradient 1 or 0), but
# the weights still scale it; a residual connection h + f(h) adds a path whose local gradient is
# exactly 1. Large weights do the opposite: the gradient explodes.

# %%
import shutil

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd.viz import gradient_stats

DEPTH, WIDTH = 16, 64


class Residual(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.linear = nn.Linear(width, width)

    def forward(self, h):
        return h + F.relu(self.linear(h))


def stack(kind):
    layers = []
    for _ in range(DEPTH):
        if kind == "residual ReLU":
            layers.append(Residual(WIDTH))
        else:
            act = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "ReLU": nn.ReLU}[kind]()
            layers += [nn.Linear(WIDTH, WIDTH), act]
    return nn.Sequential(*layers, nn.Linear(WIDTH, 1))


def weight_grads(kind, seed=0):
    ag.manual_seed(seed)
    net = stack(kind)
    x = ag.randn(128, WIDTH)
    loss = (net(x) ** 2).mean()
    loss.backward()
    weights = {n: p for n, p in net.named_parameters() if n.endswith("weight")}
    rows = gradient_stats(weights)
    return net, weights, np.array([row.mean_abs_grad for row in rows])


kinds = ["sigmoid", "tanh", "ReLU", "residual ReLU"]
grads = {}
for kind in kinds:
    net, weights, grads[kind] = weight_grads(kind)
    print(f"{kind:14s} mean |grad| first layer {grads[kind][0]:.1e}, "
          f"last hidden {grads[kind][-2]:.1e}, ratio {grads[kind][0] / grads[kind][-2]:.1e}")

# %%
for kind in kinds:
    plt.semilogy(grads[kind][:-1], "o-", label=kind)
plt.xlabel("layer (input side → output side)")
plt.ylabel("mean |d loss / d W|")
plt.legend()
plt.title(f"{DEPTH} layers, default (PyTorch) initialisation")
plt.show()

# %% [markdown]
# With PyTorch's default initialisation (uniform, std 1/√(3·fan_in), made for leaky ReLUs) the
# plain ReLU stack loses a factor of about √6 per layer and ends up *worse* than tanh here; with
# Kaiming's std √(2/fan_in) (notebook 6) it would keep its scale. Only the residual stack gets a
# sizeable gradient to its first layer.
#
# gategrad's per-parameter chart (`plot_gradient_flow`) for the sigmoid stack: the bars fall
# from the output back to the input; parameters flagged as vanishing get a coloured name.

# %%
net, weights, _ = weight_grads("sigmoid")
ax = ag.plot_gradient_flow(weights)
plt.show()
health = {row.name: row.status for row in gradient_stats(weights)}
print(health)

# %% [markdown]
# The gradient-flow diagram of a smaller sigmoid stack (6 layers, 8 wide): edge width and colour
# give the mean |gradient| each gate sends back, and nodes where it vanishes are flagged. It is a
# `graphviz.Digraph`: inline in Jupyter when graphviz's `dot` is installed.

# %%
ag.manual_seed(0)
small = nn.Sequential(*[m for _ in range(6) for m in (nn.Linear(8, 8), nn.Sigmoid())],
                      nn.Linear(8, 1))
loss = (small(ag.randn(16, 8)) ** 2).mean()
flow = ag.draw_gradient_flow(loss, dict(small.named_parameters()))
print(len(flow.source), "characters of DOT")
flow if shutil.which("dot") else None

# %% [markdown]
# ## Exploding
#
# The same ReLU stack with weights of std 0.5 (instead of the default ≈ 1/√(3·64) = 0.07):
# every layer multiplies the signal, and the gradient, by about 0.5·√64/√2 ≈ 2.8: after 16
# layers the loss and every weight gradient are astronomically large.

# %%
ag.manual_seed(0)
big = stack("ReLU")
for name, p in big.named_parameters():
    if name.endswith("weight"):
        nn.init.normal_(p, 0.0, 0.5)
(big(ag.randn(128, WIDTH)) ** 2).mean().backward()
exploding = np.array([row.mean_abs_grad for row in gradient_stats(
    {n: p for n, p in big.named_parameters() if n.endswith("weight")})])
print("mean |grad| per layer:", " ".join(f"{g:.1e}" for g in exploding))

# %% [markdown]
# ## Through time: RNN vs LSTM
#
# A recurrent net is a deep net along time. How much does the last output depend on the input
# at step t? The gradient d out[T-1] / d x[t], for a sequence of 60 steps.
#
# At PyTorch's default initialisation both vanish: the LSTM's forget gate starts at
# σ(0) = 0.5, halving the cell's memory every step. The usual remedy is a forget-gate bias of 1
# (here on both biases, σ(2) ≈ 0.88): the cell state's additive path then carries gradient back
# over the whole sequence, like a residual connection through time. The vanilla RNN has no such
# path: its gradient passes through tanh and W_hh at every step.

# %%
def through_time(cell, forget_bias=None, steps=60):
    ag.manual_seed(0)
    layer = cell(1, 16, batch_first=True)
    if forget_bias is not None:                    # gate order i, f, g, o (as in PyTorch)
        with ag.no_grad():
            layer.bias_ih_l0.data[16:32] = forget_bias
            layer.bias_hh_l0.data[16:32] = forget_bias
    x = ag.randn(32, steps, 1, requires_grad=True)
    out, _ = layer(x)
    out[:, -1].sum().backward()
    return np.abs(x.grad.data[:, :, 0]).mean(0)


through = {"RNN": through_time(nn.RNN), "LSTM": through_time(nn.LSTM),
           "LSTM, forget bias 1": through_time(nn.LSTM, forget_bias=1.0)}
for name, g in through.items():
    plt.semilogy(g, label=name)
    print(f"{name:20s} |d out / d x[t]| at t = 0: {g[0]:.1e}, at t = 59: {g[-1]:.1e}")
plt.xlabel("input step t")
plt.ylabel("mean |d out[59] / d x[t]|")
plt.legend()
plt.show()

# %% [markdown]
# ## Training on a task that needs memory
#
# Does the gradient measured above decide what a recurrent net can *learn*? A synthetic task:
# each sequence has 40 steps and two input channels. Channel 0 carries a bit, +1 or -1, at step
# 0 and is 0 afterwards; channel 1 is Gaussian noise at every step. After the last step the net
# must say which bit it saw, so it has to carry one bit through 39 steps of noise; guessing
# gives 50%.
#
# Three models, each with 16 hidden units and a linear head on the last output, get the same
# seed, the same batches (32 sequences) and the same optimizer (Adam, learning rate 0.005,
# 200 steps): the vanilla RNN, the LSTM as initialised by default, and the LSTM with forget
# bias 1. Accuracy is measured on 512 held-out sequences.

# %%
SEQ_LEN, HIDDEN, BATCH, TRAIN_STEPS, SEED = 40, 16, 32, 200, 0


def first_bit_task(rng, n):
    """n sequences (n, SEQ_LEN, 2): the bit ±1 at step 0 of channel 0, noise in channel 1.
    The label is 1.0 for +1 and 0.0 for -1."""
    bits = rng.integers(0, 2, n)
    x = np.zeros((n, SEQ_LEN, 2), np.float32)
    x[:, 0, 0] = 2 * bits - 1
    x[:, :, 1] = rng.standard_normal((n, SEQ_LEN))
    return ag.tensor(x), ag.tensor(bits.astype(np.float32))


class LastStepClassifier(nn.Module):
    def __init__(self, cell, forget_bias=None):
        super().__init__()
        self.rnn = cell(2, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, 1)
        if forget_bias is not None:                # as above: gate order i, f, g, o
            with ag.no_grad():
                self.rnn.bias_ih_l0.data[HIDDEN:2 * HIDDEN] = forget_bias
                self.rnn.bias_hh_l0.data[HIDDEN:2 * HIDDEN] = forget_bias

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1]).reshape(-1)   # one logit per sequence


def train_on_first_bit(cell, forget_bias=None, seed=SEED):
    ag.manual_seed(seed)
    model = LastStepClassifier(cell, forget_bias)
    opt = optim.Adam(model.parameters(), lr=0.005)
    rng = np.random.default_rng(seed)              # the same batches for every model
    losses = []
    for _ in range(TRAIN_STEPS):
        x, y = first_bit_task(rng, BATCH)
        loss = F.binary_cross_entropy_with_logits(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    x, y = first_bit_task(np.random.default_rng(seed + 1), 512)   # held out
    with ag.no_grad():
        accuracy = float(((model(x).data > 0) == (y.data > 0.5)).mean())
    return model, np.array(losses), accuracy


runs = {"RNN": train_on_first_bit(nn.RNN), "LSTM": train_on_first_bit(nn.LSTM),
        "LSTM, forget bias 1": train_on_first_bit(nn.LSTM, forget_bias=1.0)}
accuracy = {name: acc for name, (_, _, acc) in runs.items()}
window = 10
for name, (_, losses, acc) in runs.items():
    smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
    plt.plot(np.arange(window - 1, TRAIN_STEPS), smooth, label=f"{name} (held out: {acc:.0%})")
    print(f"{name:20s} final loss {losses[-window:].mean():.3f}, held-out accuracy {acc:.3f}")
plt.axhline(np.log(2), color="gray", ls="--", lw=1, label="chance, ln 2")
plt.xlabel("training step")
plt.ylabel(f"training loss (mean of {window} steps)")
plt.title(f"remember the first bit: {SEQ_LEN} steps, {HIDDEN} hidden units, Adam")
plt.legend()
plt.show()
rnn_radius = np.abs(np.linalg.eigvals(runs["RNN"][0].rnn.weight_hh_l0.data)).max()
print(f"trained RNN: spectral radius of W_hh {rnn_radius:.2f}, "
      f"{rnn_radius:.2f}^{SEQ_LEN - 1} = {rnn_radius ** (SEQ_LEN - 1):.0e}")

# %% [markdown]
# The LSTM with forget bias 1 finds the bit within 50 to 100 steps and then classifies every
# held-out sequence; the vanilla RNN and the default LSTM stay at ln 2 ≈ 0.69, the loss of a
# coin toss, and about 50% held out. This is the measurement above turned into learning: the
# only signal telling the weights to write the bit down at step 0 is the gradient that reaches
# step 0 from the loss, 39 steps later. In the RNN it is multiplied by tanh' · W_hh at every
# step; the trained W_hh is still contracting (spectral radius below 1, printed above), so it
# arrives as nothing next to the gradient from the recent noise steps. The default LSTM halves
# it every step through its forget gate (σ(0) = 0.5). With forget bias 1 the cell state's
# additive path keeps it at a usable size, and training follows.
#
# The RNN is not unable to *represent* the answer: a W_hh that expands instead of contracting
# can latch a bit. With twice the learning rate (0.01) it solved the task for 2 of 6 seeds in
# 200 steps, its W_hh grown to a spectral radius of about 2 and 4; the LSTM with forget bias 1
# solved it for all 6. Hence one optimizer and one learning rate for all three models here.

# %% [markdown]
# ## Checks

# %%
ratio = {kind: grads[kind][0] / grads[kind][-2] for kind in kinds}
assert ratio["sigmoid"] < 1e-3, ratio                      # sigmoid: vanishes
assert ratio["sigmoid"] < ratio["tanh"] < ratio["residual ReLU"], ratio
assert ratio["sigmoid"] < ratio["ReLU"] < ratio["tanh"], ratio   # with default init
assert 0.01 < ratio["residual ReLU"], ratio                 # residual: reaches the first layer
assert health["0.weight"] == "vanishing", health
assert exploding.min() > 1e10 and exploding.min() > 1e15 * grads["ReLU"][0]   # explodes
assert through["RNN"][0] < 1e-10 and through["LSTM, forget bias 1"][0] > 1e-4
assert through["LSTM, forget bias 1"][0] > 1e6 * through["RNN"][0]
assert accuracy["LSTM, forget bias 1"] >= 0.9, accuracy          # learns the task
assert accuracy["RNN"] <= 0.7 and accuracy["LSTM"] <= 0.7, accuracy   # near chance
assert rnn_radius < 1, rnn_radius                # the RNN's W_hh still contracts
print("all checks passed")
