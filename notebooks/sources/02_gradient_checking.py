# %% [markdown]
# # 2. Gradient checking
#
# The analytic gradient from backward is only as good as the backward formulas. The check:
# compare it with the numerical gradient by central differences,
# (f(x + h) - f(x - h)) / 2h, in float64, with the relative error
# |a - n| / max(|a|, |n|).

# %%
import numpy as np

import autograd as ag

rng = np.random.default_rng(0)

# %% [markdown]
# ## Numerical vs analytical, by hand

# %%
def f(x):
    return (x.tanh() * x).sum()

x = ag.tensor(rng.standard_normal(5), requires_grad=True)   # float64
f(x).backward()
analytic = x.grad.data.copy()

h = 1e-6
numeric = np.zeros(5)
for i in range(5):
    e = np.zeros(5)
    e[i] = h
    numeric[i] = (f(ag.tensor(x.data + e)).item() - f(ag.tensor(x.data - e)).item()) / (2 * h)
rel = np.abs(analytic - numeric) / np.maximum(np.abs(analytic), np.abs(numeric))
print("analytic:", analytic)
print("numeric: ", numeric)
print("max relative error:", rel.max())

# %% [markdown]
# Central differences are much better than one-sided ones: error O(h²) instead of O(h).

# %%
for h in [1e-2, 1e-4, 1e-6]:
    one_sided = (f(ag.tensor(x.data + h * np.eye(5)[0])).item() - f(x).item()) / h
    central = (f(ag.tensor(x.data + h * np.eye(5)[0])).item()
               - f(ag.tensor(x.data - h * np.eye(5)[0])).item()) / (2 * h)
    print(f"h={h:g}: one-sided error {abs(one_sided - analytic[0]):.1e}, "
          f"central error {abs(central - analytic[0]):.1e}")

# %% [markdown]
# ## A custom gate, right and wrong
#
# Swish: out = x σ(x), d out/dx = σ(x) + x σ(x)(1 - σ(x)). The buggy version forgets the
# second term, a classic slip: it is right at x = 0 and wrong elsewhere.

# %%
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


class Swish(ag.Function):
    @staticmethod
    def forward(ctx, x):
        return x * sigmoid(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        s = 1 / (1 + np.exp(-x))
        return grad * (s + x * s * (1 - s))


class BuggySwish(Swish):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.inputs
        s = 1 / (1 + np.exp(-x))
        return grad * s                     # bug: the product rule's second term is missing


x = ag.tensor(rng.standard_normal((3, 4)), requires_grad=True)
good = ag.gradcheck(Swish.apply, (x,))
print("Swish passes gradcheck:", good)
try:
    ag.gradcheck(BuggySwish.apply, (x,))
    caught_by_gradcheck = False
except ag.GradcheckError as error:
    caught_by_gradcheck = True
    print(error)

# %% [markdown]
# ## A property-based test
#
# `autograd.testing.check_gradients` draws many shapes and values with hypothesis, and shrinks a
# failure to the smallest counterexample.

# %%
from autograd.testing import check_gradients, tensors

check_gradients(Swish.apply, tensors())
print("Swish: property test passed")
try:
    check_gradients(BuggySwish.apply, tensors())
    caught_by_property_test = False
except Exception as error:          # hypothesis re-raises the shrunk failure
    caught_by_property_test = True
    print(type(error).__name__, str(error)[:600])

# %% [markdown]
# ## Checks

# %%
assert rel.max() < 1e-6
assert good is True
assert caught_by_gradcheck, "gradcheck should catch the missing term"
assert not ag.gradcheck(BuggySwish.apply, (x,), raise_exception=False)
assert caught_by_property_test, "the property test should catch the missing term"
print("all checks passed")
