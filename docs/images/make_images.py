"""Render the README's pictures: python docs/images/make_images.py (needs graphviz's dot)."""

from pathlib import Path

import autograd as ag

HERE = Path(__file__).parent


def save_png(graph, name: str, dpi: int = 110) -> None:
    graph.graph_attr["dpi"] = str(dpi)
    graph.render(outfile=HERE / f"{name}.png", cleanup=True)
    (HERE / f"{name}.gv").unlink(missing_ok=True)


def sigmoid_neuron() -> None:
    """The lecture's sigmoid neuron: values in black, gradients in red, one frame per gate."""
    w0, w1, w2 = ag.Scalar(2.0), ag.Scalar(-3.0), ag.Scalar(-3.0)
    x0, x1 = ag.Scalar(-1.0), ag.Scalar(-2.0)
    f = 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())
    names = dict(w0=w0, x0=x0, w1=w1, x1=x1, w2=w2, f=f)
    save_png(ag.draw_graph(f, params=names), "sigmoid_neuron")
    steps = ag.backward_steps(f, params=names)
    save_png(steps.graph(6), "backward_step")


def gradient_flow() -> None:
    """Three sigmoid layers (the gradient fades) beside a ReLU branch that is dead."""
    ag.manual_seed(0)
    x = ag.randn(16, 4)
    params = {}
    h = x
    for i in range(3):
        W = (ag.randn(4, 4) * 0.2).requires_grad_()
        params[f"layers.{i}.weight"] = W
        h = (h @ W).sigmoid()
    side = ag.randn(4, 4, requires_grad=True)
    params["side.weight"] = side
    loss = ((h + (x @ side - 20.0).relu()) ** 2).mean()
    picture = ag.draw_gradient_flow(loss, {"x": x, **params}, vanish=1e-3, rankdir="TB")
    save_png(picture, "gradient_flow")


if __name__ == "__main__":
    sigmoid_neuron()
    gradient_flow()
