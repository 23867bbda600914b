"""Function (a gate) and its Context.

A gate is a class with a static ``forward(ctx, *inputs)`` and ``backward(ctx, grad)``:

* ``forward`` receives the raw values of its inputs (numpy arrays for Tensors, floats for
  Scalars; other arguments as given) and returns the raw output.
* ``backward`` receives the upstream gradient and returns one gradient per forward argument
  (``None`` where there is none). It is written with numpy operators and functions, so that the
  same formula runs on raw arrays (fast, the usual case) and, when ``create_graph=True``, on graph
  nodes that record it (Tensor and Scalar implement numpy's dispatch protocols) - higher-order
  derivatives come for free.

Inside backward, ``ctx.inputs`` and ``ctx.output`` give the forward inputs and output, and
``ctx.saved_tensors`` what forward saved with ``ctx.save_for_backward``: raw values normally,
the graph nodes themselves under ``create_graph=True``.
"""

from __future__ import annotations

from typing import Any

from .engine import RELEASED, SECOND_BACKWARD_MESSAGE, GradMode, modified_in_place
from .versions import changed_since, changes


class ContextProtocol:
    """What a gate's ``ctx`` offers; shared by Context and by Scalar (its own context)."""

    __slots__ = ()

    def save_for_backward(self, *values: Any) -> None:
        """Keep ``values`` (raw arrays) for backward."""
        self._saved = values

    @property
    def saved_tensors(self) -> tuple:
        saved = self._saved
        if saved is RELEASED:
            raise RuntimeError(SECOND_BACKWARD_MESSAGE)
        if saved is None:
            return ()
        if not GradMode.create_graph:
            return saved
        node = self._graph_node()
        inputs = self._node_inputs(node)
        return tuple(_as_graph_value(value, node, inputs) for value in saved)

    @property
    def inputs(self) -> tuple:
        """The forward arguments: raw values, or graph nodes under ``create_graph``."""
        if self._saved is RELEASED:
            raise RuntimeError(SECOND_BACKWARD_MESSAGE)
        node = self._graph_node()
        if GradMode.create_graph:
            return self._node_inputs(node)
        return self._raw_inputs(node)

    @property
    def output(self) -> Any:
        """The forward output: raw value, or the graph node under ``create_graph``."""
        if self._saved is RELEASED:
            raise RuntimeError(SECOND_BACKWARD_MESSAGE)
        node = self._graph_node()
        return node if GradMode.create_graph else node.data

    @property
    def needs_input_grad(self) -> tuple:
        from .engine import parents

        return tuple(p is not None and p.requires_grad for p in parents(self._graph_node()))


def _as_graph_value(value: Any, node: Any, inputs: tuple) -> Any:
    """Map a saved raw array back to the graph node it came from (input or output)."""
    for item in inputs:
        if isinstance(item, Node) and item.data is value:
            return item
    if node.data is value:
        return node
    return value


class Context(ContextProtocol):
    """The ``ctx`` of a Tensor gate: saved values plus any attributes forward sets.

    It remembers when the gate was recorded (``versions.changes``, the count of in-place
    changes so far), so that backward refuses inputs, outputs and saved values changed in place
    since."""

    # _recorded_at: ``versions.changes`` when the gate was recorded, before forward (-1: not
    # recorded); _forward_end: the same after forward, only when forward itself changed
    # something in place (the output and saved values are checked from there).
    __slots__ = ("_saved", "_args", "_node", "_recorded_at", "_forward_end", "__dict__")

    def __init__(self, args: tuple = ()) -> None:
        self._saved = None
        self._args = args
        self._node = None
        self._recorded_at = -1

    def _may_be_changed(self) -> bool:
        """Could a value this gate uses have been changed in place since it was recorded?"""
        return self._recorded_at != changes[0]

    def _check_unchanged(self, what: str, value: Any) -> None:
        """Raise if ``value`` (the output or a saved array) was changed in place since
        forward."""
        change = changed_since(value, getattr(self, "_forward_end", self._recorded_at))
        if change is not None:
            raise modified_in_place(what, self._gate_name(), value, *change)

    @property
    def inputs(self) -> tuple:
        """The forward arguments: raw values, or graph nodes under ``create_graph``."""
        if self._node is None or self._saved is RELEASED:
            return ContextProtocol.inputs.fget(self)  # raises the matching error
        if GradMode.create_graph:
            return self._node_inputs(self._node)
        return self._args

    @property
    def saved_tensors(self) -> tuple:
        saved = self._saved
        if saved is not RELEASED and saved is not None and self._may_be_changed():
            for index, value in enumerate(saved):
                self._check_unchanged(f"saved tensor {index}", value)
        return ContextProtocol.saved_tensors.fget(self)

    @property
    def output(self) -> Any:
        """The forward output: raw value, or the graph node under ``create_graph``."""
        node = self._node
        if node is None or self._saved is RELEASED:
            return ContextProtocol.output.fget(self)  # raises the matching error
        data = node.data
        if self._may_be_changed():
            self._check_unchanged("output 0", data)
        return node if GradMode.create_graph else data

    @property
    def needs_input_grad(self) -> tuple:
        """For each input: does it require grad (also inside forward, as in PyTorch)."""
        node = self._node
        if node is None:  # forward of a gate that is not recorded
            return (False,) * len(self._args)
        a = node._a
        rest = node._rest
        if rest is None:
            return (a is not None and a.requires_grad,)
        b = node._b
        needs = (a is not None and a.requires_grad, b is not None and b.requires_grad)
        if rest:
            return needs + tuple(p is not None and p.requires_grad for p in rest)
        return needs

    def _gate_name(self) -> str:
        fn = getattr(self._node, "_fn", None)
        return "a gate" if fn is None else fn.__name__

    def _graph_node(self) -> Any:
        if self._node is None:
            raise RuntimeError("ctx.inputs / ctx.output are only available inside backward")
        return self._node

    def _raw_inputs(self, node: Any) -> tuple:
        return self._args

    def _node_inputs(self, node: Any) -> tuple:
        from .engine import parents

        return tuple(
            raw if p is None else p for p, raw in zip(parents(node), self._args)
        )


