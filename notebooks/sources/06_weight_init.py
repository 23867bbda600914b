# %% [markdown]
# # 6. Weight initialisation: watching the activations
#
# The course notes' experiment, smaller: a 6-layer, 1024-wide net (the notes use 4096), fed
# unit-Gaussian inputs, no training, only forward. We initialise the weights four ways and look
# at the distribution of every layer's activations.
#
# What matters is std·√width, the factor by which each layer scales its input. The notes' std
# 0.01 and 0.05 at width 4096 give factors 0.64 and 3.2; at width 1024 the same factors come
# from std **0.02** and **0.10**, so those are the values we use ("0.01" and "0.05" of the notes).
#
# - **std 0.02** (notes: 0.01): each layer multiplies the scale by about 0.64: activations
#   shrink to zero, and so would the gradients.
# - **std 0.10** (notes: 0.05): about 3.2 per layer: tanh saturates at ±1 (zero local gradient).
# - **Xavier** (std √(1/fan_in) for tanh; `xavier_normal_` uses √(2/(fan_in + fan_out)), the
#   same here): the scale stays put for tanh.
# - **Kaiming** (std √(2/fan_in)): the factor 2 makes up for ReLU zeroing half its inputs.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn

WIDTH, DEPTH, BATCH = 1024, 6, 256

inits = {
    "std 0.02": lambda w: nn.init.normal_(w, 0.0, 0.02),
    "std 0.10": lambda w: nn.init.normal_(w, 0.0, 0.10),
    "Xavier": lambda w: nn.init.xavier_normal_(w),
    "Kaiming": lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu"),
}
activations = {"tanh": nn.Tanh, "relu": nn.ReLU}


def run(init, activation, seed=0):
    ag.manual_seed(seed)
    layers = []
    for _ in range(DEPTH):
        linear = nn.Linear(WIDTH, WIDTH, bias=False)
        init(linear.weight)
        layers += [linear, activation()]
    net = nn.Sequential(*layers)
    h = ag.randn(BATCH, WIDTH)
    outputs = []
    with ag.no_grad():
        for layer in net:
            h = layer(h)
            if not isinstance(layer, nn.Linear):
                outputs.append(h.data.copy())
    return outputs


results = {(a, i): run(init, act) for a, act in activations.items()
           for i, init in inits.items()}
stats = {key: [(float(h.mean()), float(h.std())) for h in outs] for key, outs in results.items()}
for (act, init), rows in stats.items():
    print(f"{act:4s} {init:9s} std per layer:", " ".join(f"{s:.3f}" for _, s in rows))

# %% [markdown]
# ## Histograms, layer by layer

# %%
for act in activations:
    fig, axes = plt.subplots(len(inits), DEPTH, figsize=(14, 8), sharey="row")
    for row, init in enumerate(inits):
        for layer, h in enumerate(results[act, init]):
            ax = axes[row, layer]
            ax.hist(h.ravel(), bins=50, range=(-1, 1) if act == "tanh" else (0, 3))
            mean, std = stats[act, init][layer]
            ax.set_title(f"layer {layer + 1}\nmean {mean:.2f} std {std:.3f}", fontsize=8)
            if layer == 0:
                ax.set_ylabel(init)
    fig.suptitle(f"{act}: activation histograms")
    fig.tight_layout()
    plt.show()

# %% [markdown]
# Saturation: the share of tanh outputs beyond ±0.99, where tanh's local gradient 1 - h² is
# below 0.02.

# %%
saturated = {init: float((np.abs(results["tanh", init][-1]) > 0.99).mean()) for init in inits}
print(saturated)

# %% [markdown]
# Under ReLU, std 0.10 does the opposite of 0.02: each layer multiplies the scale by about
# 3.2/√2 ≈ 2.3 and the activations explode. Only Kaiming keeps ReLU's scale layer after layer;
# Xavier, made for tanh, loses a factor √2 per ReLU layer.
#
# ## Checks

# %%
last_std = {key: rows[-1][1] for key, rows in stats.items()}
for act in activations:                                            # std 0.02: collapses
    stds = [s for _, s in stats[act, "std 0.02"]]
    assert all(b < a for a, b in zip(stds, stds[1:])) and stds[-1] < stds[0] / 10, stds
assert last_std["relu", "std 0.10"] > 50                           # and 0.10 explodes under ReLU
assert saturated["std 0.10"] > 0.2 > saturated["Xavier"]          # 0.10 saturates tanh
assert 0.2 < last_std["tanh", "Xavier"] < 0.9                      # Xavier keeps tanh alive
relu_kaiming = [s for _, s in stats["relu", "Kaiming"]]
assert max(relu_kaiming) / min(relu_kaiming) < 1.5                  # Kaiming: scale kept
relu_xavier = [s for _, s in stats["relu", "Xavier"]]
assert relu_xavier[-1] < relu_xavier[0] / 4                         # Xavier halves ReLU's variance
print("all checks passed")
