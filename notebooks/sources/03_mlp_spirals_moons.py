# %% [markdown]
# # 3. A linear classifier vs a 2-layer net on spirals and moons
#
# A linear classifier can only cut the plane with straight lines; one hidden ReLU layer lets
# the network bend its decision boundary. We train both on the same data with the same
# optimizer and draw the boundaries.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim
from nn.data import DataLoader, TensorDataset, make_moons, make_spirals, train_val_test_split
from nn.train import evaluate, fit, predict


# %%
def train(model, X, y, epochs=60, lr=0.02, seed=0):
    ag.manual_seed(seed)
    train_set, _, test_set = train_val_test_split(TensorDataset(X, y), 0.0, 0.25, seed=seed,
                                                  stratify=y)
    history = fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=lr),
                  DataLoader(train_set, batch_size=32, shuffle=True, seed=seed),
                  epochs=epochs, progress=False)
    result = evaluate(model, nn.CrossEntropyLoss(), DataLoader(test_set, batch_size=512))
    return history, result["accuracy"]


def linear_vs_mlp(X, y, classes, hidden, seed):
    """Train a linear classifier and a 2-layer ReLU net on (X, y); draw both boundaries."""
    ag.manual_seed(seed)
    linear = nn.Linear(2, classes)
    mlp = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, classes))
    _, linear_accuracy = train(linear, X, y)
    history, mlp_accuracy = train(mlp, X, y)
    fig, axes = plt.subplots(1, 2, figsize=(9, 4))
    boundary(axes[0], linear, X, y, f"linear: {linear_accuracy:.0%}")
    boundary(axes[1], mlp, X, y, f"2-layer ReLU net: {mlp_accuracy:.0%}")
    plt.show()
    return history, linear_accuracy, mlp_accuracy


def boundary(ax, model, X, y, title):
    xx, yy = np.meshgrid(np.linspace(X[:, 0].min() - 0.3, X[:, 0].max() + 0.3, 150),
                         np.linspace(X[:, 1].min() - 0.3, X[:, 1].max() + 0.3, 150))
    grid = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
    zz = predict(model, grid).argmax(1).reshape(xx.shape)
    ax.contourf(xx, yy, zz, alpha=0.3, cmap="brg")
    ax.scatter(X[:, 0], X[:, 1], c=y, s=8, cmap="brg")
    ax.set_title(title)

# %% [markdown]
# ## Spirals: three classes

# %%
Xs, ys = make_spirals(600, n_classes=3, noise=0.2, seed=0)
Xs = Xs.astype(np.float32)
history, spiral_linear, spiral_mlp = linear_vs_mlp(Xs, ys, classes=3, hidden=64, seed=0)
print(f"spirals test accuracy: linear {spiral_linear:.2f}, 2-layer {spiral_mlp:.2f}")

# %% [markdown]
# ## Moons: two classes

# %%
Xm, ym = make_moons(400, noise=0.15, seed=0)
Xm, ym = Xm.astype(np.float32), ym.astype(np.int64)
_, moons_linear, moons_mlp = linear_vs_mlp(Xm, ym, classes=2, hidden=32, seed=1)
print(f"moons test accuracy: linear {moons_linear:.2f}, 2-layer {moons_mlp:.2f}")

# %% [markdown]
# The hidden layer's 64 ReLUs each contribute one straight "hinge" line; their combination is a
# piecewise-linear boundary that follows the arms of the spiral.
#
# ## Checks

# %%
assert spiral_linear < 0.65, spiral_linear          # a line cannot separate the spiral arms
assert spiral_mlp > 0.9, spiral_mlp
assert spiral_mlp > spiral_linear + 0.3
assert moons_mlp > 0.95 and moons_mlp > moons_linear, (moons_linear, moons_mlp)
assert history["loss"][-1] < history["loss"][0]
print("all checks passed")
