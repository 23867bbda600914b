"""``gategrad`` command line: ``demo`` (the main job), ``train`` and ``graph``.

Bad arguments, missing files and missing optional dependencies end in one line on stderr and a
non-zero exit code (2 for bad arguments, 1 for other errors, 130 for Ctrl-C).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

import autograd
import nn
from autograd.textview import print_graph
from autograd.viz import DotNotFoundError
from nn.data import IdxFormatError
from nn.train import CheckpointError

from .datasets import DATASETS, load_dataset
from .examples import add_mul_example, sigmoid_neuron_example
from .models import MODELS, UsageError, build_model
from .pictures import save_graph, training_step
from .run import OPTIMIZERS, SCHEDULES, TrainConfig, first_batch, image_normalization, train

DEMO_ACCURACY = 0.97
EXAMPLES = (
    ("f = (x + y) * z at x=-2, y=5, z=-4", add_mul_example, "example_add_mul.svg"),
    ("sigmoid neuron f = 1/(1 + exp(-(w0*x0 + w1*x1 + w2)))", sigmoid_neuron_example,
     "example_sigmoid_neuron.svg"),
)
DESCRIPTIONS = {
    "example_add_mul.svg": "graph of f = (x + y) z with values and gradients",
    "example_sigmoid_neuron.svg": "graph of the sigmoid neuron with values and gradients",
    "curves.png": "loss and accuracy per epoch, training and validation",
    "gradient_flow.svg": "gradient flow through the trained network (one batch)",
    "gradient_chart.png": "mean and max |gradient| per parameter, layer by layer",
    "checkpoint.npz": "model + optimizer state (resume with gategrad train --resume)",
}
# the demo's CNN run: seeded, so its test accuracy is the same on every machine
DEMO_CONFIG = {"model": "lenet", "dataset": "digits", "optimizer": "adam", "lr": 3e-3,
               "epochs": 20, "batch_size": 32, "seed": 0, "schedule": "cosine"}


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} B"


def print_files(files: list[Path]) -> None:
    width = max(len(str(f)) for f in files)
    for path in files:
        note = DESCRIPTIONS.get(path.name, "")
        print(f"  {str(path):<{width}}  {_size(path):>7}  {note}")


def demo(args: argparse.Namespace) -> int:
    """The worked examples (tables and pictures), a CNN on the digits, and the files."""
    out = Path(args.out)
    files = []
    print("1. The lecture's worked examples, backpropagated gate by gate")
    for title, example, filename in EXAMPLES:
        root, names = example()
        print(f"\n{title}")
        print_graph(root, names=names)
        files.append(save_graph(root, names, out / filename, fallback=True))
    config = TrainConfig(**DEMO_CONFIG, out=out, progress=not args.no_progress)
    print("\n2. A small CNN learns the 8x8 handwritten digits (scikit-learn's copy, 1797 images)")
    print(f"   {config.resolved().describe()}")
    result = train(config)
    accuracy = result.test["accuracy"]
    print(f"\n   test accuracy: {accuracy:.2%} (test loss {result.test['loss']:.4f}) on digits "
          "the network never saw")
    files += result.files
    print("\n3. Files written")
    print_files(files)
    if accuracy < DEMO_ACCURACY:
        print(f"gategrad: error: the demo's test accuracy {accuracy:.2%} is below "
              f"{DEMO_ACCURACY:.0%}", file=sys.stderr)
        return 1
    return 0


def train_command(args: argparse.Namespace) -> int:
    config = TrainConfig(args.model, args.dataset, args.optimizer, args.lr, args.epochs,
                         args.batch_size, args.seed, args.schedule, Path(args.out), args.resume,
                         not args.no_progress)
    print(config.resolved().describe())
    result = train(config)
    test = ", ".join(f"{k}={v:.4f}" for k, v in result.test.items())
    print(f"test: {test}")
    print("files written:")
    print_files(result.files)
    return 0


def graph_command(args: argparse.Namespace) -> int:
    autograd.manual_seed(args.seed)
    dataset = args.dataset or ("digits" if args.model == "lenet" else "spirals")
    data = load_dataset(dataset, args.seed)
    model = build_model(args.model, data.input_shape, data.n_classes)
    inputs, targets = first_batch(data.train, args.batch_size, image_normalization(data))
    loss = training_step(model, nn.CrossEntropyLoss(), inputs, targets)
    path = save_graph(loss, dict(model.named_parameters()), args.out, flow=args.flow)
    view = "gradient flow" if args.flow else "graph"
    print(f"wrote {path}: the {view} of one training step of {args.model} on a batch of "
          f"{len(targets)} {dataset} samples (loss {loss.item():.4f})")
    return 0


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage block) and exit with code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


_positive_int.__name__ = "integer >= 1"
_positive_float.__name__ = "number > 0"


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="gategrad", description="gategrad: every operation is a gate "
                           "with a local derivative. Demos, training and graph pictures.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo_parser = commands.add_parser(
        "demo", help="the worked examples backpropagated, then a CNN trained on digits")
    demo_parser.add_argument("--out", default="gategrad-out", help="output directory")
    demo_parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    demo_parser.set_defaults(run=demo)

    train_parser = commands.add_parser("train", help="train a model, write curves, pictures "
                                       "and a checkpoint")
    train_parser.add_argument("--model", choices=MODELS, default="mlp")
    train_parser.add_argument("--dataset", default="spirals", metavar="DATASET",
                              help=f"one of {', '.join(DATASETS)} (default spirals)")
    train_parser.add_argument("--optimizer", choices=OPTIMIZERS, default="adam")
    train_parser.add_argument("--lr", type=_positive_float, default=None,
                              help="learning rate (default: per optimizer)")
    train_parser.add_argument("--epochs", type=_positive_int, default=None,
                              help="default: per dataset")
    train_parser.add_argument("--batch-size", type=_positive_int, default=None,
                              help="default: per dataset")
    train_parser.add_argument("--seed", type=int, default=0)
    train_parser.add_argument("--schedule", choices=SCHEDULES, default="cosine",
                              help="learning rate: cosine from --lr to 0, or constant")
    train_parser.add_argument("--out", default="gategrad-out", help="output directory")
    train_parser.add_argument("--resume", action="store_true",
                              help="continue from OUT/checkpoint.npz if it exists")
    train_parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    train_parser.set_defaults(run=train_command)

    graph_parser = commands.add_parser("graph", help="picture of the computational graph of "
                                       "one training step")
    graph_parser.add_argument("--model", choices=MODELS, default="mlp")
    graph_parser.add_argument("--dataset", default=None, metavar="DATASET",
                              help=f"one of {', '.join(DATASETS)} (default: spirals for mlp, "
                              "digits for lenet)")
    graph_parser.add_argument("--batch-size", type=_positive_int, default=4)
    graph_parser.add_argument("--seed", type=int, default=0)
    graph_parser.add_argument("--flow", action="store_true",
                              help="draw the gradient-flow view instead")
    graph_parser.add_argument("--out", required=True, metavar="FILE",
                              help="picture file: .svg, .png, .pdf, or .gv for DOT source")
    graph_parser.set_defaults(run=graph_command)
    return parser


# user mistakes and missing pieces: reported in one line, never a traceback
USER_ERRORS = (UsageError, ImportError, OSError, IdxFormatError, CheckpointError,
               FloatingPointError, DotNotFoundError)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # the environment variables set in gategrad/__init__.py still apply
        threadpool_limits = None
    try:
        if threadpool_limits is None:
            return args.run(args)
        with threadpool_limits(limits=1, user_api="blas"):
            return args.run(args)
    except KeyboardInterrupt:
        print("\ngategrad: interrupted (the last checkpoint written, if any, is intact)",
              file=sys.stderr)
        return 130
    except USER_ERRORS as error:
        print(f"gategrad: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
