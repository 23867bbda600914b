"""``gategrad`` command line: ``gategrad demo`` runs the main job."""

from __future__ import annotations

import argparse
import sys

from autograd.textview import print_graph

from .examples import add_mul_example, sigmoid_neuron_example


def demo(args: argparse.Namespace) -> int:
    """Backpropagate the lecture's worked examples and print them as tables."""
    for title, example in (
        ("f = (x + y) * z at x=-2, y=5, z=-4", add_mul_example),
        ("sigmoid neuron f = 1/(1 + exp(-(w0*x0 + w1*x1 + w2)))", sigmoid_neuron_example),
    ):
        root, names = example()
        print(f"\n{title}")
        print_graph(root, names=names)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gategrad", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="the worked examples, backpropagated").set_defaults(run=demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
