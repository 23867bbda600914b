# %% [markdown]
# # 7. Batch normalisation and dropout: train vs eval; BN allows higher learning rates
#
# Both layers behave differently in training and in evaluation, switched by `model.train()` /
# `model.eval()`.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim
from nn.data import DataLoader, TensorDataset, load_digits, train_val_test_split
from nn.train import evaluate, fit

# %% [markdown]
# ## Dropout
#
# Training: each unit is zeroed with probability p and the survivors are scaled by 1/(1-p)
# ("inverted dropout"), so the expected output equals the input. Evaluation: identity.

# %%
ag.manual_seed(0)
drop = nn.Dropout(p=0.5)
x = ag.ones(1000, 100)
drop.train()
y_train = drop(x).data
drop.eval()
y_eval = drop(x).data
zero_share = float((y_train == 0).mean())
print(f"train: {zero_share:.1%} zeros, survivors = {np.unique(y_train[y_train != 0])}, "
      f"mean {y_train.mean():.3f}")
print(f"eval: identity -> {np.array_equal(y_eval, x.data)}")

# %% [markdown]
# ## Batch normalisation
#
# Training: normalise each feature with the *batch's* mean and variance, then scale and shift
# (γ, β); keep running averages of the statistics. Evaluation: use the running averages, so an
# example's output does not depend on the rest of its batch.

# %%
ag.manual_seed(0)
bn = nn.BatchNorm1d(3)
data = np.random.default_rng(0).normal([5.0, -2.0, 0.0], [3.0, 0.5, 10.0], size=(5000, 3))
data = data.astype(np.float32)
bn.train()
for i in range(0, 5000, 100):                      # 50 batches update the running statistics
    out = bn(ag.tensor(data[i:i + 100]))
print("train-mode output of the last batch: mean", out.data.mean(0).round(3),
      "std", out.data.std(0).round(3))
print("running mean", bn.running_mean.data.round(2), "running var", bn.running_var.data.round(2))
bn.eval()
single = bn(ag.tensor(data[:1])).data
by_hand = (data[:1] - bn.running_mean.data) / np.sqrt(bn.running_var.data + bn.eps)
print("eval of one example:", single.round(3), "by hand:", by_hand.round(3))

# %% [markdown]
# ## BN lets the network train at a high learning rate
#
# A 4-hidden-layer ReLU MLP on the 8x8 digits (flattened), plain SGD, the same seed, with and
# without BN after every hidden linear layer, at learning rates 0.1 and 1.0.
#
# `drop_last=True`: the training set has 1,347 images, so the last batch of 64 would hold only
# 3. Batch statistics of 3 examples are noise, and with BN that one batch per epoch spoils the
# running statistics (try it: the evaluation accuracy then jumps around between epochs).

# %%
X, y = load_digits(as_images=False)
train_set, _, test_set = train_val_test_split(TensorDataset(X, y), 0.0, 0.25, seed=0, stratify=y)


def mlp(batchnorm):
    layers, width = [], 64
    for _ in range(4):
        layers.append(nn.Linear(width, 128))
        if batchnorm:
            layers.append(nn.BatchNorm1d(128))
        layers.append(nn.ReLU())
        width = 128
    return nn.Sequential(*layers, nn.Linear(128, 10))


runs = {}
for lr in [0.1, 1.0]:
    for batchnorm in [False, True]:
        ag.manual_seed(0)
        model = mlp(batchnorm)
        history = fit(model, nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=lr),
                      DataLoader(train_set, batch_size=64, shuffle=True, seed=0, drop_last=True),
                      DataLoader(test_set, batch_size=512), epochs=12, progress=False)
        runs[lr, batchnorm] = history
        final = evaluate(model, nn.CrossEntropyLoss(), DataLoader(test_set, batch_size=512))
        print(f"lr {lr}: {'with' if batchnorm else 'without'} BN -> "
              f"test accuracy {final['accuracy']:.3f}")

fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, lr in zip(axes, [0.1, 1.0]):
    for batchnorm in [False, True]:
        ax.plot(runs[lr, batchnorm]["val_accuracy"], label="BN" if batchnorm else "no BN")
    ax.set_title(f"SGD lr={lr}")
    ax.set_xlabel("epoch")
    ax.legend()
axes[0].set_ylabel("test accuracy")
plt.show()

# %% [markdown]
# Without BN the same net at lr 1.0 stays at chance level (10 %) for all 12 epochs; even at
# 0.1 it learns slowly. BN keeps every layer's inputs at zero mean and unit variance whatever
# the weights do, so large steps do not push later layers into useless ranges.
#
# ## Checks

# %%
assert 0.45 < zero_share < 0.55 and np.allclose(np.unique(y_train[y_train != 0]), 2.0)
assert np.array_equal(y_eval, x.data)
assert np.allclose(out.data.mean(0), 0, atol=1e-4) and np.allclose(out.data.std(0), 1, atol=1e-2)
assert np.allclose(bn.running_mean.data, [5.0, -2.0, 0.0], atol=0.5)
assert np.allclose(single, by_hand, atol=1e-4)
best = {key: max(history["val_accuracy"]) for key, history in runs.items()}
final = {key: history["val_accuracy"][-1] for key, history in runs.items()}
assert final[1.0, True] > 0.9 and final[1.0, False] < 0.5, final     # BN trains at lr 1.0
assert final[0.1, True] > final[0.1, False], final
print("all checks passed")
