"""Pictures of graphs: values and gradients, gradient flow, the backward pass gate by gate.

* ``draw_graph(root)``: values (black) and gradients (red) at every node, gates in between.
* ``draw_gradient_flow(root)``: edges sized and coloured by gradient magnitude; vanishing,
  exploding, NaN/Inf and dead gradients flagged; ``plot_gradient_flow(params)``: a bar chart.
* ``backward_steps(root)``: the backward pass as frames, one per gate.
* ``print_graph(root)``: the same graph as a text table.

All pictures are ``graphviz.Digraph`` objects (``GateGraph``): ``.source`` gives the DOT text,
``.render(path, format="svg")`` runs graphviz's ``dot``.
"""

from ..textview import print_graph
from .flow import draw_gradient_flow, gradient_stats, plot_gradient_flow
from .gradients import gate_backward, local_gradients, node_gradients
from .graph import draw_graph
from .render import DotNotFoundError, GateGraph
from .walkthrough import BackwardStep, BackwardWalkthrough, backward_steps

__all__ = [
    "BackwardStep", "BackwardWalkthrough", "DotNotFoundError", "GateGraph", "backward_steps",
    "draw_gradient_flow", "draw_graph", "gate_backward", "gradient_stats", "local_gradients",
    "node_gradients", "plot_gradient_flow", "print_graph",
]