class Function:
    """A gate: subclass it with static ``forward(ctx, ...)`` and ``backward(ctx, grad)``.

    ``name`` is used in error messages and graph pictures, ``symbol`` in lecture-style
    pictures (``+``, ``*``, ``max``, ...).
    """

    name: str = ""
    symbol: str = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__.lower()
        if "symbol" not in cls.__dict__:
            cls.symbol = cls.name

    @staticmethod
    def forward(ctx: Any, *args: Any) -> Any:
        raise NotImplementedError("a Function must implement forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        raise NotImplementedError("a Function must implement backward(ctx, grad)")

    @classmethod
    def apply(cls, *args: Any) -> Any:
        """Run the gate on ``args``; record it when grad mode is on and an input requires grad.

        With no graph node among ``args`` this is just ``forward`` on raw values, so backward
        formulas may call other gates' ``apply`` whether they run raw or on graph nodes.
        """
        n = len(args)
        if n == 2:  # fast path: a binary gate
            a, b = args
            if isinstance(a, Node):
                kind = a._kind
                if isinstance(b, Node):
                    if b._kind is not kind:
                        raise _mixed_kinds(cls, kind, b._kind)
                    raw = (a.data, b.data)
                    record = (a.requires_grad or b.requires_grad) and GradMode.enabled
                else:
                    b = None
                    raw = (a.data, args[1])
                    record = a.requires_grad and GradMode.enabled
            elif isinstance(b, Node):
                a = None
                kind = b._kind
                raw = (args[0], b.data)
                record = b.requires_grad and GradMode.enabled
            else:
                return cls.forward(Context(args), *args)
            rest = ()
        elif n == 1 and isinstance(args[0], Node):  # fast path: a unary gate
            a = args[0]
            b = rest = None
            kind = a._kind
            raw = (a.data,)
            record = a.requires_grad and GradMode.enabled
        else:
            kind = None
            record = False
            raw = []
            nodes = []
            for arg in args:
                if isinstance(arg, Node):
                    if kind is None:
                        kind = arg._kind
                    elif arg._kind is not kind:
                        raise _mixed_kinds(cls, kind, arg._kind)
                    record = record or arg.requires_grad
                    raw.append(arg.data)
                    nodes.append(arg)
                else:
                    raw.append(arg)
                    nodes.append(None)
            if kind is None:
                return cls.forward(Context(args), *args)
            raw = tuple(raw)
            record = record and GradMode.enabled
            a = nodes[0]
            b = nodes[1] if n > 1 else None
            rest = tuple(nodes[2:]) if n > 1 else None
        ctx = _new(Context)  # Context(raw), without the call
        ctx._args = raw
        ctx._saved = None
        ctx._recorded_at = -1
        out = _new(kind)
        if record:
            out._a = a
            out._b = b
            out._rest = rest
            ctx._node = out  # for ctx.needs_input_grad inside forward
            ctx._recorded_at = changes[0]
            if GradMode.anomaly:
                record_creation(out)
        else:
            ctx._node = None
        try:
            data = cls.forward(ctx, *raw)
        except (ValueError, TypeError) as error:
            _raise_named(cls, error, raw)
            raise
        finally:
            ctx._node = None  # no cycle between the output and its context
        if not record:
            out._init_output(data, None, None)
            return out
        out._init_output(data, cls, ctx)
        if changes[0] != ctx._recorded_at:  # forward changed something in place
            ctx._forward_end = changes[0]
        return out


_new = object.__new__


def _mixed_kinds(cls: Any, kind: type, other: type) -> TypeError:
    return TypeError(f"{cls.name}: cannot mix {kind.__name__} and {other.__name__} inputs")


def _raise_named(cls: Any, error: Exception, raw: tuple) -> None:
    """Raise ``error`` (from a gate's forward) again with the gate's name and inputs in front,
    unless it names the gate already (then the caller re-raises it as it is)."""
    if not str(error).startswith(f"{cls.name}:"):
        kind_of_error = TypeError if isinstance(error, TypeError) else ValueError
        raise kind_of_error(f"{cls.name}: {error} (inputs: {_describe(raw)})") from error


def _describe(raw: tuple) -> str:
    parts = []
    for value in raw:
        shape = getattr(value, "shape", None)
        if shape is not None:
            parts.append(f"shape {tuple(shape)} {getattr(value, 'dtype', '')}".strip())
        else:
            parts.append(repr(value))
    return ", ".join(parts)


from .anomaly import record_creation  # noqa: E402
from .node import Node  # noqa: E402  (Node's module imports this one)
