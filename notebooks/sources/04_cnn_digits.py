# %% [markdown]
# # 4. A LeNet-style CNN on the 8x8 digits
#
# Convolution, ReLU and max-pooling twice, then a linear classifier: LeNet's recipe, scaled to
# scikit-learn's 1,797 handwritten 8x8 digits (`nn.data.load_digits`, nothing downloaded).
# We look at the learned first-layer filters, the confusion matrix and the receptive field.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim
from nn.data import DataLoader, TensorDataset, load_digits, train_val_test_split
from nn.train import evaluate, fit, predict

X, y = load_digits()
print(X.shape, y.shape, X.dtype)
train_set, _, test_set = train_val_test_split(TensorDataset(X, y), 0.0, 0.2, seed=0, stratify=y)
print(len(train_set), "training images,", len(test_set), "test images")

# %%
ag.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),    # 16 x 4 x 4
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 32 x 2 x 2
    nn.Flatten(), nn.Linear(128, 10),
)
print(model)
history = fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=3e-3),
              DataLoader(train_set, batch_size=64, shuffle=True, seed=0),
              DataLoader(test_set, batch_size=512), epochs=20, progress=False)
accuracy = evaluate(model, nn.CrossEntropyLoss(), DataLoader(test_set, batch_size=512))["accuracy"]
print(f"test accuracy {accuracy:.3f}")
history.plot("curves.png")

# %% [markdown]
# ## The learned first-layer filters

# %%
filters = model[0].weight.data[:, 0]           # (16, 3, 3)
fig, axes = plt.subplots(2, 8, figsize=(10, 2.8))
for ax, w in zip(axes.ravel(), filters):
    ax.imshow(w, cmap="gray")
    ax.axis("off")
plt.suptitle("conv1 filters (3x3)")
plt.show()

# %% [markdown]
# ## Confusion matrix on the test images
#
# Row = true digit, column = predicted digit.

# %%
test_x = np.stack([test_set[i][0] for i in range(len(test_set))])
test_y = np.array([test_set[i][1] for i in range(len(test_set))])
predicted = predict(model, test_x).argmax(1)
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (test_y, predicted), 1)
print(confusion)
plt.imshow(confusion, cmap="Blues")
plt.xlabel("predicted")
plt.ylabel("true")
plt.colorbar()
plt.show()

# %% [markdown]
# ## Receptive field
#
# By hand: conv 3x3 sees 3 pixels; the 2x2 pool widens that to 4 and doubles the stride; the
# second 3x3 conv adds 2 steps of stride 2: 4 + 2·2 = **8** pixels. So one unit of the second
# conv layer sees 8x8 input pixels — the whole digit.
#
# Measured with autograd: the same geometry with all-ones weights, average pooling and no ReLU,
# on a larger 16x16 input; the gradient of one output unit is non-zero exactly on its
# receptive field.

# %%
probe = nn.Sequential(nn.Conv2d(1, 1, 3, padding=1, bias=False), nn.AvgPool2d(2),
                      nn.Conv2d(1, 1, 3, padding=1, bias=False))
for p in probe.parameters():
    nn.init.ones_(p)
image = ag.zeros(1, 1, 16, 16, requires_grad=True)
probe(image)[0, 0, 4, 4].backward()
seen = np.argwhere(image.grad.data[0, 0] != 0)
height, width = seen.max(0) - seen.min(0) + 1
print(f"receptive field of one conv2 unit: {height} x {width} pixels")
plt.imshow(image.grad.data[0, 0] != 0, cmap="gray")
plt.title("input pixels that reach conv2 unit (4, 4)")
plt.show()

# %% [markdown]
# ## Checks

# %%
assert accuracy > 0.95, accuracy
assert np.trace(confusion) / confusion.sum() == (predicted == test_y).mean()
assert confusion.sum() == len(test_set)
assert (height, width) == (8, 8)
print("all checks passed")
