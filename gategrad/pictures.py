"""Pictures the command line writes: graphs with values and gradients, gradient flow, charts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from autograd.viz import DotNotFoundError, draw_gradient_flow, draw_graph, plot_gradient_flow

from .models import UsageError

GRAPH_FORMATS = ("svg", "png", "pdf", "gv", "dot")


def render(graph: Any, path: str | Path, fallback: bool = False) -> Path:
    """Write ``graph`` to ``path`` in the format its suffix names (``.gv``/``.dot``: the DOT
    source, which needs no graphviz program). Without graphviz's ``dot``: DotNotFoundError, or
    with ``fallback`` a warning and the DOT source written to ``path`` with suffix ``.gv``."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in GRAPH_FORMATS:
        raise UsageError(
            f"cannot write a graph picture to {path}: the suffix must be one of "
            f"{', '.join('.' + f for f in GRAPH_FORMATS)}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("gv", "dot"):
        path.write_text(graph.source)
        return path
    try:
        graph.render(outfile=str(path), format=fmt, cleanup=True)
    except DotNotFoundError as error:
        if not fallback:
            raise
        source = path.with_suffix(".gv")
        source.write_text(graph.source)
        print(f"gategrad: warning: wrote the DOT source {source} instead of {path.name}: "
              f"{error}", file=sys.stderr)
        return source
    return path


def save_graph(root: Any, names: Any, path: str | Path, flow: bool = False,
               fallback: bool = False) -> Path:
    """The graph that computed ``root``, with values and gradients (or the gradient-flow view),
    named nodes labelled; ``fallback`` as for ``render``."""
    draw = draw_gradient_flow if flow else draw_graph
    return render(draw(root, params=names), path, fallback)


def training_step(model: Any, loss_fn: Any, inputs: Any, targets: Any) -> Any:
    """The loss of one training step on a batch (graph recorded, no backward yet)."""
    model.train()
    model.zero_grad()
    return loss_fn(model(inputs), targets)


def save_gradient_pictures(model: Any, loss_fn: Any, inputs: Any, targets: Any,
                           flow_path: Path, chart_path: Path) -> list[Path]:
    """Backpropagate one batch through ``model`` and save the gradient-flow diagram of the
    graph and the per-parameter gradient chart (mean and max |grad| per layer)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    loss = training_step(model, loss_fn, inputs, targets)
    params = dict(model.named_parameters())
    written = [save_graph(loss, params, flow_path, flow=True, fallback=True)]
    loss.backward()
    axes = plot_gradient_flow(params, title="gradient per parameter (one batch, trained network)")
    chart_path.parent.mkdir(parents=True, exist_ok=True)
    axes.figure.savefig(chart_path, dpi=110)
    pyplot.close(axes.figure)
    model.zero_grad()
    written.append(chart_path)
    return written
