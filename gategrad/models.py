"""The models the command line trains: a multi-layer perceptron and a LeNet-style CNN."""

from __future__ import annotations

import nn

MODELS = ("mlp", "lenet")


class UsageError(Exception):
    """A user mistake the command line reports in one line (bad combination of options...)."""


def build_model(name: str, input_shape: tuple[int, ...], n_classes: int) -> nn.Module:
    """``mlp``: flatten, 128 and 64 ReLU units, ``n_classes`` logits (any data).
    ``lenet``: two stages of 3x3 conv (32, 64 channels), batch norm, ReLU and 2x2 max-pool,
    then dropout 0.25, 128 ReLU units and the logits (images ``(C, H, W)`` only)."""
    if name == "mlp":
        features = 1
        for n in input_shape:
            features *= n
        return nn.Sequential(
            nn.Flatten(),
            nn.Linear(features, 128), nn.ReLU(),
            nn.Linear(128, 64), nn.ReLU(),
            nn.Linear(64, n_classes),
        )
    if name == "lenet":
        if len(input_shape) != 3:
            raise UsageError(
                f"model lenet needs image data (digits or mnist); this dataset's samples have "
                f"shape {input_shape}: use --model mlp"
            )
        channels, height, width = input_shape
        if height < 4 or width < 4:
            raise UsageError(f"model lenet needs images of at least 4x4, got {height}x{width}")
        return nn.Sequential(
            nn.Conv2d(channels, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Dropout(0.25),
            nn.Linear(64 * (height // 4) * (width // 4), 128), nn.ReLU(),
            nn.Linear(128, n_classes),
        )
    raise UsageError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")
