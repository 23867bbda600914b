"""History: what ``fit`` measured, one row per epoch (loss, metrics, validation, learning rate)."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..data.optional import require


class History:
    """Per-epoch records of training, e.g. ``{"epoch": 3, "loss": 0.21, "accuracy": 0.93,
    "val_loss": 0.25, "val_accuracy": 0.91, "lr": 0.01}``.

    ``history["val_loss"]`` is the list of that quantity over the epochs (NaN where an epoch did
    not record it); ``history.rows`` the records themselves; ``history.plot(path)`` draws them.
    """

    def __init__(self, rows: list[Mapping[str, float]] | None = None) -> None:
        self.rows: list[dict[str, float]] = [dict(r) for r in rows or []]

    def append(self, row: Mapping[str, float]) -> None:
        self.rows.append({k: float(v) for k, v in row.items()})

    def keys(self) -> list[str]:
        """The quantities recorded, in the order they first appeared."""
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row))
        return list(seen)

    def __getitem__(self, key: str) -> list[float]:
        if key not in self.keys():
            raise KeyError(f"History: no {key!r} recorded; recorded: {', '.join(self.keys())}")
        return [row.get(key, math.nan) for row in self.rows]

    def __contains__(self, key: object) -> bool:
        return key in self.keys()

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, float]]:
        return iter(self.rows)

    @property
    def last(self) -> dict[str, float]:
        """The latest epoch's record ({} before the first epoch)."""
        return dict(self.rows[-1]) if self.rows else {}

    def best(self, key: str, mode: str = "min") -> dict[str, float]:
        """The record of the epoch with the lowest (``mode="min"``) or highest ``key``."""
        if mode not in ("min", "max"):
            raise ValueError(f"History.best: mode must be 'min' or 'max', got {mode!r}")
        values = [(v, i) for i, v in enumerate(self[key]) if not math.isnan(v)]
        if not values:
            raise ValueError(f"History.best: no {key!r} values recorded")
        _, index = min(values) if mode == "min" else max(values)
        return dict(self.rows[index])

    def state_dict(self) -> dict[str, Any]:
        return {"rows": [dict(r) for r in self.rows]}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.rows = [{str(k): float(v) for k, v in row.items()} for row in state["rows"]]

    def plot(self, path: str | os.PathLike, title: str | None = None) -> Path:
        """Write loss curves and metric curves (train and validation) to an image file
        (PNG, SVG or PDF by its suffix); returns the path. Needs matplotlib."""
        matplotlib = require("matplotlib", "History.plot", "matplotlib", "plot")
        matplotlib.use("Agg")
        pyplot = require("matplotlib.pyplot", "History.plot", "matplotlib", "plot")
        from matplotlib.ticker import MaxNLocator
        if not self.rows:
            raise ValueError("History.plot: nothing to plot (no epochs recorded)")
        epochs = self["epoch"] if "epoch" in self else list(range(1, len(self) + 1))
        quantities = [k for k in self.keys() if not k.startswith("val_")
                      and k not in ("epoch", "lr", "time")]
        figure, axes = pyplot.subplots(1, len(quantities), figsize=(5 * len(quantities), 3.6),
                                       squeeze=False)
        for axis, key in zip(axes[0], quantities):
            axis.plot(epochs, self[key], marker="o", markersize=3, label=f"train {key}")
            if f"val_{key}" in self:
                axis.plot(epochs, self[f"val_{key}"], marker="o", markersize=3,
                          label=f"validation {key}")
            axis.set_xlabel("epoch")
            axis.xaxis.set_major_locator(MaxNLocator(integer=True))
            axis.set_ylabel(key)
            axis.grid(alpha=0.3)
            axis.legend()
        if title:
            figure.suptitle(title)
        figure.tight_layout()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, dpi=110)
        pyplot.close(figure)
        return path

    def __repr__(self) -> str:
        if not self.rows:
            return "History(no epochs)"
        last = ", ".join(f"{k}={v:.4g}" for k, v in self.rows[-1].items())
        return f"History({len(self.rows)} epochs; last: {last})"
