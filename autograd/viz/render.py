"""GateGraph: a ``graphviz.Digraph`` whose rendering explains how to get ``dot`` when it is missing.

Everything graphviz offers still works (``.source``, ``.save()``, ``.render()``, ``.pipe()``,
inline display in Jupyter). Rendering needs graphviz's ``dot`` program; without it, rendering
raises ``DotNotFoundError`` saying how to install it, while the DOT source stays available.
"""

from __future__ import annotations

from typing import Any

import graphviz

INSTALL_HELP = (
    "graphviz's 'dot' program is needed to render pictures but was not found on PATH. "
    "Install it: 'sudo apt-get install graphviz' (Debian/Ubuntu), 'brew install graphviz' "
    "(macOS) or 'conda install graphviz'. The DOT source is still available: graph.source, "
    "or graph.save('graph.gv')."
)


class DotNotFoundError(graphviz.ExecutableNotFound):
    """Graphviz's ``dot`` is missing; the message says how to install it."""

    def __init__(self, message: str = INSTALL_HELP) -> None:
        RuntimeError.__init__(self, message)


class GateGraph(graphviz.Digraph):
    """A picture of a graph (a ``graphviz.Digraph``); render it with ``.render(path, format=...)``.

    ``render("graph", format="png")`` writes the DOT source to ``graph`` and the picture to
    ``graph.png`` (``cleanup=True`` keeps only the picture); ``render(outfile="graph.svg")``
    takes the format from the suffix.
    """

    def render(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().render(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise _dot_missing(error) from None

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound as error:
            raise _dot_missing(error) from None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        """Inline display in Jupyter; without ``dot``, the install hint and the DOT source."""
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except DotNotFoundError as error:
            return {"text/plain": f"{error}\n\n{self.source}"}


def _dot_missing(error: Exception) -> DotNotFoundError:
    if isinstance(error, DotNotFoundError):
        return error
    return DotNotFoundError(f"{INSTALL_HELP} ({error})")
