# %% [markdown]
# # 9. Losses: multiclass hinge (SVM) vs softmax cross-entropy
#
# The course notes' example: three images (cat, car, frog), three class scores each.
#
# | scores for class | cat image | car image | frog image |
# |---|---|---|---|
# | cat  | **3.2** | 1.3 | 2.2 |
# | car  | 5.1 | **4.9** | 2.5 |
# | frog | -1.7 | 2.0 | **-3.1** |

# %%
import math

import numpy as np

import autograd as ag
import nn
import nn.functional as F

scores = ag.tensor([[3.2, 5.1, -1.7],      # cat image: scores for cat, car, frog
                    [1.3, 4.9, 2.0],       # car image
                    [2.2, 2.5, -3.1]],     # frog image
                   dtype=np.float64, requires_grad=True)
labels = ag.tensor([0, 1, 2])               # cat, car, frog

# %% [markdown]
# ## Multiclass SVM (hinge) loss
#
# L_i = Σ_{j ≠ y_i} max(0, s_j - s_{y_i} + 1): every wrong class should score at least 1 below
# the right one.
#
# - cat: max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + 0 = **2.9**
# - car: max(0, 1.3 - 4.9 + 1) + max(0, 2.0 - 4.9 + 1) = 0 + 0 = **0**
# - frog: max(0, 2.2 + 3.1 + 1) + max(0, 2.5 + 3.1 + 1) = 6.3 + 6.6 = **12.9**
# - mean: (2.9 + 0 + 12.9) / 3 = **5.27**

# %%
s = scores.data
by_hand = np.array([sum(max(0.0, s[i, j] - s[i, labels.data[i]] + 1) for j in range(3)
                        if j != labels.data[i]) for i in range(3)])
print("by hand:", by_hand.round(2), "mean", by_hand.mean().round(2))

per_image = F.multi_margin_loss(scores, labels, reduction="none")
print("nn.functional.multi_margin_loss:", per_image.data.round(3))
print("times the number of classes:   ", (per_image.data * 3).round(2))

# %% [markdown]
# `multi_margin_loss` (like PyTorch's `MultiMarginLoss`) divides each image's sum by the number
# of classes C = 3: it gives 0.97, 0, 4.3. Times C, it is the notes' loss. The factor changes
# only the scale of the loss (and of its gradient, i.e. the effective learning rate).

# %%
hinge = nn.MultiMarginLoss()(scores, labels) * 3
hinge.backward()
print(f"mean hinge loss {hinge.item():.2f}")
print("d loss / d scores:\n", scores.grad.data.round(3))

# %% [markdown]
# The gradient is sparse: the car image has loss 0 and gets no gradient at all; once the
# margins are met, the hinge loss is satisfied.
#
# ## Softmax cross-entropy on the cat image
#
# Scores are unnormalised log-probabilities: exp, normalise, then L = -log p(correct class).
#
# exp(3.2, 5.1, -1.7) = (24.5, 164.0, 0.18); divided by their sum 188.7: p = (0.13, 0.87, 0.00).

# %%
cat = ag.tensor([3.2, 5.1, -1.7], dtype=np.float64)
probs = ag.softmax(cat, dim=0).data
print("exp:", np.exp(cat.data).round(2), " probabilities:", probs.round(2))
ce = F.cross_entropy(cat.reshape(1, 3), ag.tensor([0])).item()
print(f"cross-entropy (natural log): -ln {probs[0]:.4f} = {ce:.4f}")
print(f"base-10 logarithm:          -log10 {probs[0]:.4f} = {-math.log10(probs[0]):.4f}")

# %% [markdown]
# **2.04 or 0.89?** The loss is -ln 0.13 = 2.04. The lecture slides print 0.89, which is
# -log10 0.13: the same quantity in another base, smaller by the factor ln 10 ≈ 2.303
# (2.04 / 2.303 = 0.89). Cross-entropy is defined with the natural log, which is what makes
# its gradient the simple p - onehot(y) (with log10 every gradient carries an extra
# 1/ln 10); every library (gategrad, PyTorch, ...) uses it.
#
# The gradient of softmax cross-entropy w.r.t. the scores: p - onehot(y).

# %%
cat_scores = ag.tensor([[3.2, 5.1, -1.7]], dtype=np.float64, requires_grad=True)
F.cross_entropy(cat_scores, ag.tensor([0])).backward()
print("gradient:", cat_scores.grad.data.round(3), " p - onehot:", (probs - [1, 0, 0]).round(3))

# %% [markdown]
# ## Hinge vs cross-entropy as the right score grows
#
# The hinge loss is 0 once the margin is 1; cross-entropy keeps pushing (it is never exactly 0).

# %%
for correct in [3.2, 6.1, 7.0, 10.0]:
    row = ag.tensor([[correct, 5.1, -1.7]], dtype=np.float64)
    svm = F.multi_margin_loss(row, ag.tensor([0])).item() * 3
    xent = F.cross_entropy(row, ag.tensor([0])).item()
    print(f"cat score {correct:5.1f}: hinge {svm:.3f}, cross-entropy {xent:.4f}")

# %% [markdown]
# ## Checks

# %%
assert np.allclose(by_hand, [2.9, 0.0, 12.9])
assert np.allclose(per_image.data * 3, [2.9, 0.0, 12.9])
assert round(hinge.item(), 2) == 5.27
assert np.all(scores.grad.data[1] == 0)                     # the car image: no gradient
assert np.allclose(probs.round(2), [0.13, 0.87, 0.00])
assert round(ce, 2) == 2.04 and abs(ce + math.log(probs[0])) < 1e-12
assert round(-math.log10(probs[0]), 2) == 0.89
assert abs(ce / math.log(10) + math.log10(probs[0])) < 1e-12
assert np.allclose(cat_scores.grad.data[0], probs - [1, 0, 0])
print("all checks passed")
