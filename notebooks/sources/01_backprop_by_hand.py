# %% [markdown]
# # 1. Backprop by hand
#
# Every operation is a *gate* with a local derivative. Running code records the gates;
# `backward()` walks them in reverse and applies the chain rule: downstream = upstream x local.
# We redo the lecture's two worked examples and check every number.

# %%
import math

import autograd as ag

# %% [markdown]
# ## f = (x + y) · z at x = -2, y = 5, z = -4
#
# Forward: q = x + y = 3, f = q z = -12. Backward by hand: df/dz = q = 3, df/dq = z = -4, and the
# add gate passes -4 to both x and y.

# %%
x, y, z = ag.Scalar(-2.0), ag.Scalar(5.0), ag.Scalar(-4.0)
q = x + y
f = q * z
f.backward()
print("f =", f.data, " df/dx =", x.grad, " df/dy =", y.grad, " df/dz =", z.grad)

# by hand
hand = {"x": 1 * -4.0, "y": 1 * -4.0, "z": (-2.0 + 5.0)}
print("by hand:", hand)

# %%
ag.print_graph(f, dict(x=x, y=y, z=z, q=q, f=f))

# %% [markdown]
# The graph with values (black) and gradients (red). In Jupyter the `graphviz.Digraph` shows
# inline; it needs graphviz's `dot` to render, so we only display it when `dot` is installed.

# %%
import shutil

picture = ag.draw_graph(f, params=dict(x=x, y=y, z=z, f=f))
print(picture.source[:300], "...")
picture if shutil.which("dot") else None

# %% [markdown]
# ## The sigmoid neuron
#
# f(w, x) = 1 / (1 + exp(-(w0 x0 + w1 x1 + w2))) with w = (2, -3, -3), x = (-1, -2).
# The dot product is 1, f = σ(1) = 0.73, and the sigmoid gate's local gradient is
# σ(1)(1 - σ(1)) = 0.20: so dw = (-0.20, -0.39, 0.20), dx = (0.39, -0.59).

# %%
w0, w1, w2 = ag.Scalar(2.0), ag.Scalar(-3.0), ag.Scalar(-3.0)
x0, x1 = ag.Scalar(-1.0), ag.Scalar(-2.0)
dot = w0 * x0 + w1 * x1 + w2
f = 1 / (1 + (-dot).exp())
names = dict(w0=w0, x0=x0, w1=w1, x1=x1, w2=w2, f=f)
f.backward()
s = 1 / (1 + math.exp(-1.0))
local = s * (1 - s)
print(f"f = {f.data:.4f}; sigmoid local gradient = {local:.4f}")
for name in ["w0", "x0", "w1", "x1", "w2"]:
    print(f"d f / d {name} = {names[name].grad:+.4f}")
neuron = {name: names[name].grad for name in ["w0", "x0", "w1", "x1", "w2"]}
neuron_f = f.data

# %% [markdown]
# ## The backward pass frame by frame
#
# `backward_steps` replays backward one gate at a time: upstream x local = downstream.

# %%
w0, w1, w2 = ag.Scalar(2.0), ag.Scalar(-3.0), ag.Scalar(-3.0)
x0, x1 = ag.Scalar(-1.0), ag.Scalar(-2.0)
f2 = 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())
steps = ag.backward_steps(f2, params=dict(w0=w0, x0=x0, w1=w1, x1=x1, w2=w2, f=f2))
print(len(steps), "frames")
for i in range(len(steps)):
    print(steps.text(i))
steps.to_html("neuron_backward.html")   # one page with a slider over the frames

# %% [markdown]
# ## Gate patterns
#
# - **add distributes**: both inputs get the upstream gradient unchanged;
# - **mul swaps**: each input gets upstream x the *other* input;
# - **max routes**: the larger input gets all of it, the other gets 0;
# - **branches sum**: a value used twice gets the sum of both gradients.

# %%
a, b = ag.Scalar(3.0), ag.Scalar(-1.0)
out = a + b
out.backward(2.0)
print("add:", a.grad, b.grad)
add_grads = (a.grad, b.grad)

a, b = ag.Scalar(3.0), ag.Scalar(-1.0)
out = a * b
out.backward(2.0)
print("mul:", a.grad, b.grad)
mul_grads = (a.grad, b.grad)

a, b = ag.Scalar(3.0), ag.Scalar(-1.0)
out = a.max(b) if hasattr(a, "max") else ag.maximum(a, b)
out.backward(2.0)
print("max:", a.grad, b.grad)
max_grads = (a.grad, b.grad)

a = ag.Scalar(3.0)
out = a * 2 + a * 5          # a is used by two branches
out.backward()
print("branches:", a.grad)
branch_grad = a.grad

# %% [markdown]
# ## Checks

# %%
assert q.data == 3.0 and (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
assert (x.grad, y.grad, z.grad) == (hand["x"], hand["y"], hand["z"])
assert abs(neuron_f - 0.7311) < 1e-4 and abs(local - 0.1966) < 1e-4
expected = dict(w0=-local, x0=2 * local, w1=-2 * local, x1=-3 * local, w2=local)
for name, value in expected.items():
    assert abs(neuron[name] - value) < 1e-9, (name, neuron[name], value)
rounded = [round(neuron[k], 2) for k in ("w0", "w1", "w2", "x0", "x1")]
assert rounded == [-0.2, -0.39, 0.2, 0.39, -0.59]
assert len(steps) > 0
assert add_grads == (2.0, 2.0) and mul_grads == (-2.0, 6.0)
assert max_grads == (2.0, 0.0) and branch_grad == 7.0
print("all checks passed")
